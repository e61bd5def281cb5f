import {
  type CriterionId,
  type PilotVerdict,
  type SuccessCriterion,
  type TaskMeasures,
  type TelemetryRecord,
} from '@st3/schemas';
import { pct } from './format.js';
import {
  addAgentReads,
  addJsonParseCounts,
  addPromptSizes,
  addWarnings,
  promptMeasures,
  qaMeasures,
  totalJsonParses,
  warningMeasures,
  type AgentMeasures,
  type PromptTotals,
  type WarningCount,
} from './task-measures.js';

/**
 * The seed's pilot table (docs/decisions/0122): per-unit targets and pass thresholds, exactly as
 * written there. A criterion is judged on `value` against `target`; `unit_target` is the table's
 * "Target" column.
 */
export const PILOT_TABLE: Record<
  CriterionId,
  {
    description: string;
    target: number;
    comparison: SuccessCriterion['comparison'];
    unit: NonNullable<SuccessCriterion['unit_target']>;
    threshold: string;
  }
> = {
  file_reads_per_agent: {
    description: 'file reads per agent',
    target: 0.8,
    comparison: '>=',
    unit: { value: 5, comparison: '<=', per: 'agent' },
    threshold: '≥ 80% of agents read ≤ 5 files',
  },
  repeated_warnings: {
    description: 'repeated warnings per task',
    target: 1,
    comparison: '>=',
    unit: { value: 1, comparison: '<=', per: 'task' },
    threshold: '100% of tasks have ≤ 1 repeated warning',
  },
  qa_artifact_coverage: {
    description: 'validation commands with a QA artifact',
    target: 1,
    comparison: '>=',
    unit: { value: 1, comparison: '>=', per: 'task' },
    threshold: '100% of tasks have a QA artifact for every validation command',
  },
  prompt_size_savings: {
    description: 'prompt size saved against the baseline',
    target: 0.15,
    comparison: '>=',
    unit: { value: 0.15, comparison: '>=', per: 'task' },
    threshold: 'average saving across tasks ≥ 15%',
  },
  json_parse_failures: {
    description: 'JSON outputs that failed to parse',
    target: 0,
    comparison: '==',
    unit: { value: 0, comparison: '==', per: 'source' },
    threshold: '0 failures across all JSON parses',
  },
};

export const UNIT_READS_LIMIT = PILOT_TABLE.file_reads_per_agent.unit.value;

/** Inputs telemetry alone cannot give: QA coverage (from the task context) and a prompt-size baseline. */
export interface CriteriaInputs {
  qa?: { expected: number; covered: number; uncovered?: string[]; source?: string };
  /** The mean prompt size of a baseline run, for prompts recorded without their own baseline size. */
  promptBaseline?: { bytesPerPrompt: number; source: string };
}

export function compare(value: number, comparison: SuccessCriterion['comparison'], target: number): boolean {
  return comparison === '<=' ? value <= target : comparison === '>=' ? value >= target : value === target;
}

/** The raw figures of one task, from its agents' telemetry records. */
export function measureTask(
  records: readonly TelemetryRecord[],
  sources: readonly string[],
  inputs: CriteriaInputs = {},
): TaskMeasures {
  const agents = new Map<string, AgentMeasures>();
  const warnings = new Map<string, WarningCount>();
  const json: TaskMeasures['json'] = { parses: 0, failures: 0, by_source: {} };
  const prompts: PromptTotals = { count: 0, bytes: 0, compared_count: 0, compared_bytes: 0, baseline_bytes: 0 };
  for (const r of records) {
    addAgentReads(agents, r);
    addWarnings(warnings, r);
    addJsonParseCounts(json, r);
    addPromptSizes(prompts, r);
  }
  totalJsonParses(json);
  return {
    sources: [...sources],
    agents: [...agents.values()].sort((x, y) => (x.agent < y.agent ? -1 : 1)),
    warnings: warningMeasures(warnings.values()),
    qa: qaMeasures(inputs.qa),
    prompts: promptMeasures(prompts, inputs.promptBaseline),
    json,
  };
}

/** A task (or a baseline record of one) the pilot criteria are computed over. */
export interface MeasuredTask {
  task_id: string;
  measures?: TaskMeasures;
  /** Why a task without `measures` has none (e.g. its context folder could not be read); named in the details. */
  unmeasured?: string;
}

/**
 * The five criteria over a set of tasks (one task: that task's criteria), each measured or `not measured`.
 * Over several tasks, a criterion some task has no measurement for is judged on all the tasks or not at
 * all: it is `not measured` (naming those tasks), never met on the other tasks alone — and missed only
 * when the measured tasks miss it whatever the others would show ({@link withUnmeasuredTasks}).
 */
