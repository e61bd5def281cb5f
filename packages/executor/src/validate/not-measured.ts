import type { ChangeValidation } from '@st3/schemas';

/**
 * The checks of a validation that could not establish a verdict, each `<check>: <why>` (its
 * `notMeasured`; records written before the field existed have none).
 */
export function notMeasuredOf(validation: ChangeValidation | undefined): string[] {
  return validation?.notMeasured ?? [];
}

/**
 * One line of what a validation found — `parse ok, atomicity not measured, gates lint passed` — where a
 * check the record does not hold is "not measured" (it did not happen), never "ok".
 */
export function checksSummary(validation: ChangeValidation): string {
  const v = validation;
  const unmeasured = new Set(notMeasuredOf(validation).map((m) => m.split(':')[0]));
  const verdict = (check: 'parse' | 'atomicity') => {
    const r = v[check];
    if (r) return r.ok ? 'ok' : 'failed';
    return unmeasured.has(check) || check === 'parse' ? 'not measured' : 'not run';
  };
  const gates = v.gates ? `, gates ${v.gates.map((g) => `${g.id} ${g.status}`).join(', ')}` : '';
  return `parse ${verdict('parse')}, atomicity ${verdict('atomicity')}${gates}`;
}
