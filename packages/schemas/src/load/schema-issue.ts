import type { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { CheckContext } from './load-document.js';

/**
 * A zod issue as a located E_SCHEMA diagnostic: at the value (an unknown key at the key itself), with
 * what was expected and a hint where the issue says enough for one.
 */
export function issueToDiagnostic(
  issue: z.core.$ZodIssue,
  file: string | undefined,
  locate: CheckContext['locate'],
): Diagnostic {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  let atPath = path;
  let atKey = false;
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    atPath = [...path, issue.keys[0]!];
    atKey = true;
  }
  const pos = locate(atPath, { atKey });
  return {
    code: 'E_SCHEMA',
    severity: 'error',
    file,
    line: pos?.line,
    column: pos?.column,
    path,
    message: issue.message,
    expected: 'expected' in issue && typeof issue.expected === 'string' ? issue.expected : undefined,
    hint: schemaHint(issue),
  };
}

function schemaHint(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_value':
      return `allowed values: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `remove ${issue.keys.map((k) => `"${k}"`).join(', ')} or check its spelling`;
    case 'invalid_type':
      return issue.input === undefined ? 'this field is required' : undefined;
    case 'invalid_format':
      return 'pattern' in issue && issue.pattern ? `must match ${String(issue.pattern)}` : undefined;
    default:
      return undefined;
  }
}
