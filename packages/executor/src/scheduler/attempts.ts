import { St3Error, type AttemptParams, type AttemptRecord, type GraphNode, type NodeState } from '@st3/schemas';
import type { Clock } from './clock.js';
import { backoffDelay, buildFeedback, paramsForAttempt, type BackoffOptions, type ErrorClassifier } from './retry.js';
import type { ExecuteStats } from './stats.js';
import type { ExecuteEvent, NodeContext, NodeReport, RunNode, TokenUsage } from './types.js';

type AttemptOutcome =
  { ok: true; value: unknown } | { ok: false; error: unknown; timedOut: boolean; cancelled: boolean };

/** Everything one node's attempts need from the run around them. */
export interface AttemptEnv {
  runNode: RunNode<unknown>;
  clock: Clock;
  maxAttempts: number;
  schedule: readonly AttemptParams[];
  classifier: ErrorClassifier;
  backoff?: BackoffOptions;
  random: () => number;
  keepResults: boolean;
  timeoutMs?: number;
  firstFeedback?: string;
  runSignal: AbortSignal;
  /** An AbortController aborted with the run (removed from the fan-out by `unlink`). */
  linked(): AbortController;
  unlink(c: AbortController): void;
  /** Settles (rejects) once the run is cancelled. */
  runAborted: Promise<never>;
  emit(event: ExecuteEvent): void;
  stats: ExecuteStats;
  persist(): void;
  /** Saves the state now and waits for the write. */
  flush(): Promise<void>;
  resultOf(id: string): unknown;
}

/** The tokens the agent reported over a node's attempts (undefined when no attempt reported any). */
function usageOf(attempts: readonly AttemptRecord[]): TokenUsage | undefined {
  let promptTokens = 0;
  let completionTokens = 0;
  let seen = false;
  for (const a of attempts) {
    if (!a.usage) continue;
    seen = true;
    promptTokens += a.usage.prompt_tokens ?? 0;
    completionTokens += a.usage.completion_tokens ?? 0;
  }
  return seen ? { promptTokens, completionTokens } : undefined;
}

/** Reason for cancelling a timeout timer (a constant: no DOMException per attempt). */
const STOP = new Error('attempt finished');

function jsonSafe(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return String(value);
  }
}

/** The change and attempt data a runner reported on its result or its error. */
function reportOf(value: unknown): NodeReport {
  if (typeof value !== 'object' || value === null) return {};
  const r = value as NodeReport;
  return { ...(r.change ? { change: r.change } : {}), ...(r.attemptInfo ? { attemptInfo: r.attemptInfo } : {}) };
}

async function attemptOnce(
  env: AttemptEnv,
  node: GraphNode,
  context: Omit<NodeContext, 'signal'>,
  timeoutMs: number | undefined,
): Promise<AttemptOutcome> {
  const { runNode, runSignal } = env;
  if (timeoutMs === undefined || timeoutMs <= 0) {
    // No timeout: the run's own signal is the attempt's signal (no per-attempt controller, listener
    // or timer: this path is the one 100k-node graphs take).
    try {
      const value = await Promise.race([
        Promise.resolve().then(() => runNode(node, { ...context, signal: runSignal })),
        env.runAborted,
      ]);
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error, timedOut: false, cancelled: runSignal.aborted };
    }
  }
  const controller = env.linked();
  const stopTimer = new AbortController();
  let timedOut = false;
  env.clock.sleep(timeoutMs, stopTimer.signal).then(
    () => {
      timedOut = true;
      controller.abort(new St3Error('E_TIMEOUT', `node ${node.id} timed out after ${timeoutMs} ms`));
    },
    () => undefined,
  );
  const aborted = new Promise<never>((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true }),
  );
  try {
    const value = await Promise.race([
      Promise.resolve().then(() => runNode(node, { ...context, signal: controller.signal })),
      aborted,
    ]);
    return { ok: true, value };
  } catch (error) {
    return {
      ok: false,
      error: timedOut ? new St3Error('E_TIMEOUT', `timed out after ${timeoutMs} ms`) : error,
      timedOut,
      cancelled: runSignal.aborted && !timedOut,
    };
  } finally {
    stopTimer.abort(STOP);
    env.unlink(controller);
  }
}

/**
 * Where a node's attempts stand between two attempts: the next attempt's number, feedback, parameter
 * adjustments and time limit, and the change an interrupted earlier run checkpointed. `runAttempts`
 * keeps it in a loop; a queue worker keeps it in the job between BullMQ attempts.
 */
export interface AttemptCursor {
  /** 1-based number of the next attempt. */
  attempt: number;
  feedback?: string;
  adjust: AttemptParams;
  timeoutMs?: number;
  saved?: NonNullable<NodeState['change']>;
}

/** What follows a retryable failure: the wait before the next attempt and where it starts. */
export interface AttemptRetry {
  delayMs: number;
  next: AttemptCursor;
}

/** Marks the node running and returns the cursor of its first attempt. */
export function startAttempts(env: AttemptEnv, node: GraphNode, s: NodeState): AttemptCursor {
  const saved = s.change?.outcome === 'applying' ? s.change : undefined;
  s.status = 'running';
  s.startedAt = env.clock.now();
  env.persist();
  const own = (node as { timeoutMs?: unknown }).timeoutMs;
  const timeoutMs = typeof own === 'number' ? own : env.timeoutMs;
  return {
    attempt: 1,
    ...(env.firstFeedback ? { feedback: env.firstFeedback } : {}),
    adjust: {},
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(saved ? { saved } : {}),
  };
}

