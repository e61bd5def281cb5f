import {
  CRITERION_IDS,
  type CriterionId,
  type MetricsRollup,
  type PilotVerdict,
  type SuccessCriterion,
  type TaskMetrics,
  type TelemetryRecord,
} from '@st3/schemas';
import { telemetryFileName } from './collector.js';
import { measureTask, pilotVerdict, type CriteriaInputs } from './criteria.js';
import { PILOT_TABLE } from './pilot-table.js';

/** Everything several agents recorded for one task, combined. */
export interface AggregatedTelemetry {
  taskId: string | null;
  agents: string[];
  perAgent: { agent: string; fileReads: number; distinctFiles: number; bytesRead: number }[];
  fileReads: number;
  bytesRead: number;
  cache: TelemetryRecord['cache'];
  commands: number;
  failedCommands: number;
  warnings: TelemetryRecord['warnings'];
  counters: Map<string, number>;
  histograms: TelemetryRecord['histograms'];
}

export function aggregate(records: readonly TelemetryRecord[]): AggregatedTelemetry {
  const warnings = new Map<string, TelemetryRecord['warnings'][number]>();
  const counters = new Map<string, number>();
  const histograms = new Map<string, TelemetryRecord['histograms'][number]>();
  const cache = { hits: 0, misses: 0, bytes_saved: 0, tokens_saved: 0 };
  let commands = 0;
  let failedCommands = 0;
  const perAgent: AggregatedTelemetry['perAgent'] = [];
  for (const r of records) {
    let fileReads = 0;
    let bytesRead = 0;
    for (const f of r.file_reads) {
      fileReads += f.count;
      bytesRead += f.bytes;
    }
    perAgent.push({ agent: r.agent, fileReads, distinctFiles: r.file_reads.length, bytesRead });
    cache.hits += r.cache.hits;
    cache.misses += r.cache.misses;
    cache.bytes_saved += r.cache.bytes_saved;
    cache.tokens_saved += r.cache.tokens_saved;
    commands += r.commands.length;
    failedCommands += r.commands.filter((c) => c.exit_code !== 0).length;
    for (const w of r.warnings) {
      const key = `${w.level}\u0000${w.message}`;
      const seen = warnings.get(key);
      if (seen) seen.count += w.count;
      else warnings.set(key, { ...w });
    }
    for (const c of r.counters) counters.set(c.name, (counters.get(c.name) ?? 0) + c.value);
    for (const h of r.histograms) {
      const key = `${h.name}\u0000${JSON.stringify(h.labels)}`;
      const seen = histograms.get(key);
      if (!seen) {
        histograms.set(key, { ...h, labels: { ...h.labels }, buckets: h.buckets.map((b) => ({ ...b })) });
        continue;
      }
      seen.count += h.count;
      seen.sum += h.sum;
      seen.min = minOf(seen.min, h.min);
      seen.max = maxOf(seen.max, h.max);
      if (sameBounds(seen.buckets, h.buckets)) seen.buckets.forEach((b, i) => (b.count += h.buckets[i]!.count));
    }
  }
  const taskIds = [...new Set(records.map((r) => r.task_id).filter((t): t is string => t !== null))];
  return {
    taskId: taskIds[0] ?? null,
    agents: [...new Set(records.map((r) => r.agent))].sort(),
    perAgent,
    fileReads: perAgent.reduce((s, a) => s + a.fileReads, 0),
    bytesRead: perAgent.reduce((s, a) => s + a.bytesRead, 0),
    cache,
    commands,
    failedCommands,
    warnings: [...warnings.values()],
    counters,
    histograms: [...histograms.values()],
  };
}

/**
 * One task's metrics: its measures (raw figures from the agents' telemetry and the inputs), its five
 * criteria computed as a pilot of this one task, and the verdict. `sources` names the telemetry files.
 */
export function taskMetrics(
  taskId: string,
  records: readonly TelemetryRecord[],
  inputs: CriteriaInputs = {},
  now = new Date(),
  sources: readonly string[] = records.map((r) => telemetryFileName(r.agent)),
): TaskMetrics {
  const agg = aggregate(records);
  const measures = measureTask(records, sources, inputs);
  const verdict = pilotVerdict([{ task_id: taskId, measures }]);
  return {
    schema_version: '1.1',
    task_id: taskId,
    collected_at: now.toISOString(),
    agents: agg.agents,
    criteria: verdict.criteria,
    totals: {
      file_reads: agg.fileReads,
      bytes_read: agg.bytesRead,
      cache_hits: agg.cache.hits,
      cache_misses: agg.cache.misses,
      tokens_saved: agg.cache.tokens_saved,
      commands: agg.commands,
      failed_commands: agg.failedCommands,
      warnings: agg.warnings.reduce((s, w) => s + w.count, 0),
      prompts: measures.prompts.count,
      prompt_bytes: measures.prompts.bytes,
      json_parses: measures.json.parses,
      json_parse_failures: measures.json.failures,
      ...Object.fromEntries([...agg.counters].filter(([k]) => !k.startsWith('json_parse'))),
    },
    measures,
    verdict: verdict.verdict,
  };
}

