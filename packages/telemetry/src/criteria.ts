import {
  type CriterionId,
  type PilotVerdict,
  type SuccessCriterion,
  type TaskMeasures,
  type TelemetryRecord,
} from '@st3/schemas';
import { fileReads, jsonFailures, promptGap, promptSavings, qaCoverage, repeatedWarnings } from './pilot-criteria.js';
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

/** Inputs telemetry alone cannot give: QA coverage (from the task context) and a prompt-size baseline. */
export interface CriteriaInputs {
  qa?: { expected: number; covered: number; uncovered?: string[]; source?: string };
  /** The mean prompt size of a baseline run, for prompts recorded without their own baseline size. */
  promptBaseline?: { bytesPerPrompt: number; source: string };
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
