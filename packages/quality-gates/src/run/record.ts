import type { QualityGatesState } from '@st3/schemas';
import { changesSince } from '../scope/git.js';
import { statePath, updateGatesState, type GateOutcome } from '../state/baseline.js';
import { selectGates, type GatePlan } from './plan.js';
import type { RunPlan } from './run-gates.js';
import type { GateResult } from './types.js';

/**
 * Records a run in state.json: per gate, the files it checked and found clean leave its failed list and
 * the files it failed on join it; the baseline moves to HEAD only when the run covered every active gate
 * soundly (auto or project scope, no `--gate`) and every gate passed with nothing to report. `results`
 * are the gates' own verdicts (before `--new-only` set pre-existing violations aside).
 */
export async function recordRun(plan: RunPlan, results: readonly GateResult[]): Promise<QualityGatesState> {
  const { config, root, scope } = plan;
  const active = selectGates(config, undefined);
  const ran = new Set(plan.plans.map((p) => p.id));
  const complete =
    (plan.request.kind === 'auto' || plan.request.kind === 'project') &&
    !plan.limited &&
    active.every((id) => ran.has(id));
  const clean = results.every((g) => g.status === 'skipped' || g.status === 'passed');
  const advance = complete && clean && plan.plans.every((p) => p.sound) && scope.head !== undefined;
  const outcomes = plan.plans.map((p, i) => outcomeOf(p, results[i]!));
  const configHashes: Record<string, string> = {};
  for (const p of plan.plans) configHashes[p.id] = p.configHash;
  let unverified: string[] | undefined;
  if (advance && plan.repoDir && scope.head) {
    // The run checked the working copy; what differs from HEAD there was never checked as committed.
    const sameBase = scope.kind === 'auto' && scope.base === scope.head && scope.changed && scope.deleted;
    const diff = sameBase
      ? { changed: scope.changed!, deleted: scope.deleted! }
      : await changesSince(plan.repoDir, scope.head).then((d) => relativeTo(plan.repoDir!, root, d));
    unverified = [...new Set([...diff.changed, ...diff.deleted])].filter((f) => !f.startsWith('.st3/'));
  }
  return updateGatesState(statePath(root), {
    outcomes,
    advance,
    ...(scope.head ? { head: scope.head } : {}),
    activeGates: active,
    definedGates: Object.keys(config.gates),
    configHashes,
    ...(unverified ? { unverified } : {}),
  });
}

function outcomeOf(plan: GatePlan, result: GateResult): GateOutcome {
  const all = [...result.violations, ...(result.preexisting_violations ?? [])];
  const failed =
    result.status === 'failed' || result.status === 'error'
      ? [...new Set(all.map((v) => v.file).filter((f): f is string => f !== null && !f.startsWith('/')))]
      : [];
  // Files the tool did not check are not cleared: only what it saw counts as checked.
  const unseen = new Set((result.not_checked ?? []).map((n) => n.file));
  return {
    id: plan.id,
    status: result.status,
    checked: plan.mode === 'project' && unseen.size === 0 ? 'project' : plan.files.filter((f) => !unseen.has(f)),
    failed,
  };
}

function relativeTo(
  repoDir: string,
  root: string,
  d: { changed: string[]; deleted: string[] },
): { changed: string[]; deleted: string[] } {
  const prefix = root.startsWith(repoDir)
    ? root
        .slice(repoDir.length)
        .replace(/^[\\/]+/, '')
        .split('\\')
        .join('/')
    : '';
  if (!prefix) return d;
  const strip = (fs: string[]) => fs.filter((f) => f.startsWith(`${prefix}/`)).map((f) => f.slice(prefix.length + 1));
  return { changed: strip(d.changed), deleted: strip(d.deleted) };
}
