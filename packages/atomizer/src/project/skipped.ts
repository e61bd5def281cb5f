import type { Diagnostic } from '@st3/schemas';
import type { JobResult } from './job.js';

/** A file the project run could not atomize: a failed result carrying why, as a typed diagnostic. */
export function skippedResult(
  path: string,
  code: string,
  severity: Diagnostic['severity'],
  message: string,
): Extract<JobResult, { ok: false }> {
  return {
    path,
    ok: false,
    cached: false,
    skipped: { path, reason: message, diagnostic: { code, severity, file: path, message } },
  };
}
