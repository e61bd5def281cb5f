import type { SuccessCriterion } from '@st3/schemas';

export function pct(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

/** The value of a criterion in words: `67% of agents`, `18.2% saved`, `0 failures`, `not measured`. */
export function formatCriterionValue(c: SuccessCriterion): string {
  if (c.value === null) return 'not measured';
  switch (c.id) {
    case 'file_reads_per_agent':
      return `${pct(c.value)} of agents`;
    case 'repeated_warnings':
    case 'qa_artifact_coverage':
      return `${pct(c.value)} of tasks`;
    case 'prompt_size_savings':
      return `${pct(c.value)} saved`;
    case 'json_parse_failures':
      return `${c.value} failure${c.value === 1 ? '' : 's'}`;
  }
}
