import type { CriterionId, SuccessCriterion, TaskMeasures } from '@st3/schemas';
import type { MeasuredTask } from './criteria.js';
import { pct } from './format.js';
import { compare, PILOT_TABLE, UNIT_READS_LIMIT } from './pilot-table.js';

// The five pilot criteria, each judged over the measured tasks' units against the pilot table.

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

export function fileReads(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
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

export function repeatedWarnings(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
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

export function qaCoverage(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
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
export function promptGap(p: TaskMeasures['prompts']): string | undefined {
  if (p.count === 0) return 'no prompt size recorded';
  const without = p.count - p.compared_count;
  if (without > 0)
    return `${without} of ${p.count} prompt(s) without a baseline size (${p.bytes - p.compared_bytes} of ${p.bytes} bytes)`;
  if (without < 0) return `${p.compared_count} prompt(s) with a baseline size but ${p.count} prompt(s) counted`;
  if (p.baseline_bytes <= 0) return `no baseline size for the ${p.count} prompt(s) recorded`;
  return undefined;
}

export function promptSavings(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
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

export function jsonFailures(tasks: Required<MeasuredTask>[], ids: string): SuccessCriterion {
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