export function pilotCriteria(tasks: readonly MeasuredTask[]): SuccessCriterion[] {
  const measured = tasks.filter((t): t is Required<MeasuredTask> => t.measures !== undefined);
  const ids = tasks.map((t) => t.task_id).join(', ') || 'no task';
  return [
    fileReads(measured, ids),
    repeatedWarnings(measured, ids),
    qaCoverage(measured, ids),
    promptSavings(measured, ids),
    jsonFailures(measured, ids),
  ].map((c) => withUnmeasuredTasks(c, tasks));
}

/** Why a task has no measurement for a criterion; undefined when it has one. */
const UNMEASURED: Record<CriterionId, (m: TaskMeasures) => string | undefined> = {
  file_reads_per_agent: (m) =>
    m.agents.some((a) => a.reads_tracked)
      ? undefined
      : m.agents.length > 0
        ? 'no agent recorded a file read or a cache hit'
        : 'no agent recorded telemetry',
  repeated_warnings: (m) => (m.sources.length > 0 ? undefined : 'no telemetry recorded: no warning log'),
  qa_artifact_coverage: (m) =>
    m.qa && m.qa.expected > 0 ? undefined : m.qa ? 'no validation commands' : 'no task context read',
  prompt_size_savings: (m) => promptGap(m.prompts),
  json_parse_failures: (m) => (m.json.parses > 0 ? undefined : 'no JSON parse counted'),
};

/**
 * Criteria every unit must meet (100% of tasks, 0 failures): one measured unit that misses them misses
 * the criterion whatever the tasks without a measurement would show. The others (a share of agents, an
 * average) could be met or missed once those tasks are measured.
 */
const MISSED_BY_ANY_UNIT: ReadonlySet<CriterionId> = new Set<CriterionId>([
  'repeated_warnings',
  'qa_artifact_coverage',
  'json_parse_failures',
]);

/**
 * A criterion judged over several tasks when some of them have no measurement for it (the rule of
 * {@link verdictOverCriteria}, per criterion): missed when the measured tasks miss it whatever the others
 * show, else `not measured` — never met on partial data. The detail names the tasks without data, and
 * they are listed among the units.
 */
function withUnmeasuredTasks(c: SuccessCriterion, tasks: readonly MeasuredTask[]): SuccessCriterion {
  const missing = tasks.flatMap((t) => {
    const why = t.measures ? UNMEASURED[c.id](t.measures) : (t.unmeasured ?? 'no measures in the metrics file');
    return why === undefined ? [] : [{ task: t.task_id, why }];
  });
  // Nothing missing, or nothing measured at all (already `not measured`, and so is every single task).
  if (missing.length === 0 || c.target_met === null) return c;
  const named = missing.map((m) => `${m.task}: not measured (${m.why})`).join(', ');
  const units = [...(c.units ?? [])];
  for (const m of missing)
    if (!units.some((u) => u.id === m.task || u.id.startsWith(`${m.task}/`)))
      units.push({ id: m.task, value: null, met: null, detail: m.why });
  if (c.target_met === false && MISSED_BY_ANY_UNIT.has(c.id))
    return { ...c, units, detail: `${c.detail ?? 'missed'}; ${named}` };
  return { ...notMeasured(c, `not measured: ${named}; the other task(s) alone: ${c.detail ?? c.status}`), units };
}

type Unit = NonNullable<SuccessCriterion['units']>[number];

function judge(
  id: CriterionId,
  value: number | null,
  units: Unit[],
  source: string,
  figure: SuccessCriterion['figure'],
  detail: string,
): SuccessCriterion {
  const row = PILOT_TABLE[id];
  const met = value === null ? null : compare(value, row.comparison, row.target);
  return {
    id,
    description: row.description,
    value,
    target: row.target,
    comparison: row.comparison,
    target_met: met,
    status: met === null ? 'not measured' : met ? 'met' : 'missed',
    source,
    figure,
    unit_target: { ...row.unit },
    units,
    detail,
  };
}

const share = (units: Unit[]): number | null => {
  const judged = units.filter((u) => u.met !== null);
  return judged.length === 0 ? null : judged.filter((u) => u.met).length / judged.length;
};

