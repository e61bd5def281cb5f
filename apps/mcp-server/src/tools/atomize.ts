import { St3Error } from '@st3/schemas';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { insidePattern } from '../paths.js';
import { jsonResult, plural } from '../results.js';

interface AtomizedFile {
  path: string;
  loc: number;
  functions: unknown[];
  atoms: { atomicity: { atomic: boolean } }[];
}

/** Records of every matched file, sorted by path; files that cannot be atomized are listed as skipped. */
export async function atomizeRecords(
  root: string,
  paths: string[],
  options: { targetLoc?: number; maxLoc?: number; mode?: 'atomize' | 'complexity'; signal?: AbortSignal },
) {
  const patterns = paths.map((p) => insidePattern(root, p));
  const { atomizeProject } = await import('@st3/atomizer');
  const files: Record<string, unknown>[] = [];
  const skipped: { path: string; reason: string }[] = [];
  // No cache: the tools are read-only, and the cache lives in the workspace's .st3/.
  for await (const r of atomizeProject(patterns, {
    cwd: root,
    cache: false,
    workers: 0,
    mode: options.mode ?? 'atomize',
    ...(options.targetLoc !== undefined ? { targetLoc: options.targetLoc } : {}),
    ...(options.maxLoc !== undefined ? { maxLoc: options.maxLoc } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    if (r.ok) files.push(r.record as unknown as Record<string, unknown>);
    else skipped.push({ path: r.path, reason: r.skipped.reason });
  }
  if (files.length === 0 && skipped.length === 0)
    throw new St3Error('E_ATOMIZE_NO_FILES', `no source files matched ${paths.join(' ')}`, {
      hint: 'files ignored by .gitignore are skipped',
    });
  files.sort((a, b) => String(a.path).localeCompare(String(b.path)));
  return { files, skipped };
}

/** `atomize`: the `st3 atomize --json` document `{files, skipped}`. */
export async function atomize(
  root: string,
  args: { paths: string[]; targetLoc?: number; maxLoc?: number },
  signal?: AbortSignal,
): Promise<CallToolResult> {
  if (args.targetLoc !== undefined && args.maxLoc !== undefined && args.targetLoc > args.maxLoc) {
    throw new St3Error('E_ATOMIZE_OPTIONS', `targetLoc (${args.targetLoc}) is above maxLoc (${args.maxLoc})`, {
      hint: 'use targetLoc ≤ maxLoc',
    });
  }
  const maxLoc = args.maxLoc ?? (args.targetLoc !== undefined ? Math.max(15, args.targetLoc) : undefined);
  const doc = await atomizeRecords(root, args.paths, { targetLoc: args.targetLoc, maxLoc, signal });
  const files = doc.files as unknown as AtomizedFile[];
  const atoms = files.reduce((n, f) => n + f.atoms.length, 0);
  const nonAtomic = files.reduce((n, f) => n + f.atoms.filter((a) => !a.atomicity.atomic).length, 0);
  const fns = files.reduce((n, f) => n + f.functions.length, 0);
  const loc = files.reduce((n, f) => n + f.loc, 0);
  const text = `${plural(files.length, 'file')}, ${plural(fns, 'function')}, ${plural(atoms, 'atom')} (${nonAtomic} not atomic), ${loc} source lines${doc.skipped.length > 0 ? `, ${doc.skipped.length} skipped` : ''}`;
  return jsonResult(text, doc);
}
