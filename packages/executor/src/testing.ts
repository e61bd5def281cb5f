/**
 * `@st3/executor/testing`: helpers for tests that compare runs made on different backends (this
 * process, a remote executor, BullMQ workers). Not for production code.
 */
import type { NodeState } from '@st3/schemas';
import type { ExecuteResult } from './scheduler/types.js';

export interface ComparableRunOptions {
  /** Keep each attempt's `backoffMs` (default true; a queue that does its own backoff records none). */
  backoff?: boolean;
}

/**
 * A run result with what may legitimately differ between backends taken out: timings, and which of a
 * skipped node's failed dependencies it names (the first failure to arrive; backends order attempts
 * differently). What stays: every status, result, error, attempt (parameters, feedback, answers,
 * usage) and count. Throws when a skipped node names a dependency that did not fail.
 */
export function comparableRun(result: ExecuteResult, options: ComparableRunOptions = {}) {
  const nodes = Object.fromEntries(
    Object.entries(result.nodes).map(([id, s]: [string, NodeState]) => {
      if (s.skipped && result.nodes[s.skipped.because]?.status !== 'failed')
        throw new Error(`${id} is skipped because of ${s.skipped.because}, which did not fail`);
      return [
        id,
        {
          status: s.status,
          result: s.result,
          error: s.error,
          skipped: s.skipped ? 'a dependency failed' : undefined,
          change: s.change,
          attempts: s.attempts.map((a) => ({
            attempt: a.attempt,
            params: a.params,
            feedback: a.feedback,
            ok: a.ok,
            error: a.error,
            ...(options.backoff === false ? {} : { backoffMs: a.backoffMs }),
            answer: a.answer,
            usage: a.usage,
          })),
        },
      ];
    }),
  );
  const { durationMs: _d, busyMs: _b, meanParallelism: _m, peakConcurrency: _p, ...stats } = result.stats;
  return { status: result.status, nodes, stats };
}
