import { JSON_PARSE_COUNTERS, St3Error, type TaskMeasures, type TelemetryRecord } from '@st3/schemas';
import type { CriteriaInputs } from './criteria.js';

// The parts of `measureTask` (criteria.ts): what each telemetry record adds to a task's tallies, and the
// task's figures from those tallies. Not exported by the package.

/** One agent's file reads and cache hits over a task. */
export type AgentMeasures = TaskMeasures['agents'][number];

/** A warning and how many times it was logged. */
export interface WarningCount {
  level: string;
  message: string;
  count: number;
}

/** Prompt sizes summed over a task's records, before a baseline fills in the prompts recorded without one. */
export type PromptTotals = Omit<TaskMeasures['prompts'], 'baseline_source'>;

/** Adds a record's file reads and cache hits to those of its agent. */
export function addAgentReads(agents: Map<string, AgentMeasures>, r: TelemetryRecord): void {
  const a = agents.get(r.agent) ?? {
    agent: r.agent,
    file_reads: 0,
    distinct_files: 0,
    bytes_read: 0,
    cache_hits: 0,
    reads_tracked: false,
  };
  for (const f of r.file_reads) {
    a.file_reads += f.count;
    a.bytes_read += f.bytes;
  }
  a.distinct_files += r.file_reads.length;
  a.cache_hits += r.cache.hits;
  a.reads_tracked ||= r.file_reads.length > 0 || r.cache.hits > 0;
  agents.set(r.agent, a);
}

/** Adds a record's warnings to the counts, keyed by level and message. */
export function addWarnings(warnings: Map<string, WarningCount>, r: TelemetryRecord): void {
  for (const w of r.warnings) {
    const key = `${w.level}\u0000${w.message}`;
    const seen = warnings.get(key);
    if (seen) seen.count += w.count;
    else warnings.set(key, { ...w });
  }
}

/**
 * Adds a record's JSON parse and failure counters to those of their source (default: the record's agent).
 * Records built in memory skip the schema, so a counter that is not a count (negative, NaN, infinite) is
 * E_TELEMETRY_CORRUPT here too: summed, a -1 would cancel a real failure and pass the criterion.
 */
export function addJsonParseCounts(json: TaskMeasures['json'], r: TelemetryRecord): void {
  for (const c of r.counters) {
    const isParse = c.name === JSON_PARSE_COUNTERS.parses;
    if (!isParse && c.name !== JSON_PARSE_COUNTERS.failures) continue;
    if (!Number.isFinite(c.value) || c.value < 0) throw notACount(r, c);
    const source = c.labels.source ?? r.agent;
    const entry = (json.by_source[source] ??= { parses: 0, failures: 0 });
    if (isParse) entry.parses += c.value;
    else entry.failures += c.value;
  }
}

function notACount(r: TelemetryRecord, c: TelemetryRecord['counters'][number]): St3Error {
  const labels = Object.entries(c.labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return new St3Error(
    'E_TELEMETRY_CORRUPT',
    `telemetry of agent ${r.agent}${r.task_id ? ` on ${r.task_id}` : ''}: counter ${c.name}{${labels}} is ${c.value}, not a count (counters only count up)`,
    { hint: 'Restore or remove that telemetry record; `st3 validate <file>` locates the value in a telemetry file.' },
  );
}

/** Adds a record's prompt sizes to the totals. */
export function addPromptSizes(prompts: PromptTotals, r: TelemetryRecord): void {
  if (!r.prompts) return;
  prompts.count += r.prompts.count;
  prompts.bytes += r.prompts.bytes;
  prompts.compared_count += r.prompts.compared.count;
  prompts.compared_bytes += r.prompts.compared.bytes;
  prompts.baseline_bytes += r.prompts.compared.baseline_bytes;
}

/** Sets the task's JSON parse and failure totals from those of its sources. */
export function totalJsonParses(json: TaskMeasures['json']): void {
  for (const entry of Object.values(json.by_source)) {
    entry.parses = Math.max(entry.parses, entry.failures); // a failed parse is a parse (older records counted only failures)
    json.parses += entry.parses;
    json.failures += entry.failures;
  }
}

/**
 * The task's prompt figures: prompts recorded without a baseline size are compared against `baseline`
 * (a baseline run's mean prompt size) when there is one. Updates `prompts`.
 */
export function promptMeasures(
  prompts: PromptTotals,
  baseline: CriteriaInputs['promptBaseline'],
): TaskMeasures['prompts'] {
  let baselineSource: string | null = prompts.compared_count > 0 ? 'baseline size recorded with each prompt' : null;
  const uncompared = prompts.count - prompts.compared_count;
  if (baseline && uncompared > 0) {
    prompts.compared_bytes += prompts.bytes - prompts.compared_bytes;
    prompts.baseline_bytes += baseline.bytesPerPrompt * uncompared;
    prompts.compared_count = prompts.count;
    baselineSource = baselineSource ? `${baselineSource}; ${baseline.source}` : baseline.source;
  }
  return { ...prompts, baseline_source: baselineSource };
}

/** The task's warning figures: totals, repeats and the 10 most repeated warnings. */
export function warningMeasures(warnings: Iterable<WarningCount>): TaskMeasures['warnings'] {
  const all = [...warnings];
  return {
    total: all.reduce((s, w) => s + w.count, 0),
    distinct: all.length,
    repeated: all.reduce((s, w) => s + w.count - 1, 0),
    top: all
      .filter((w) => w.count > 1)
      .sort((x, y) => y.count - x.count)
      .slice(0, 10),
  };
}

/** The task's QA coverage from its context (covered commands capped at the expected ones); null when not given. */
export function qaMeasures(qa: CriteriaInputs['qa']): TaskMeasures['qa'] {
  return qa
    ? {
        expected: qa.expected,
        covered: Math.min(qa.covered, qa.expected),
        uncovered: qa.uncovered ?? [],
        source: qa.source ?? 'validation commands and QA artifacts of the task',
      }
    : null;
}