/**
 * A rollup across tasks: the pilot verdict over all of them (the seed's thresholds across agents and
 * tasks), and the share of tasks meeting each criterion on their own (`compliance`).
 */
export function rollup(tasks: readonly TaskMetrics[], now = new Date()): MetricsRollup {
  const compliance: MetricsRollup['compliance'] = {};
  for (const t of tasks) {
    for (const c of t.measures ? t.criteria : []) {
      const entry = (compliance[c.id] ??= { met: 0, measured: 0, rate: null });
      if (c.target_met === null) continue;
      entry.measured++;
      if (c.target_met) entry.met++;
    }
  }
  for (const entry of Object.values(compliance)) entry.rate = entry.measured > 0 ? entry.met / entry.measured : null;
  return {
    schema_version: '1.1',
    generated_at: now.toISOString(),
    tasks: [...tasks],
    compliance,
    pilot: pilotVerdict(tasks),
  };
}

/** The pilot of a rollup (recomputed from its tasks when it was written before rollups carried one). */
export function pilotOf(r: MetricsRollup): PilotVerdict {
  return r.pilot ?? pilotVerdict(r.tasks);
}

export interface CriterionDelta {
  criterion: CriterionId;
  /** The value the pass threshold judges (a share of agents or tasks, an average, a count). */
  baseline: number | null;
  current: number | null;
  delta: number | null;
  /** The measured figure (reads per agent, repeated warnings, ...) before and after. */
  figure: { unit: string; baseline: number | null; current: number | null; delta: number | null };
  baseline_status: NonNullable<SuccessCriterion['status']>;
  current_status: NonNullable<SuccessCriterion['status']>;
  target: number;
  comparison: SuccessCriterion['comparison'];
  /** True when the figure moved the right way, false the wrong way, null when unchanged or not comparable. */
  improved: boolean | null;
}

export interface RollupComparison {
  deltas: CriterionDelta[];
  /** Per task and criterion, for the tasks in both rollups. */
  tasks: { task: string; deltas: CriterionDelta[] }[];
  baseline_verdict: PilotVerdict['verdict'];
  current_verdict: PilotVerdict['verdict'];
  /**
   * Criteria that went from met to missed (pilot or task), whose value fell by more than the tolerance,
   * or that were measured in the baseline and are not measured now (nothing shows they did not regress);
   * a task measured in the baseline and missing from the current run (criterion `task`); the
   * pilot verdict when it is worse than the baseline's (criterion `verdict`); and a baseline that
   * measured no criterion at all (criterion `baseline`: nothing was compared).
   */
  regressions: { criterion: string; task?: string; message: string }[];
}

/** Lower is better for these figures; higher for the others. */
const LOWER_IS_BETTER = new Set<CriterionId>(['file_reads_per_agent', 'repeated_warnings', 'json_parse_failures']);

function deltasOf(before: readonly SuccessCriterion[], after: readonly SuccessCriterion[]): CriterionDelta[] {
  return CRITERION_IDS.map((id) => {
    const b = before.find((c) => c.id === id);
    const a = after.find((c) => c.id === id);
    const row = PILOT_TABLE[id];
    const bv = b?.value ?? null;
    const av = a?.value ?? null;
    const bf = b?.figure?.value ?? null;
    const af = a?.figure?.value ?? null;
    const fd = bf !== null && af !== null ? af - bf : null;
    return {
      criterion: id,
      baseline: bv,
      current: av,
      delta: bv !== null && av !== null ? av - bv : null,
      figure: { unit: a?.figure?.unit ?? b?.figure?.unit ?? '', baseline: bf, current: af, delta: fd },
      baseline_status: statusOf(b),
      current_status: statusOf(a),
      target: row.target,
      comparison: row.comparison,
      improved: fd === null || fd === 0 ? null : LOWER_IS_BETTER.has(id) ? fd < 0 : fd > 0,
    };
  });
}

const statusOf = (c: SuccessCriterion | undefined): NonNullable<SuccessCriterion['status']> =>
  c?.status ?? (c?.target_met === true ? 'met' : c?.target_met === false ? 'missed' : 'not measured');

