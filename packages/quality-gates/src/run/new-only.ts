import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import type { Violation } from '@st3/schemas';
import type { ExecuteOptions } from './execute.js';
import type { RunPlan } from './plan-run.js';
import { judgeAtReference } from './reference-run.js';
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
 * line) and pre-existing ones by the line diff alone. A heuristic, kept for library callers: a change in one
 * file that breaks an unchanged line of another is taken as pre-existing. Runs use `holdTheLineFor`, which
 * shows a violation old by running the gate at the reference. The gates of `cleanAtReference` passed at the
 * reference under their current config: all of their violations are new.
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
    return withPreexisting(g, fresh, old);
  });
}

/**
 * A gate's result with its pre-existing violations set aside. They do not fail it: a gate that failed only
 * on them (or on the violation thresholds they broke) passes, with the count in its reason; an error stays one.
 */
function withPreexisting(g: GateResult, fresh: Violation[], old: Violation[]): GateResult {
  if (old.length === 0) return { ...g, preexisting_violations: [] };
  const result: GateResult = { ...g, violations: fresh, preexisting_violations: old };
  if (g.status === 'failed' && fresh.length === 0) {
    result.status = 'passed';
    result.passed = true;
    result.reason = `${old.length} pre-existing violation${old.length === 1 ? '' : 's'} (--new-only)`;
  }
  return result;
}

function isNew(v: Violation, changed: ReadonlyMap<string, ChangedLines>): boolean {
  if (v.file === null || v.line === null) return true;
  const lines = changed.get(v.file);
  if (lines === undefined) return true; // outside the workspace or gone: nothing to compare with
  return lines === 'all' || lines.has(v.line);
}

/** How `--new-only` judged which violations were pre-existing (`new_only.method`). */
export type NewOnlyMethod = 'reference-run' | 'baseline-hash' | 'none';

/**
 * `--new-only` for a run: the reference is the explicit base of the scope (auto: the baseline; branch: the
 * merge base), else the baseline; with neither there is no reference and every violation is new (never
 * HEAD: what was committed without being gated is not "pre-existing"). A gate whose config hash is the
 * one recorded when the baseline moved passed at the baseline (it moves only when every active gate
 * passed): when the reference is the baseline, all of that gate's violations are new, nothing run. The
 * other gates with violations (config changed since, or a branch merge base as reference) run again at the
 * reference (reference-run.ts): a violation is pre-existing only when that run reports it too.
 */
export async function holdTheLineFor(
  plan: RunPlan,
  results: readonly GateResult[],
  emit: (e: GateProgress) => void,
  exec: ExecuteOptions,
): Promise<{ gates: GateResult[]; reference: string | null; method: NewOnlyMethod }> {
  const reference = plan.scope.base ?? plan.state.baseline_sha ?? null;
  if (!reference || !plan.repoDir) {
    emit({
      type: 'warning',
      message: reference
        ? '--new-only: not a git repository, no commit to compare with: every violation counts as new'
        : '--new-only: no baseline (no green run recorded) to compare with: every violation counts as new',
    });
    return { gates: [...results], reference: null, method: 'none' };
  }
  const clean = new Set<string>();
  if (reference === plan.state.baseline_sha)
    for (const p of plan.plans) {
      const recorded = plan.state.gates?.[p.id]?.config_hash;
      if (recorded && recorded === p.configHash) clean.add(p.id);
    }
  // An error stays an error whatever its violations: only a verdict of the tool is worth a second run.
  const toJudge = results.filter(
    (g) => !clean.has(g.id) && (g.status === 'failed' || g.status === 'passed') && g.violations.length > 0,
  );
  if (toJudge.length === 0) {
    const hashed = results.some((g) => clean.has(g.id) && g.violations.length > 0);
    return { gates: [...results], reference, method: hashed ? 'baseline-hash' : 'none' };
  }
  const { split, warnings } = await judgeAtReference({ ...plan, repoDir: plan.repoDir }, toJudge, reference, exec);
  for (const message of warnings) emit({ type: 'warning', message });
  const gates = results.map((g) => {
    const s = split.get(g.id);
    return s ? withPreexisting(g, s.fresh, s.old) : g;
  });
  return { gates, reference, method: split.size > 0 ? 'reference-run' : 'none' };
}
