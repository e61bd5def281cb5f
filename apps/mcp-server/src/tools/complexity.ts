import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { plural, jsonResult } from '../results.js';
import { atomizeRecords } from './atomize.js';

interface Unit {
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
  complexity: number;
  reportLine: number;
  reportColumn: number;
  reportName: string;
  reported: boolean;
}

/** `complexity`: per-function cyclomatic complexity as ESLint / flake8 count it; with `max`, only the functions above it. */
export async function complexity(
  root: string,
  args: { paths: string[]; max?: number },
  signal?: AbortSignal,
): Promise<CallToolResult> {
  const doc = await atomizeRecords(root, args.paths, { mode: 'complexity', signal });
  const max = args.max;
  const files = (doc.files as unknown as { path: string; language: string; functions: Unit[] }[]).map((f) => ({
    path: f.path,
    language: f.language,
    functions: f.functions
      .filter((u) => u.reported && (max === undefined || u.complexity > max))
      .sort((a, b) => a.reportLine - b.reportLine || a.reportColumn - b.reportColumn)
      .map((u) => ({
        name: u.name,
        kind: u.kind,
        line: u.reportLine,
        column: u.reportColumn,
        startLine: u.startLine,
        endLine: u.endLine,
        complexity: u.complexity,
        message: u.reportName,
      })),
  }));
  const all = files.flatMap((f) => f.functions.map((u) => ({ path: f.path, ...u })));
  const top = [...all].sort((a, b) => b.complexity - a.complexity)[0];
  const over = max === undefined ? 0 : all.length;
  const text =
    max === undefined
      ? `${plural(all.length, 'function')} in ${plural(files.length, 'file')}${top ? `; most complex: ${top.message} in ${top.path}:${top.line} (${top.complexity})` : ''}`
      : over === 0
        ? `no function above complexity ${max} in ${plural(files.length, 'file')}`
        : `${plural(over, 'function')} above complexity ${max}${top ? `; worst: ${top.message} in ${top.path}:${top.line} (${top.complexity})` : ''}`;
  return jsonResult(text, { max: max ?? null, over, files, skipped: doc.skipped });
}
