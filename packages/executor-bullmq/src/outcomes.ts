import type { RemoteOutcome, RemoteProgress, RemoteStats, RemoteTask } from '@st3/executor';
import type { ErrorCategory, NodeChange, NodeState, QueueJob } from '@st3/schemas';

/** Statistics of a node that made no attempt. */
export function noStats(): RemoteStats {
  return {
    attempts: 0,
    busyMs: 0,
    retries: 0,
    retriedNodes: 0,
    recoveredByRetry: 0,
    succeeded: 0,
    failed: 0,
    retriesByCategory: {},
    failuresByCategory: {},
  };
}

/**
 * A node that did not finish (the run was cancelled, or Redis went away): cancelled, keeping the
 * change it checkpointed, so a resume checks whether that change reached its file.
 */
export function cancelledOutcome(task: RemoteTask, checkpoint?: NodeChange): RemoteOutcome {
  const change = checkpoint ?? task.state.change;
  const state: NodeState = { status: 'cancelled', attempts: [], ...(change ? { change } : {}) };
  return { state, events: [], stats: noStats() };
}

/** Codes a worker fails a job with that no attempt can cure. */
const NOT_RETRYABLE = /\b(E_WORKER_WORKSPACE|E_QUEUE_PROTOCOL|E_EXEC_COMMAND|E_AGENT_CONFIG|E_AGENT_UNKNOWN)\b/;

/**
 * A job the queue failed (its worker died more often than the stalled limit allows, or the worker
 * could not run it): the node fails with the queue's reason, after the attempts it made.
 */
export function queueFailedOutcome(
  task: RemoteTask,
  progress: RemoteProgress | undefined,
  reason: string,
): RemoteOutcome {
  const category: ErrorCategory = NOT_RETRYABLE.test(reason) ? 'dependency' : 'unknown';
  const message = `the queue failed the job of ${task.node.id}: ${reason}`;
  const before = progress?.state ?? task.state;
  const state: NodeState = {
    ...before,
    status: 'failed',
    error: { category, message, code: 'E_WORKER_JOB' },
    finishedAt: Date.now(),
  };
  if (state.change?.outcome === 'applying') delete state.change;
  const stats = progress ? structuredClone(progress.stats) : noStats();
  stats.failed++;
  stats.failuresByCategory[category] = (stats.failuresByCategory[category] ?? 0) + 1;
  const event = {
    type: 'node:failure' as const,
    id: task.node.id,
    attempts: state.attempts.length,
    category,
    message,
  };
  return { state, events: [...(progress?.events ?? []), event], stats };
}

/** The job's progress as the queue holds it (the attempts made before the last retry). */
export function progressOf(data: unknown): RemoteProgress | undefined {
  const progress = (data as Partial<QueueJob> | undefined)?.progress;
  return progress as RemoteProgress | undefined;
}

/** A job's return value as a remote outcome (BullMQ gives it parsed, or as JSON text). */
export function outcomeOf(value: unknown): RemoteOutcome | undefined {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch {
      return undefined;
    }
  }
  const o = v as Partial<RemoteOutcome> | null;
  if (!o || typeof o !== 'object' || !o.state || !Array.isArray(o.events) || !o.stats) return undefined;
  return o as RemoteOutcome;
}