export function compareRollups(
  baseline: MetricsRollup,
  current: MetricsRollup,
  options: { tolerance?: number } = {},
): RollupComparison {
  const tolerance = options.tolerance ?? 0;
  const before = pilotOf(baseline);
  const after = pilotOf(current);
  const deltas = deltasOf(before.criteria, after.criteria);
  const regressions: RollupComparison['regressions'] = [];
  // A baseline that measured nothing compares nothing: "no regression" would be 0 of 0 criteria.
  if (measuredNothing(before, baseline))
    regressions.push({
      criterion: 'baseline',
      message: `not compared: the baseline measured no criterion (${baseline.tasks.length} task(s), pilot ${before.verdict}): nothing shows the current run did not regress`,
    });
  if (VERDICT_RANK[after.verdict] < VERDICT_RANK[before.verdict])
    regressions.push({
      criterion: 'verdict',
      message: `pilot verdict ${before.verdict} → ${after.verdict} (${after.summary})`,
    });
  for (const d of deltas) {
    if (noLongerMeasured(d))
      regressions.push({ criterion: d.criterion, message: `${d.criterion} ${noLongerMeasuredText(d)}` });
    else if (d.baseline_status === 'met' && d.current_status === 'missed')
      regressions.push({
        criterion: d.criterion,
        message: `${d.criterion} no longer met (${show(d.baseline)} → ${show(d.current)}, target ${d.comparison} ${d.target})`,
      });
    else if (
      d.delta !== null &&
      (d.comparison === '==' ? Math.abs(d.current!) > Math.abs(d.baseline!) + tolerance : d.delta < -tolerance)
    )
      regressions.push({
        criterion: d.criterion,
        message: `${d.criterion} fell from ${show(d.baseline)} to ${show(d.current)}`,
      });
  }
  const baseTasks = new Map(baseline.tasks.map((t) => [t.task_id, t]));
  const currentIds = new Set(current.tasks.map((t) => t.task_id));
  // A task the baseline measured and the current run lacks: nothing shows it did not regress.
  for (const t of baseline.tasks)
    if (!currentIds.has(t.task_id) && criteriaOf(t).some((c) => c.status !== 'not measured'))
      regressions.push({
        criterion: 'task',
        task: t.task_id,
        message: `${t.task_id} was measured in the baseline and is missing from the current run: its criteria cannot be shown not to have regressed`,
      });
  const tasks: RollupComparison['tasks'] = [];
  for (const t of current.tasks) {
    const was = baseTasks.get(t.task_id);
    if (!was) continue;
    const taskDeltas = deltasOf(criteriaOf(was), criteriaOf(t));
    tasks.push({ task: t.task_id, deltas: taskDeltas });
    for (const d of taskDeltas)
      if (noLongerMeasured(d))
        regressions.push({
          criterion: d.criterion,
          task: t.task_id,
          message: `${t.task_id}: ${d.criterion} ${noLongerMeasuredText(d)}`,
        });
      else if (d.baseline_status === 'met' && d.current_status === 'missed')
        regressions.push({
          criterion: d.criterion,
          task: t.task_id,
          message: `${t.task_id}: ${d.criterion} no longer met (${show(d.baseline)} → ${show(d.current)})`,
        });
  }
  return { deltas, tasks, baseline_verdict: before.verdict, current_verdict: after.verdict, regressions };
}

/**
 * A task's criteria as collected (1.1: with its measures; `st3 metrics collect` leaves those a telemetry
 * file it could not read feeds not measured, which its measures alone would judge again), else from its
 * measures (an older file: all not measured).
 */
const criteriaOf = (t: TaskMetrics): SuccessCriterion[] => (t.measures ? t.criteria : pilotVerdict([t]).criteria);

/** No criterion measured (met or missed) in the pilot nor in any task of a rollup. */
const measuredNothing = (pilot: PilotVerdict, r: MetricsRollup): boolean =>
  pilot.criteria.every((c) => statusOf(c) === 'not measured') &&
  r.tasks.every((t) => criteriaOf(t).every((c) => statusOf(c) === 'not measured'));

/** pass is better than incomplete (not established), which is better than fail. */
const VERDICT_RANK: Record<PilotVerdict['verdict'], number> = { pass: 2, incomplete: 1, fail: 0 };

/** Measured (met or missed) in the baseline and not measured now: it cannot be shown not to have regressed. */
const noLongerMeasured = (d: CriterionDelta): boolean =>
  d.baseline_status !== 'not measured' && d.current_status === 'not measured';

const noLongerMeasuredText = (d: CriterionDelta): string =>
  `no longer measured (${d.baseline_status} at ${show(d.baseline)} in the baseline, not measured now): it cannot be shown not to have regressed`;

function show(v: number | null): string {
  return v === null ? 'not measured' : String(Math.round(v * 1000) / 1000);
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}
function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
function sameBounds(a: { le: number }[], b: { le: number }[]): boolean {
  return a.length === b.length && a.every((x, i) => x.le === b[i]!.le);
}
