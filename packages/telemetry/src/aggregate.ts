import type { MetricsRollup, SuccessCriterion, TaskMetrics, TelemetryRecord } from '@st3/schemas';

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

/** Inputs the telemetry alone cannot give: how many validation commands should have left QA artifacts. */
export interface CriteriaInputs {
  qa?: { expected: number; recorded: number };
}

/**
 * The five success criteria of the context-cache hardening plan, each with its target. A criterion
 * with nothing to measure has `value: null` and `target_met: null` rather than a made-up pass.
 */
export function successCriteria(agg: AggregatedTelemetry, inputs: CriteriaInputs = {}): SuccessCriterion[] {
  const maxReads = agg.perAgent.length > 0 ? Math.max(...agg.perAgent.map((a) => a.fileReads)) : null;
  const repeated = agg.warnings.reduce((s, w) => s + (w.count - 1), 0);
  const qa = inputs.qa && inputs.qa.expected > 0 ? Math.min(1, inputs.qa.recorded / inputs.qa.expected) : null;
  const denominator = agg.cache.bytes_saved + agg.bytesRead;
  const savings = denominator > 0 ? agg.cache.bytes_saved / denominator : null;
  const parseFailures = agg.counters.get('json_parse_failures') ?? 0;
  return [
    criterion(
      'file_reads_per_agent',
      'file reads per agent (max over agents)',
      maxReads,
      5,
      '<=',
      maxReads === null ? 'no agent recorded telemetry' : undefined,
    ),
    criterion(
      'repeated_warnings',
      'repeated warnings (occurrences beyond the first)',
      agg.agents.length > 0 ? repeated : null,
      1,
      '<=',
    ),
    criterion(
      'qa_artifact_coverage',
      'validation commands with a QA artifact',
      qa,
      1,
      '>=',
      qa === null ? 'no validation commands to cover' : `${inputs.qa!.recorded}/${inputs.qa!.expected}`,
    ),
    criterion(
      'prompt_size_savings',
      'prompt bytes saved by the context cache',
      savings,
      0.15,
      '>=',
      savings === null ? 'nothing read and nothing cached' : `${agg.cache.tokens_saved} tokens saved`,
    ),
    criterion(
      'json_parse_failures',
      'JSON outputs that failed to parse',
      agg.agents.length > 0 ? parseFailures : null,
      0,
      '==',
    ),
  ];
}

function criterion(
  id: SuccessCriterion['id'],
  description: string,
  value: number | null,
  target: number,
  comparison: SuccessCriterion['comparison'],
  detail?: string,
): SuccessCriterion {
  const met =
    value === null
      ? null
      : comparison === '<='
        ? value <= target
        : comparison === '>='
          ? value >= target
          : value === target;
  return detail === undefined
    ? { id, description, value, target, comparison, target_met: met }
    : { id, description, value, target, comparison, target_met: met, detail };
}

export function taskMetrics(
  taskId: string,
  records: readonly TelemetryRecord[],
  inputs: CriteriaInputs = {},
  now = new Date(),
): TaskMetrics {
  const agg = aggregate(records);
  return {
    schema_version: '1.0',
    task_id: taskId,
    collected_at: now.toISOString(),
    agents: agg.agents,
    criteria: successCriteria(agg, inputs),
    totals: {
      file_reads: agg.fileReads,
      bytes_read: agg.bytesRead,
      cache_hits: agg.cache.hits,
      cache_misses: agg.cache.misses,
      tokens_saved: agg.cache.tokens_saved,
      commands: agg.commands,
      failed_commands: agg.failedCommands,
      warnings: agg.warnings.reduce((s, w) => s + w.count, 0),
      ...Object.fromEntries(agg.counters),
    },
  };
}

/** Compliance rate per criterion across tasks (tasks where it could not be measured are left out). */
export function rollup(tasks: readonly TaskMetrics[], now = new Date()): MetricsRollup {
  const compliance: MetricsRollup['compliance'] = {};
  for (const t of tasks) {
    for (const c of t.criteria) {
      const entry = (compliance[c.id] ??= { met: 0, measured: 0, rate: null });
      if (c.target_met === null) continue;
      entry.measured++;
      if (c.target_met) entry.met++;
    }
  }
  for (const entry of Object.values(compliance)) entry.rate = entry.measured > 0 ? entry.met / entry.measured : null;
  return { schema_version: '1.0', generated_at: now.toISOString(), tasks: [...tasks], compliance };
}

export interface RollupComparison {
  deltas: { criterion: string; baseline: number | null; current: number | null; delta: number | null }[];
  /** Criteria whose compliance rate fell, and tasks whose criterion went from met to not met. */
  regressions: { criterion: string; task?: string; message: string }[];
}

export function compareRollups(
  baseline: MetricsRollup,
  current: MetricsRollup,
  options: { tolerance?: number } = {},
): RollupComparison {
  const tolerance = options.tolerance ?? 0;
  const ids = [...new Set([...Object.keys(baseline.compliance), ...Object.keys(current.compliance)])].sort();
  const deltas = ids.map((criterion) => {
    const b = baseline.compliance[criterion]?.rate ?? null;
    const c = current.compliance[criterion]?.rate ?? null;
    return { criterion, baseline: b, current: c, delta: b !== null && c !== null ? c - b : null };
  });
  const regressions: RollupComparison['regressions'] = [];
  for (const d of deltas) {
    if (d.delta !== null && d.delta < -tolerance)
      regressions.push({
        criterion: d.criterion,
        message: `compliance fell from ${pct(d.baseline)} to ${pct(d.current)}`,
      });
  }
  const baseTasks = new Map(baseline.tasks.map((t) => [t.task_id, t]));
  for (const t of current.tasks) {
    const before = baseTasks.get(t.task_id);
    if (!before) continue;
    for (const c of t.criteria) {
      const was = before.criteria.find((x) => x.id === c.id);
      if (was?.target_met === true && c.target_met === false) {
        regressions.push({
          criterion: c.id,
          task: t.task_id,
          message: `${t.task_id}: ${c.id} no longer met (${was.value} → ${c.value}, target ${c.comparison} ${c.target})`,
        });
      }
    }
  }
  return { deltas, regressions };
}

function pct(v: number | null): string {
  return v === null ? 'n/a' : `${Math.round(v * 1000) / 10}%`;
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