/**
 * Runs attempt `cursor.attempt` of a node, classifies a failure and updates `s` in place: the node's
 * outcome (succeeded, failed, cancelled), or, for a retryable failure, the retry (the backoff it waits
 * and the next attempt's cursor). The wait itself is the caller's (a sleep here, BullMQ's backoff in a worker).
 */
export async function runAttempt(
  env: AttemptEnv,
  node: GraphNode,
  s: NodeState,
  cursor: AttemptCursor,
): Promise<AttemptRetry | undefined> {
  const { clock, stats, emit } = env;
  const { attempt, feedback, adjust, timeoutMs, saved } = cursor;
  const checkpoint = async (change: NonNullable<NodeState['change']>) => {
    s.change = change;
    await env.flush();
  };
  const params = { ...paramsForAttempt(env.schedule, attempt), ...adjust };
  emit({ type: 'node:start', id: node.id, attempt, params });
  const startedAt = clock.now();
  const outcome = await attemptOnce(
    env,
    node,
    {
      attempt,
      maxAttempts: env.maxAttempts,
      params,
      feedback,
      history: s.attempts,
      timeoutMs,
      resultOf: env.resultOf,
      checkpoint,
      ...(saved ? { saved } : {}),
    },
    timeoutMs,
  );
  const finishedAt = clock.now();
  const report = reportOf(outcome.ok ? outcome.value : outcome.error);
  const record: AttemptRecord = {
    attempt,
    params,
    ...(feedback ? { feedback } : {}),
    startedAt,
    finishedAt,
    durationMs: finishedAt - startedAt,
    ok: outcome.ok,
    ...report.attemptInfo,
  };
  s.attempts.push(record);
  stats.attempts++;
  stats.busyMs += finishedAt - startedAt;
  if (outcome.ok) {
    s.status = 'succeeded';
    if (report.change) s.change = report.change;
    const { change: _c, attemptInfo: _a, ...rest } = (outcome.value ?? {}) as NodeReport & Record<string, unknown>;
    const result = report.change || report.attemptInfo ? rest : outcome.value;
    if (env.keepResults && result !== undefined) s.result = jsonSafe(result);
    s.finishedAt = finishedAt;
    stats.succeeded++;
    if (attempt > 1) stats.recoveredByRetry++;
    const usage = usageOf(s.attempts);
    emit({
      type: 'node:success',
      id: node.id,
      attempts: attempt,
      durationMs: finishedAt - (s.startedAt ?? startedAt),
      ...(s.change ? { outcome: s.change.outcome } : {}),
      ...(s.change?.confidence ? { confidence: s.change.confidence.score } : {}),
      ...(usage ? { usage } : {}),
    });
    return undefined;
  }
  // A runner recovers a checkpointed change that reached the file; after a failure it did not.
  if (s.change?.outcome === 'applying') delete s.change;
  if (outcome.cancelled) {
    s.status = 'cancelled';
    s.finishedAt = finishedAt;
    record.error = { category: 'unknown', message: 'cancelled', retryable: false };
    return undefined;
  }
  const cls = env.classifier(outcome.error, {
    nodeId: node.id,
    attempt,
    timedOut: outcome.timedOut,
    params,
    timeoutMs,
  });
  record.error = {
    category: cls.category,
    message: cls.message,
    retryable: cls.retryable,
    ...(cls.code ? { code: cls.code } : {}),
  };
  if (!cls.retryable || attempt === env.maxAttempts) {
    s.status = 'failed';
    s.error = { category: cls.category, message: cls.message, ...(cls.code ? { code: cls.code } : {}) };
    s.finishedAt = finishedAt;
    stats.failed++;
    stats.failuresByCategory[cls.category] = (stats.failuresByCategory[cls.category] ?? 0) + 1;
    const usage = usageOf(s.attempts);
    emit({
      type: 'node:failure',
      id: node.id,
      attempts: attempt,
      category: cls.category,
      message: cls.message,
      ...(usage ? { usage } : {}),
    });
    return undefined;
  }
  const delayMs = backoffDelay(attempt - 1, env.backoff, env.random);
  record.backoffMs = delayMs;
  stats.retries++;
  stats.retriesByCategory[cls.category] = (stats.retriesByCategory[cls.category] ?? 0) + 1;
  if (attempt === 1) stats.retriedNodes++;
  emit({ type: 'node:retry', id: node.id, attempt, category: cls.category, message: cls.message, delayMs });
  const { timeoutMs: nextTimeout, ...rest } = cls.adjust ?? {};
  const nextTimeoutMs = typeof nextTimeout === 'number' ? nextTimeout : timeoutMs;
  return {
    delayMs,
    next: {
      attempt: attempt + 1,
      feedback: buildFeedback(attempt, cls),
      adjust: { ...adjust, ...rest },
      ...(nextTimeoutMs !== undefined ? { timeoutMs: nextTimeoutMs } : {}),
      ...(saved ? { saved } : {}),
    },
  };
}

/**
 * Runs one node to an outcome: attempts with the schedule's parameters, each failure classified,
 * retryable ones retried after a backoff with the failure as feedback. Updates `s` in place.
 */
export async function runAttempts(env: AttemptEnv, node: GraphNode, s: NodeState): Promise<void> {
  let cursor = startAttempts(env, node, s);
  for (;;) {
    const retry = await runAttempt(env, node, s, cursor);
    if (!retry) return;
    env.persist();
    const wait = env.linked();
    try {
      await env.clock.sleep(retry.delayMs, wait.signal);
    } catch {
      s.status = 'cancelled';
      s.finishedAt = env.clock.now();
      return;
    } finally {
      env.unlink(wait);
    }
    cursor = retry.next;
  }
}
