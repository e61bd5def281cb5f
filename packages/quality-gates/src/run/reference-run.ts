import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { GateConfig, Violation } from '@st3/schemas';
import { lstatIfThere } from '@st3/fs';
import { executeCheck, type ExecuteOptions } from './execute.js';
import type { RunPlan } from './plan-run.js';
import { materializeReference } from './reference-tree.js';
import type { GateResult } from './types.js';

/** What the reference run showed, for `holdTheLineFor`. */
export interface ReferenceJudgement {
  /** Per judged gate id, its violations split; a gate absent here keeps all of its violations as new. */
  split: Map<string, { fresh: Violation[]; old: Violation[] }>;
  warnings: string[];
}

/**
 * `--new-only` when the gate's own verdict at the reference is not recorded: the gates run again on the
 * reference commit's tree (in a temp folder, removed afterwards), with the same config and command, on
 * their files that exist there. A violation is pre-existing only when that run reports a matching one:
 * same file, rule and message, on the line its line maps to (a line unchanged since the reference, moved
 * or not). Anything else is new — also every violation of a gate that could not run there (a warning says
 * why): never greener than a plain run.
 */
export async function judgeAtReference(
  plan: RunPlan & { repoDir: string },
  gates: readonly GateResult[],
  reference: string,
  exec: ExecuteOptions,
): Promise<ReferenceJudgement> {
  const split: ReferenceJudgement['split'] = new Map();
  const warnings: string[] = [];
  const at = reference.slice(0, 8);
  const runnable = gates.filter((g) => {
    const why = unsoundAtReference(plan.config.gates[g.id]!, plan);
    if (why)
      warnings.push(
        `--new-only: ${g.id} cannot be run at the reference ${at} (${why}): its violations all count as new`,
      );
    return !why;
  });
  if (runnable.length === 0) return { split, warnings };
  const tree = await materializeReference(plan.repoDir, reference, exec.env ?? process.env, exec.signal);
  if ('error' in tree) {
    warnings.push(`--new-only: cannot check out the reference ${at} (${tree.error}): every violation counts as new`);
    return { split, warnings };
  }
  try {
    const refRoot = join(tree.dir, relative(plan.repoDir, plan.root));
    const lineMaps = new Map<string, Map<number, number> | undefined>();
    for (const g of runnable) {
      const atReference = await runAtReference(g.id, plan, tree.dir, refRoot, exec);
      if ('error' in atReference) {
        warnings.push(
          `--new-only: ${g.id} failed to run at the reference ${at} (${atReference.error}): its violations all count as new`,
        );
        continue;
      }
      for (const v of g.violations)
        if (v.file !== null && v.line !== null && !isAbsolute(v.file) && !lineMaps.has(v.file))
          lineMaps.set(v.file, await unchangedLines(join(refRoot, v.file), join(plan.root, v.file)));
      split.set(g.id, matchViolations(g.violations, atReference.violations, lineMaps));
    }
  } finally {
    await tree.remove();
  }
  return { split, warnings };
}

/**
 * A gate's violations at the reference, as the workspace's would read (the temp folder's paths replaced by
 * the workspace's), or why it could not run there. Same config and command, on its files that exist there.
 */
async function runAtReference(
  id: string,
  plan: RunPlan & { repoDir: string },
  treeDir: string,
  refRoot: string,
  exec: ExecuteOptions,
): Promise<{ violations: Violation[] } | { error: string }> {
  const gatePlan = plan.plans.find((p) => p.id === id)!;
  const files = gatePlan.files.filter((f) => lstatIfThere(join(refRoot, f))?.isFile());
  // A gate given files none of which existed at the reference had nothing there to report.
  if ((gatePlan.gate.execution.pass_files ?? 'args') !== 'none' && files.length === 0) return { violations: [] };
  const e = await executeCheck(id, gatePlan.gate, files, { ...exec, root: refRoot, top: treeDir, logging: undefined });
  if (e.status === 'error') return { error: (e.reason ?? 'error').split('\n')[0]! };
  const paths: [string, string][] = [
    [refRoot, plan.root],
    [treeDir, plan.repoDir],
  ];
  return { violations: e.violations.map((v) => inWorkspace(v, paths)) };
}

/**
 * Why a gate's run at the reference would not be one of the reference: its command or working folder names
 * a path of the workspace itself (it would check the working copy again), so nothing it reports is shown old.
 */
function unsoundAtReference(gate: GateConfig, plan: RunPlan & { repoDir: string }): string | undefined {
  const e = gate.execution;
  const inside = (p: string) => {
    const rel = relative(plan.repoDir, p);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  const named = [...e.command, ...(e.working_dir ? [e.working_dir] : [])].find((a) => isAbsolute(a) && inside(a));
  return named ? `its config names ${named}, a path of the workspace` : undefined;
}

/** A reference run's violation as the workspace's would read: the temp folder's paths replaced by the workspace's. */
function inWorkspace(v: Violation, paths: readonly [string, string][]): Violation {
  let { file, message } = v;
  for (const [from, to] of paths) {
    if (file !== null && (file === from || file.startsWith(from + sep))) file = to + file.slice(from.length);
    message = message.split(from).join(to);
  }
  return { ...v, file, message };
}

/**
 * The lines of `after` unchanged since `before`, each mapped to its line in `before` (from the diff hunks:
 * lines inserted above an old line move it, never change it). Undefined when `before` is absent (a new file).
 */
export async function unchangedLines(before: string, after: string): Promise<Map<number, number> | undefined> {
  const { diffLines } = await import('diff');
  let old: string;
  let now: string;
  try {
    // Byte for byte (latin1): decoded as UTF-8, a line changed only in bytes that are not UTF-8 would look unchanged.
    [old, now] = await Promise.all([readFile(before, 'latin1'), readFile(after, 'latin1')]);
  } catch {
    return undefined;
  }
  const map = new Map<number, number>();
  let oldLine = 1;
  let newLine = 1;
  for (const part of diffLines(old, now)) {
    const count = part.count ?? part.value.split('\n').length - (part.value.endsWith('\n') ? 1 : 0);
    if (part.removed) oldLine += count;
    else if (part.added) newLine += count;
    else for (let i = 0; i < count; i++) map.set(newLine++, oldLine++);
  }
  return map;
}

/**
 * Splits `current` into new and pre-existing violations: pre-existing when `atReference` holds one with the
 * same file, rule and message on the line it maps to (a violation without a line: one without a line), each
 * reference violation matching at most one.
 */
export function matchViolations(
  current: readonly Violation[],
  atReference: readonly Violation[],
  lineMaps: ReadonlyMap<string, ReadonlyMap<number, number> | undefined>,
): { fresh: Violation[]; old: Violation[] } {
  const key = (v: Violation, line: number | null) => JSON.stringify([v.file, v.rule, v.message, line]);
  const left = new Map<string, number>();
  for (const v of atReference) left.set(key(v, v.line), (left.get(key(v, v.line)) ?? 0) + 1);
  const fresh: Violation[] = [];
  const old: Violation[] = [];
  for (const v of current) {
    const line = v.line === null ? null : v.file === null ? undefined : lineMaps.get(v.file)?.get(v.line);
    const k = line === undefined ? undefined : key(v, line);
    const n = k === undefined ? 0 : (left.get(k) ?? 0);
    if (n > 0) {
      left.set(k!, n - 1);
      old.push(v);
    } else fresh.push(v);
  }
  return { fresh, old };
}
