// The log `runQa` keeps of a command it ran: never larger than qa_output evidence may be, and a cut
// one says so, so its figures are never read as the whole run's.
import type { ProcessResult } from '@st3/process';
import { EVIDENCE_LIMITS } from '../evidence/attach.js';

/** The most bytes of each stream `runQa` keeps, and of the log it writes: the qa_output evidence limit. */
export const QA_OUTPUT_LIMIT = EVIDENCE_LIMITS.qa_output;

export interface KeptOutput {
  /** What is written to the log and read (at most `limit` bytes). */
  text: string;
  /** Set when the output was cut (by the process runner's cap or to fit the log): why it cannot be read as the run's. */
  cut?: string;
}

/**
 * The log of a run: stdout, which carries a machine-readable report (eslint -f json, vitest
 * --reporter=json), then stderr when stdout is no JSON document (a text reporter may put its summary
 * there). Output the runner truncated, or a log over `limit`, is cut at the last whole line within
 * `limit` and `cut` says where and how much the command wrote — whatever `limit` is, a cut log is
 * never a whole report.
 */
export function keptOutput(run: ProcessResult, limit = QA_OUTPUT_LIMIT): KeptOutput {
  const withStderr = run.stderr.trim() !== '' && !/^\s*[[{]/.test(run.stdout);
  const text = withStderr ? `${run.stdout}\n${run.stderr}` : run.stdout;
  const bytes = Buffer.from(text, 'utf8');
  const truncated = run.stdoutTruncated || (withStderr && run.stderrTruncated) || bytes.length > limit;
  if (!truncated) return { text };
  const head = bytes.subarray(0, Math.min(limit, bytes.length));
  // At a line end: never half a line, nor half a UTF-8 character.
  const end = head.lastIndexOf(0x0a);
  const kept = end >= 0 ? head.subarray(0, end + 1) : head.subarray(0, 0);
  const wrote = run.stdoutBytes + (withStderr ? run.stderrBytes : 0);
  // Where the runner stopped keeping a stream (its cap), or the log's limit when that came first.
  const runnerCap = run.stdoutTruncated ? Buffer.byteLength(run.stdout) : Buffer.byteLength(run.stderr);
  const cutAt = bytes.length > limit ? limit : runnerCap;
  return {
    text: kept.toString('utf8'),
    cut:
      `output cut at ${cutAt} bytes (the command wrote ${wrote}), so its figures were not read — ` +
      'narrow the command (fewer files, a quieter reporter), or have it write a report file and record that (--report FILE)',
  };
}
