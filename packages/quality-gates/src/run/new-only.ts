import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Violation } from '@st3/schemas';
import type { GateResult } from './types.js';

/** Lines of a file added or changed since the reference commit; `all` for a file that is new since then. */
export type ChangedLines = Set<number> | 'all';

/**
 * "Hold the line" (reviewdog's `filter-mode=added`): which lines of `files` were added or changed since
 * commit `ref`, from the diff hunks between the committed blob and the working copy. A file absent from
 * `ref` is new: every line counts.
 */
export async function changedLinesSince(
  root: string,
  repoDir: string,
  ref: string,
  files: readonly string[],
): Promise<Map<string, ChangedLines>> {
  const git = await import('isomorphic-git');
  const { diffLines } = await import('diff');
  const prefix = relative(repoDir, root).split(sep).join('/');
  const out = new Map<string, ChangedLines>();
  const cache = {};
  for (const file of files) {
    let before: string;
    try {
      const { blob } = await git.readBlob({
        fs,
        dir: repoDir,
        oid: ref,
        filepath: prefix ? `${prefix}/${file}` : file,
        cache,
      });
      before = Buffer.from(blob).toString('utf8');
    } catch {
      out.set(file, 'all');
      continue;
    }
    let after: string;
    try {
      after = await readFile(resolve(root, file), 'utf8');
    } catch {
      out.set(file, new Set());
      continue;
    }
    const lines = new Set<number>();
    let line = 1;
    for (const part of diffLines(before, after)) {
      const count = part.count ?? part.value.split('\n').length - (part.value.endsWith('\n') ? 1 : 0);
      if (part.removed) continue;
      if (part.added) for (let i = 0; i < count; i++) lines.add(line + i);
      line += count;
    }
    out.set(file, lines);
  }
  return out;
}

/**
 * Splits each gate's violations into new ones (on changed lines, in new files, or not located in a file
 * line) and pre-existing ones. Pre-existing violations do not fail a gate: a gate that failed only on
 * them (or on the violation thresholds they broke) passes, with the count in its reason.
 */
export function holdTheLine(gates: readonly GateResult[], changed: ReadonlyMap<string, ChangedLines>): GateResult[] {
  return gates.map((g) => {
    if (g.skipped || g.violations.length === 0) return g;
    const fresh: Violation[] = [];
    const old: Violation[] = [];
    for (const v of g.violations) (isNew(v, changed) ? fresh : old).push(v);
    if (old.length === 0) return { ...g, preexisting_violations: [] };
    const result: GateResult = { ...g, violations: fresh, preexisting_violations: old };
    // An exit code or threshold broken only by old violations does not fail the gate; an error stays one.
    if (g.status === 'failed' && fresh.length === 0) {
      result.status = 'passed';
      result.passed = true;
      result.reason = `${old.length} pre-existing violation${old.length === 1 ? '' : 's'} (--new-only)`;
    }
    return result;
  });
}

function isNew(v: Violation, changed: ReadonlyMap<string, ChangedLines>): boolean {
  if (v.file === null || v.line === null) return true;
  const lines = changed.get(v.file);
  if (lines === undefined) return true; // outside the workspace or gone: nothing to compare with
  return lines === 'all' || lines.has(v.line);
}

/** The files with violations, for `changedLinesSince`. */
export function violationFiles(gates: readonly GateResult[], root: string): string[] {
  const out = new Set<string>();
  for (const g of gates)
    for (const v of g.violations)
      if (v.file !== null && !v.file.startsWith('/') && fs.existsSync(join(root, v.file))) out.add(v.file);
  return [...out].sort();
}
