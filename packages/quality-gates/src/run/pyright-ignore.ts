import { realpathSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { GateConfig } from '@st3/schemas';
import type { GateEvaluation } from '../parse/evaluate.js';
import { toolName } from '../scope/tool-fingerprint.js';
import { withNotChecked, type NotCheckedFile } from './checked-files.js';
import { PyrightConfigUnreadable, pyrightIgnore } from './pyright-config.js';

// pyright's `ignore` (pyrightconfig.json or `[tool.pyright]`): files it analyses, counts in
// `summary.filesAnalyzed`, and reports nothing on, whatever is wrong in them. Its output cannot tell them
// from clean files, so the gate reads the globs from pyright's own config: a given file they match was
// not judged — listed as not checked, never passed. Found by the tool the gate runs (`pyright`,
// `npx pyright`, `python -m pyright`), whatever the gate is called: a hand-written pyright gate needs it too.

/** The gate's evaluation with the given files pyright's `ignore` covers added to its `notChecked`. */
export function checkedByPyrightIgnore(
  gate: GateConfig,
  files: readonly string[],
  workDir: string,
  root: string,
  evaluation: GateEvaluation,
): GateEvaluation {
  if (files.length === 0 || toolName(gate.execution.command) !== 'pyright') return evaluation;
  try {
    return withNotChecked(evaluation, pyrightIgnoredFiles(gate.execution.command, files, workDir, root));
  } catch (error) {
    if (!(error instanceof PyrightConfigUnreadable)) throw error;
    return {
      status: 'error',
      violations: evaluation.violations,
      errorCode: 'E_GATE_OUTPUT',
      reason: `cannot tell which files pyright checked: its config's "ignore" cannot be read (${error.message})`,
    };
  }
}

/**
 * The `files` (relative to `root`) that pyright run as `argv` in `workDir` ignores. pyright finds its config
 * from the real path of its working folder and matches the files' real paths: either form of a file counts.
 */
export function pyrightIgnoredFiles(
  argv: readonly string[],
  files: readonly string[],
  workDir: string,
  root: string,
): NotCheckedFile[] {
  const ignore = pyrightIgnore(argv, realOr(workDir));
  if (!('dir' in ignore) || ignore.patterns.length === 0) return [];
  const specs = ignore.patterns.map((pattern) => ({ pattern, regex: pyrightGlob(ignore.dir, pattern) }));
  const where = relative(root, ignore.source).split(sep).join('/') || ignore.source;
  const out: NotCheckedFile[] = [];
  for (const file of files) {
    const abs = resolve(root, file);
    const paths = new Set([abs, realOr(abs)].map(toSlashes));
    const hit = specs.find((s) => [...paths].some((p) => s.regex.test(p)));
    if (hit)
      out.push({
        file,
        reason: `pyright config \`ignore\` ("${hit.pattern}" in ${where}): analysed, its diagnostics suppressed`,
      });
  }
  return out;
}

/**
 * pyright's file spec (`getFileSpec`): the pattern resolved against the config's folder, `**` any number of
 * folders, `*` any characters and `?` one character within a path segment; the path itself or anything
 * under it matches (a folder covers its files). Case-insensitive where the file system usually is.
 */
export function pyrightGlob(dir: string, pattern: string): RegExp {
  const parts = toSlashes(resolve(dir, pattern)).split('/');
  let source = '';
  parts.forEach((part, i) => {
    if (part === '**') source += '(/[^/][^/]*)*?';
    else
      source +=
        (i === 0 ? '' : '/') + part.replace(/[^\w\s/]/g, (c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : `\\${c}`));
  });
  const caseless = process.platform === 'win32' || process.platform === 'darwin';
  return new RegExp(`^(${source})($|/)`, caseless ? 'i' : undefined);
}

function toSlashes(path: string): string {
  return path.split(sep).join('/');
}

function realOr(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}