function fileReads(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
  const units: Unit[] = tasks.flatMap((t) =>
    t.measures.agents.map((a) =>
      a.reads_tracked
        ? {
            id: `${t.task_id}/${a.agent}`,
            value: a.file_reads,
            met: a.file_reads <= UNIT_READS_LIMIT,
            detail: `${a.file_reads} read(s) of ${a.distinct_files} file(s), ${a.cache_hits} cache hit(s)`,
          }
        : { id: `${t.task_id}/${a.agent}`, value: null, met: null, detail: 'recorded no file read and no cache hit' },
    ),
  );
  const judged = units.filter((u) => u.met !== null);
  const value = share(units);
  const mean = judged.length > 0 ? judged.reduce((s, u) => s + u.value!, 0) / judged.length : null;
  const worst = judged.reduce<Unit | undefined>((w, u) => (!w || u.value! > w.value! ? u : w), undefined);
  return judge(
    'file_reads_per_agent',
    value,
    units,
    judged.length > 0
      ? `file reads recorded by ${judged.length} agent(s) in the telemetry of ${ids}`
      : `no agent of ${ids} recorded a file read or a cache hit`,
    { value: mean, unit: 'reads per agent' },
    value === null
      ? 'not measured: no telemetry with file reads (ST3 verbs with a task, `st3 telemetry record --file-read`)'
      : `${judged.filter((u) => u.met).length} of ${judged.length} agent(s) read ≤ ${UNIT_READS_LIMIT} files (most: ${worst!.id} with ${worst!.value})`,
  );
}

function repeatedWarnings(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
  const logged = tasks.filter((t) => t.measures.sources.length > 0);
  const units: Unit[] = tasks.map((t) =>
    t.measures.sources.length > 0
      ? {
          id: t.task_id,
          value: t.measures.warnings.repeated,
          met: t.measures.warnings.repeated <= 1,
          detail: `${t.measures.warnings.total} warning(s), ${t.measures.warnings.distinct} distinct`,
        }
      : { id: t.task_id, value: null, met: null, detail: 'no telemetry recorded: no warning log' },
  );
  const value = share(units);
  const total = logged.reduce((s, t) => s + t.measures.warnings.repeated, 0);
  return judge(
    'repeated_warnings',
    value,
    units,
    logged.length > 0
      ? `warning log of ${logged.reduce((s, t) => s + t.measures.sources.length, 0)} telemetry file(s) of ${ids}`
      : `no telemetry recorded for ${ids}`,
    { value: logged.length > 0 ? total : null, unit: 'repeated warnings' },
    value === null
      ? 'not measured: no warning log (telemetry) for the task'
      : `${units.filter((u) => u.met).length} of ${logged.length} task(s) with ≤ 1 repeated warning (${total} repeat(s) in all)`,
  );
}

function qaCoverage(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
  const units: Unit[] = tasks.map((t) => {
    const qa = t.measures.qa;
    if (!qa || qa.expected === 0)
      return { id: t.task_id, value: null, met: null, detail: qa ? 'no validation commands' : 'no task context read' };
    const ratio = qa.covered / qa.expected;
    return {
      id: t.task_id,
      value: ratio,
      met: ratio >= 1,
      detail: `${qa.covered}/${qa.expected} command(s) with a QA artifact${qa.uncovered.length > 0 ? `; missing: ${qa.uncovered.join(', ')}` : ''}`,
    };
  });
  const judged = tasks.filter((t) => t.measures.qa && t.measures.qa.expected > 0);
  const expected = judged.reduce((s, t) => s + t.measures.qa!.expected, 0);
  const covered = judged.reduce((s, t) => s + t.measures.qa!.covered, 0);
  const value = share(units);
  return judge(
    'qa_artifact_coverage',
    value,
    units,
    judged.length > 0 ? judged.map((t) => t.measures.qa!.source).join('; ') : `no validation commands in ${ids}`,
    { value: expected > 0 ? covered / expected : null, unit: 'commands covered' },
    value === null
      ? 'not measured: no task with validation commands'
      : `${units.filter((u) => u.met).length} of ${judged.length} task(s) fully covered (${covered}/${expected} commands)`,
  );
}

/**
 * Why a task's prompt saving cannot be measured; undefined when every prompt counted has a baseline size.
 * A saving over part of the prompts is no measure of the task: the prompts without a baseline (often the
 * big ones) could have saved nothing.
 */
function promptGap(p: TaskMeasures['prompts']): string | undefined {
  if (p.count === 0) return 'no prompt size recorded';
  const without = p.count - p.compared_count;
  if (without > 0)
    return `${without} of ${p.count} prompt(s) without a baseline size (${p.bytes - p.compared_bytes} of ${p.bytes} bytes)`;
  if (without < 0) return `${p.compared_count} prompt(s) with a baseline size but ${p.count} prompt(s) counted`;
  if (p.baseline_bytes <= 0) return `no baseline size for the ${p.count} prompt(s) recorded`;
  return undefined;
}

