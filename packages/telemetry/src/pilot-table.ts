import type { CriterionId, SuccessCriterion } from '@st3/schemas';

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

export function compare(value: number, comparison: SuccessCriterion['comparison'], target: number): boolean {
  return comparison === '<=' ? value <= target : comparison === '>=' ? value >= target : value === target;
}

/** The pass threshold in words, as the seed's table has it. */
export function formatThreshold(id: CriterionId): string {
  return PILOT_TABLE[id].threshold;
}
