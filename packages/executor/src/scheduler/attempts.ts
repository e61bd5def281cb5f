import { St3Error, type AttemptParams, type AttemptRecord, type GraphNode, type NodeState } from '@st3/schemas';
import type { Clock } from './clock.js';
import {
  backoffDelay,
  buildFeedback,
  paramsForAttempt,
  type BackoffOptions,
  type Classification,
  type ErrorClassifier,
} from './retry.js';
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

/** One finished attempt while `runAttempt` settles it: the run, the node and the attempt's record. */
interface AttemptStep {
  env: AttemptEnv;
  node: GraphNode;
  s: NodeState;
  cursor: AttemptCursor;
  /** This attempt's parameters: the schedule's, with the classifier's adjustments so far. */
  params: AttemptParams;
  /** The record in `s.attempts`; a failure's classification is added to it. */
  record: AttemptRecord;
  startedAt: number;
  finishedAt: number;
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
  const params = { ...paramsForAttempt(env.schedule, cursor.attempt), ...cursor.adjust };
  env.emit({ type: 'node:start', id: node.id, attempt: cursor.attempt, params });
  const startedAt = env.clock.now();
  const outcome = await attemptOnce(env, node, attemptContext(env, s, cursor, params), cursor.timeoutMs);
  const finishedAt = env.clock.now();
  const report = reportOf(outcome.ok ? outcome.value : outcome.error);
  const record = recordAttempt(env, s, cursor, { params, startedAt, finishedAt, ok: outcome.ok, report });
  const step: AttemptStep = { env, node, s, cursor, params, record, startedAt, finishedAt };
  if (outcome.ok) {
    succeedNode(step, outcome.value, report);
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
  const cls = classifyFailure(step, outcome);
  if (!cls.retryable || cursor.attempt === env.maxAttempts) {
    failNode(step, cls);
    return undefined;
  }
  return retryAfterBackoff(step, cls);
}

/** What the runner is given for this attempt (`attemptOnce` adds the signal). */
function attemptContext(
  env: AttemptEnv,
  s: NodeState,
  cursor: AttemptCursor,
  params: AttemptParams,
): Omit<NodeContext, 'signal'> {
  const { attempt, feedback, timeoutMs, saved } = cursor;
  // The runner checkpoints its change before it writes a file: recorded, then saved before it goes on.
  const checkpoint = async (change: NonNullable<NodeState['change']>) => {
    s.change = change;
    await env.flush();
  };
  return {
    attempt,
    maxAttempts: env.maxAttempts,
    params,
    feedback,
    history: s.attempts,
    timeoutMs,
    resultOf: env.resultOf,
    checkpoint,
    ...(saved ? { saved } : {}),
  };
}

/** Appends the attempt's record to the node's history and counts the attempt and its busy time. */
function recordAttempt(
  env: AttemptEnv,
  s: NodeState,
  cursor: AttemptCursor,
  ran: { params: AttemptParams; startedAt: number; finishedAt: number; ok: boolean; report: NodeReport },
): AttemptRecord {
  const { params, startedAt, finishedAt, ok, report } = ran;
  const record: AttemptRecord = {
    attempt: cursor.attempt,
    params,
    ...(cursor.feedback ? { feedback: cursor.feedback } : {}),
    startedAt,
    finishedAt,
    durationMs: finishedAt - startedAt,
    ok,
    ...report.attemptInfo,
  };
  s.attempts.push(record);
  env.stats.attempts++;
  env.stats.busyMs += finishedAt - startedAt;
  return record;
}

/** The node succeeded: keeps its change and result (without the report fields), counts and reports it. */
function succeedNode(step: AttemptStep, value: unknown, report: NodeReport): void {
  const { env, node, s, cursor, startedAt, finishedAt } = step;
  const { stats, emit } = env;
  s.status = 'succeeded';
  if (report.change) s.change = report.change;
  const { change: _c, attemptInfo: _a, ...rest } = (value ?? {}) as NodeReport & Record<string, unknown>;
  const result = report.change || report.attemptInfo ? rest : value;
  if (env.keepResults && result !== undefined) s.result = jsonSafe(result);
  s.finishedAt = finishedAt;
  stats.succeeded++;
  if (cursor.attempt > 1) stats.recoveredByRetry++;
  const usage = usageOf(s.attempts);
  emit({
    type: 'node:success',
    id: node.id,
    attempts: cursor.attempt,
    durationMs: finishedAt - (s.startedAt ?? startedAt),
    ...(s.change ? { outcome: s.change.outcome } : {}),
    ...(s.change?.confidence ? { confidence: s.change.confidence.score } : {}),
    ...(usage ? { usage } : {}),
  });
}

/** Classifies a failed attempt with the run's classifier and records the verdict on the attempt. */
function classifyFailure(step: AttemptStep, outcome: { error: unknown; timedOut: boolean }): Classification {
  const { env, node, cursor, params, record } = step;
  const cls = env.classifier(outcome.error, {
    nodeId: node.id,
    attempt: cursor.attempt,
    timedOut: outcome.timedOut,
    params,
    timeoutMs: cursor.timeoutMs,
  });
  record.error = {
    category: cls.category,
    message: cls.message,
    retryable: cls.retryable,
    ...(cls.code ? { code: cls.code } : {}),
  };
  return cls;
}

/** The node failed for good (not retryable, or out of attempts): records, counts and reports it. */
function failNode(step: AttemptStep, cls: Classification): void {
  const { env, node, s, cursor, finishedAt } = step;
  const { stats } = env;
  s.status = 'failed';
  s.error = { category: cls.category, message: cls.message, ...(cls.code ? { code: cls.code } : {}) };
  s.finishedAt = finishedAt;
  stats.failed++;
  stats.failuresByCategory[cls.category] = (stats.failuresByCategory[cls.category] ?? 0) + 1;
  const usage = usageOf(s.attempts);
  env.emit({
    type: 'node:failure',
    id: node.id,
    attempts: cursor.attempt,
    category: cls.category,
    message: cls.message,
    ...(usage ? { usage } : {}),
  });
}

/**
 * A retryable failure: counts and reports the retry and returns its backoff and the next attempt's
 * cursor (the failure as feedback, the classifier's adjustments, possibly a new time limit).
 */
function retryAfterBackoff(step: AttemptStep, cls: Classification): AttemptRetry {
  const { env, node, cursor, record } = step;
  const { stats } = env;
  const { attempt, adjust, timeoutMs, saved } = cursor;
  const delayMs = backoffDelay(attempt - 1, env.backoff, env.random);
  record.backoffMs = delayMs;
  stats.retries++;
  stats.retriesByCategory[cls.category] = (stats.retriesByCategory[cls.category] ?? 0) + 1;
  if (attempt === 1) stats.retriedNodes++;
  env.emit({ type: 'node:retry', id: node.id, attempt, category: cls.category, message: cls.message, delayMs });
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