function promptSavings(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
  const units: Unit[] = tasks.map((t) => {
    const p = t.measures.prompts;
    const gap = promptGap(p);
    if (gap !== undefined) return { id: t.task_id, value: null, met: null, detail: gap };
    const saving = 1 - p.compared_bytes / p.baseline_bytes;
    return {
      id: t.task_id,
      value: saving,
      met: saving >= PILOT_TABLE.prompt_size_savings.unit.value,
      detail: `${p.compared_count} prompt(s): ${p.compared_bytes} bytes against ${p.baseline_bytes} (${p.baseline_source})`,
    };
  });
  const judged = units.filter((u) => u.value !== null);
  const value = judged.length > 0 ? judged.reduce((s, u) => s + u.value!, 0) / judged.length : null;
  return judge(
    'prompt_size_savings',
    value,
    units,
    judged.length > 0
      ? `prompt sizes recorded in the telemetry of ${judged.map((u) => u.id).join(', ')}`
      : `no prompt sizes with a baseline size for every prompt recorded for ${ids}`,
    { value, unit: 'average saving' },
    value === null
      ? `not measured: ${units.map((u) => `${u.id}: ${u.detail}`).join(', ') || 'no task'}; record every prompt with \`st3 telemetry record --prompt-bytes N --baseline-bytes N\` (or collect with --baseline)`
      : `average saving ${pct(value)} over ${judged.length} task(s)`,
  );
}

function jsonFailures(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
  const parses = tasks.reduce((s, t) => s + t.measures.json.parses, 0);
  const failures = tasks.reduce((s, t) => s + t.measures.json.failures, 0);
  const units: Unit[] = tasks.flatMap((t) =>
    Object.entries(t.measures.json.by_source).map(([source, c]) => ({
      id: `${t.task_id}/${source}`,
      value: c.failures,
      met: c.failures === 0,
      detail: `${c.failures} of ${c.parses} parse(s) failed`,
    })),
  );
  const value = parses > 0 ? failures : null;
  return judge(
    'json_parse_failures',
    value,
    units,
    parses > 0
      ? `${parses} JSON parse(s) counted (${[...new Set(units.map((u) => u.id.split('/').slice(1).join('/')))].join(', ')}) in ${ids}`
      : `no JSON parse counted for ${ids}`,
    { value, unit: 'failures' },
    value === null
      ? 'not measured: nothing parsed JSON for the task (st3 qa record, gates and execute with --task count it)'
      : `${failures} of ${parses} parse(s) failed`,
  );
}

/** The criterion with its value dropped: not measured, for the reason `detail` gives (no partial figure passes it). */
export function notMeasured(c: SuccessCriterion, detail: string): SuccessCriterion {
  return {
    ...c,
    value: null,
    target_met: null,
    status: 'not measured',
    ...(c.figure ? { figure: { ...c.figure, value: null } } : {}),
    detail,
  };
}

/** The overall pilot verdict over the five criteria. */
export function pilotVerdict(tasks: readonly MeasuredTask[]): PilotVerdict {
  return verdictOverCriteria(
    pilotCriteria(tasks),
    tasks.map((t) => t.task_id),
  );
}

/**
 * The verdict over judged criteria: fail when one is missed, else incomplete when one is not
 * measured, else pass (for callers that judge some criteria again, e.g. from unreadable files).
 */
export function verdictOverCriteria(criteria: SuccessCriterion[], tasks: string[]): PilotVerdict {
  const missed = criteria.filter((c) => c.target_met === false);
  const notMeasured = criteria.filter((c) => c.target_met === null);
  const met = criteria.length - missed.length - notMeasured.length;
  const verdict = missed.length > 0 ? 'fail' : notMeasured.length > 0 ? 'incomplete' : 'pass';
  const parts = [`${met}/${criteria.length} criteria met`];
  if (missed.length > 0) parts.push(`missed: ${missed.map((c) => c.id).join(', ')}`);
  if (notMeasured.length > 0) parts.push(`not measured: ${notMeasured.map((c) => c.id).join(', ')}`);
  const word = verdict === 'pass' ? 'passes' : verdict === 'fail' ? 'fails' : 'is incomplete';
  return {
    verdict,
    met,
    missed: missed.length,
    not_measured: notMeasured.length,
    tasks,
    criteria,
    summary: `pilot ${word}: ${parts.join('; ')}`,
  };
}

/** The pass threshold in words, as the seed's table has it. */
export function formatThreshold(id: CriterionId): string {
  return PILOT_TABLE[id].threshold;
}
