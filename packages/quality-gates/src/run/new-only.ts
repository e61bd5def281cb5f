import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Violation } from '@st3/schemas';
import type { RunPlan } from './plan-run.js';
import type { GateProgress, GateResult } from './types.js';

/**
 * Lines of a file added or changed since the reference commit (the lines on either side of a deletion
 * included); `all` for a file that is new since then.
 */
export type ChangedLines = Set<number> | 'all';

/**
 * "Hold the line" (reviewdog's `filter-mode=added`): which lines of `files` were added or changed since
 * commit `ref`, from the diff hunks between the committed blob and the working copy. A deletion changes the
 * lines around it (deleting `import os` can break the line that follows it): the last line before it and
 * the first after it count as changed. A file absent from `ref` is new: every line counts.
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
      // Byte for byte (latin1): decoded as UTF-8, a line changed only in bytes that are not UTF-8 would look unchanged.
      before = Buffer.from(blob).toString('latin1');
    } catch {
      out.set(file, 'all');
      continue;
    }
    let after: string;
    try {
      after = await readFile(resolve(root, file), 'latin1');
    } catch {
      // Unreadable or gone: nothing shows which of its violations are old, so all are new.
      out.set(file, 'all');
      continue;
    }
    const lines = new Set<number>();
    let line = 1;
    for (const part of diffLines(before, after)) {
      const count = part.count ?? part.value.split('\n').length - (part.value.endsWith('\n') ? 1 : 0);
      if (part.removed) {
        // The gap between line - 1 and line of the working copy.
        if (line > 1) lines.add(line - 1);
        lines.add(line);
        continue;
      }
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
 * them (or on the violation thresholds they broke) passes, with the count in its reason. The gates of
 * `cleanAtReference` passed at the reference under their current config: none of their violations can
 * have existed there, so all of them are new.
 */
export function holdTheLine(
  gates: readonly GateResult[],
  changed: ReadonlyMap<string, ChangedLines>,
  cleanAtReference: ReadonlySet<string> = new Set(),
): GateResult[] {
  return gates.map((g) => {
    if (g.skipped || g.violations.length === 0 || cleanAtReference.has(g.id)) return g;
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

/**
 * `--new-only` for a run: the reference is the explicit base of the scope (auto: the baseline; branch: the
 * merge base), else the baseline; with neither there is no reference and every violation is new (never
 * HEAD: what was committed without being gated is not "pre-existing"). A gate whose config hash is the
 * one recorded when the baseline moved passed at the baseline (it moves only when every active gate
 * passed): when the reference is the baseline, all of that gate's violations are new. Only the other
 * gates (config changed since, or a branch merge base as reference) fall back to the line diff.
 */
export async function holdTheLineFor(
  plan: RunPlan,
  results: readonly GateResult[],
  emit: (e: GateProgress) => void,
): Promise<{ gates: GateResult[]; reference: string | null }> {
  const reference = plan.scope.base ?? plan.state.baseline_sha ?? null;
  if (!reference || !plan.repoDir) {
    emit({
      type: 'warning',
      message: reference
        ? '--new-only: not a git repository, no commit to compare with: every violation counts as new'
        : '--new-only: no baseline (no green run recorded) to compare with: every violation counts as new',
    });
    return { gates: [...results], reference: null };
  }
  const clean = new Set<string>();
  if (reference === plan.state.baseline_sha)
    for (const p of plan.plans) {
      const recorded = plan.state.gates?.[p.id]?.config_hash;
      if (recorded && recorded === p.configHash) clean.add(p.id);
    }
  const rest = results.filter((g) => !clean.has(g.id));
  const changed = await changedLinesSince(plan.root, plan.repoDir, reference, violationFiles(rest, plan.root));
  return { gates: holdTheLine(results, changed, clean), reference };
}

/** The files with violations, for `changedLinesSince`. */
export function violationFiles(gates: readonly GateResult[], root: string): string[] {
  const out = new Set<string>();
  for (const g of gates)
    for (const v of g.violations)
      if (v.file !== null && !v.file.startsWith('/') && fs.existsSync(join(root, v.file))) out.add(v.file);
  return [...out].sort();
}
