import type { AttemptParams, GraphNode, NodeChange, NodeState } from '@st3/schemas';
import { runAttempt, startAttempts, type AttemptCursor, type AttemptEnv } from './attempts.js';
import { systemClock, type Clock } from './clock.js';
import { defaultClassifier, type BackoffOptions } from './retry.js';
import { emptyStats, type ExecuteStats } from './stats.js';
import type { ExecuteEvent, RunNode } from './types.js';

/**
 * The remote half of the backend interface: a backend that runs nodes in other processes (a queue of
 * workers) hands each node over as a `RemoteTask` (plain JSON), a worker runs its attempts with
 * `attemptRemotely` — the same attempt step as this process, one attempt at a time so the queue can
 * wait between them — and the outcome comes back as a `RemoteOutcome` that `execute` merges into the
 * run as if the node had run here (state, statistics, events).
 */

/** How a node's attempts go: what `execute` was given, sent with every node. */
export interface AttemptPolicy {
  maxAttempts: number;
  schedule: AttemptParams[];
  backoff?: BackoffOptions;
  /** The run's per-attempt limit (a node's own `timeoutMs` field wins). */
  timeoutMs?: number;
  keepResults: boolean;
}

/** One node handed to another process: everything its attempts need. */
export interface RemoteTask {
  runId: string;
  node: GraphNode;
  /** The node's state before its attempts: pending, with `change` when an interrupted run checkpointed one. */
  state: NodeState;
  policy: AttemptPolicy;
  /** Feedback for the first attempt (a reviewer's note). */
  feedback?: string;
  /** Results of the node's direct dependencies (`NodeContext.resultOf`). */
  dependencies: Record<string, unknown>;
  /** The options saved with the run: what a worker builds its node runner from (command, agent, instruction…). */
  options: Record<string, unknown>;
}

export type RemoteStats = Pick<
  ExecuteStats,
  | 'attempts'
  | 'busyMs'
  | 'retries'
  | 'retriedNodes'
  | 'recoveredByRetry'
  | 'succeeded'
  | 'failed'
  | 'retriesByCategory'
  | 'failuresByCategory'
>;

/** What comes back: the node's state after its attempts, the events they raised and their statistics. */
export interface RemoteOutcome {
  state: NodeState;
  events: ExecuteEvent[];
  stats: RemoteStats;
}

/** A node's attempts so far, kept by the queue between attempts. */
export interface RemoteProgress extends RemoteOutcome {
  /** Where the next attempt starts. */
  cursor: AttemptCursor;
}

export interface RemoteAttemptInput {
  task: RemoteTask;
  /** The attempts so far (none before the first). */
  progress?: RemoteProgress;
  /** A change the previous try of this attempt checkpointed before its process died. */
  interrupted?: NodeChange;
  runNode: RunNode<unknown>;
  /** Aborts the attempt (the worker stops, the run is cancelled). */
  signal: AbortSignal;
  /** Saves the node's change durably before its file is written (what a replacement worker gets as `interrupted`). */
  checkpoint(change: NodeChange): Promise<void>;
  clock?: Clock;
  random?: () => number;
}

const STAT_KEYS = ['attempts', 'busyMs', 'retries', 'retriedNodes', 'recoveredByRetry', 'succeeded', 'failed'] as const;

function remoteStats(stats: ExecuteStats): RemoteStats {
  const out = {
    retriesByCategory: { ...stats.retriesByCategory },
    failuresByCategory: { ...stats.failuresByCategory },
  };
  for (const k of STAT_KEYS) (out as Record<string, unknown>)[k] = stats[k];
  return out as RemoteStats;
}

/** Adds a remote node's statistics to the run's. */
export function addRemoteStats(stats: ExecuteStats, delta: RemoteStats): void {
  for (const k of STAT_KEYS) stats[k] += delta[k] ?? 0;
  for (const key of ['retriesByCategory', 'failuresByCategory'] as const)
    for (const [category, n] of Object.entries(delta[key] ?? {}))
      stats[key][category as keyof ExecuteStats[typeof key]] =
        (stats[key][category as keyof ExecuteStats[typeof key]] ?? 0) + (n ?? 0);
}

/**
 * A worker's side: runs the next attempt of `task` exactly as `execute` runs it in process (the
 * schedule's parameters, the node's time limit, the default classifier, the feedback and the backoff),
 * collecting the events and statistics. `retry` says that another attempt follows after `delayMs`
 * (the worker hands the wait to its queue); without it the progress's state holds the node's outcome.
 */
export async function attemptRemotely(
  input: RemoteAttemptInput,
): Promise<{ progress: RemoteProgress; retry?: { delayMs: number } }> {
  const { task, signal } = input;
  const events: ExecuteEvent[] = [...(input.progress?.events ?? [])];
  const stats = emptyStats(0, 0, new Int32Array(0));
  if (input.progress) addRemoteStats(stats, input.progress.stats);
  const s: NodeState = structuredClone(input.progress?.state ?? task.state);
  const active = new Set<AbortController>();
  const onAbort = () => {
    for (const c of active) c.abort(signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const runAborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
  runAborted.catch(() => undefined);
  const env: AttemptEnv = {
    runNode: input.runNode,
    clock: input.clock ?? systemClock,
    maxAttempts: task.policy.maxAttempts,
    schedule: task.policy.schedule,
    classifier: defaultClassifier,
    ...(task.policy.backoff ? { backoff: task.policy.backoff } : {}),
    random: input.random ?? Math.random,
    keepResults: task.policy.keepResults,
    ...(task.policy.timeoutMs !== undefined ? { timeoutMs: task.policy.timeoutMs } : {}),
    ...(task.feedback ? { firstFeedback: task.feedback } : {}),
    runSignal: signal,
    linked: () => {
      const c = new AbortController();
      if (signal.aborted) c.abort(signal.reason);
      else active.add(c);
      return c;
    },
    unlink: (c) => void active.delete(c),
    runAborted,
    emit: (event) => void events.push(event),
    stats,
    persist: () => undefined,
    flush: async () => {
      if (s.change) await input.checkpoint(s.change);
    },
    resultOf: (id) => task.dependencies[id],
  };
  try {
    let cursor = input.progress?.cursor ?? startAttempts(env, task.node, s);
    if (input.interrupted) {
      s.change = input.interrupted;
      cursor = { ...cursor, saved: input.interrupted };
    }
    const retry = await runAttempt(env, task.node, s, cursor);
    const progress = { state: s, events, stats: remoteStats(stats), cursor: retry?.next ?? cursor };
    return retry ? { progress, retry: { delayMs: retry.delayMs } } : { progress };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** Merges a node's remote outcome into the run: its state, statistics and (replayed) events. */
export function mergeRemoteOutcome(
  s: NodeState,
  outcome: RemoteOutcome,
  stats: ExecuteStats,
  emit: (event: ExecuteEvent) => void,
): void {
  const r = outcome.state;
  // A state still pending or running never came back from its worker: the node did not finish.
  s.status = r.status === 'pending' || r.status === 'running' ? 'cancelled' : r.status;
  s.attempts = r.attempts;
  for (const key of ['result', 'error', 'change', 'startedAt', 'finishedAt'] as const) {
    if (r[key] !== undefined) (s as Record<string, unknown>)[key] = r[key];
    else delete s[key];
  }
  addRemoteStats(stats, outcome.stats);
  for (const event of outcome.events) emit(event);
}
