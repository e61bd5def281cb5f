import {
  St3Error,
  type TelemetryHandle,
  type AttemptParams,
  type AttemptRecord,
  type ErrorCategory,
  type GraphInput,
  type GraphNode,
  type NodeState,
  type RunState,
  type RunStatus,
} from '@st3/schemas';
import { systemClock, type Clock } from './clock.js';
import { ReadyHeap } from './heap.js';
import { planExecution, planHash } from './plan.js';
import {
  backoffDelay,
  buildFeedback,
  DEFAULT_SCHEDULE,
  defaultClassifier,
  paramsForAttempt,
  type RetryOptions,
} from './retry.js';
import { newRunId, type RunStore } from './run-store.js';
import { emptyStats, type ExecuteStats } from './stats.js';
import { telemetryEmitter } from './telemetry.js';

export interface NodeContext {
  /** 1-based attempt number. */
  attempt: number;
  maxAttempts: number;
  /** This attempt's parameters (temperature from the schedule, plus classifier adjustments). */
  params: AttemptParams;
  /** What went wrong before (previous failure's category and message), or review feedback. */
  feedback?: string;
  /** Earlier attempts of this node in this run. */
  history: readonly AttemptRecord[];
  /** Aborted on the per-node timeout or when the whole run is cancelled. */
  signal: AbortSignal;
  timeoutMs?: number;
  /** The result of a node this one depends on (undefined when none was kept). */
  resultOf(id: string): unknown;
}

export type RunNode<R = unknown> = (node: GraphNode, context: NodeContext) => Promise<R>;

export type ExecuteEvent =
  | { type: 'run:start'; runId: string; total: number; reused: number; mode: 'eager' | 'waves' }
  | { type: 'wave:start'; wave: number; size: number }
  | { type: 'node:start'; id: string; attempt: number; params: AttemptParams }
  | { type: 'node:retry'; id: string; attempt: number; category: ErrorCategory; message: string; delayMs: number }
  | { type: 'node:success'; id: string; attempts: number; durationMs: number }
  | { type: 'node:failure'; id: string; attempts: number; category: ErrorCategory; message: string }
  | { type: 'node:skip'; id: string; because: string; via: string }
  | { type: 'node:reuse'; id: string }
  | { type: 'progress'; done: number; total: number; running: number }
  | { type: 'run:end'; status: RunStatus; stats: ExecuteStats };

export interface ExecuteOptions extends RetryOptions {
  /** `eager` (default): a node starts once its own dependencies succeeded. `waves`: wave N starts when wave N-1 is done. */
  mode?: 'eager' | 'waves';
  /** Nodes running at once (default 100). */
  concurrency?: number;
  /** Per-attempt time limit; a node's own `timeoutMs` field overrides it. */
  timeoutMs?: number;
  /** Cancels the whole run: running attempts are aborted, pending nodes end `cancelled`. */
  signal?: AbortSignal;
  clock?: Clock;
  onEvent?: (event: ExecuteEvent) => void;
  runId?: string;
  /** Persists the run state after each transition (coalesced) and at the end. */
  store?: RunStore;
  /** A saved state of this graph: its succeeded nodes are kept, the others run again. */
  resume?: RunState;
  /** Feedback for a node's first attempt (e.g. a reviewer's "regenerate" note). */
  feedback?: Record<string, string>;
  /** Extra options saved with the run (e.g. the command), so a resume can reuse them. */
  saveOptions?: Record<string, unknown>;
  /** Keep each node's (JSON-able) result in the state (default true). */
  keepResults?: boolean;
  /** Receives `executor.nodes|attempts|retries|failed` counters and duration histograms (see telemetry.ts). */
  telemetry?: TelemetryHandle;
}

export interface ExecuteResult {
  runId: string;
  status: RunStatus;
  nodes: Record<string, NodeState>;
  stats: ExecuteStats;
  state: RunState;
}

type AttemptOutcome =
  { ok: true; value: unknown } | { ok: false; error: unknown; timedOut: boolean; cancelled: boolean };

function jsonSafe(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return String(value);
  }
}

/**
 * Runs every node of `graph` with `runNode`, dependencies first. A failed node (after its retries)
 * makes its dependents `skipped` with the reason; independent work goes on. Resolves when every
 * node has an outcome; never rejects for a node's failure (only for an invalid graph or a
 * failed state write).
 */
export async function execute<R>(
  graph: GraphInput,
  runNode: RunNode<R>,
  options: ExecuteOptions = {},
): Promise<ExecuteResult> {
  const plan = planExecution(graph);
  const clock = options.clock ?? systemClock;
  const mode = options.mode ?? 'eager';
  const concurrency = options.concurrency ?? 100;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new St3Error('E_USAGE', `concurrency must be an integer ≥ 1, got ${concurrency}`);
  const maxAttempts = 1 + Math.max(0, options.retries ?? 2);
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  const classifier = options.classifier ?? defaultClassifier;
  const random = options.random ?? Math.random;
  const keepResults = options.keepResults ?? true;
  const emit = telemetryEmitter(options.telemetry, options.onEvent ?? (() => undefined));
  const runSignal = options.signal ?? new AbortController().signal;
  const hash = planHash(plan);
  const resume = options.resume;
  if (resume && resume.graphHash !== hash) {
    throw new St3Error('E_RUN_MISMATCH', `run "${resume.id}" was started with another graph`, {
      hint: 'resume without graph arguments, or start a new run',
    });
  }
  const runId = resume?.id ?? options.runId ?? newRunId(new Date());
  const nowIso = () => new Date().toISOString();
  const nodes: Record<string, NodeState> = {};
  const state: RunState = {
    version: 1,
    id: runId,
    status: 'running',
    createdAt: resume?.createdAt ?? nowIso(),
    updatedAt: nowIso(),
    graphHash: hash,
    graph: { nodes: graph.nodes, edges: plan.edges },
    options: {
      ...resume?.options,
      mode,
      concurrency,
      retries: maxAttempts - 1,
      timeoutMs: options.timeoutMs,
      ...options.saveOptions,
    },
    nodes,
  };
  const stats = emptyStats(plan.ids.length, plan.waves.length, plan.pathLength);

  // Coalesced persistence: one write in flight, at most one queued behind it.
  let writing: Promise<void> | undefined;
  let dirty = false;
  let writeError: unknown;
  const persist = () => {
    if (!options.store) return;
    if (writing) {
      dirty = true;
      return;
    }
    state.updatedAt = nowIso();
    writing = options.store
      .save(state)
      .catch((e: unknown) => void (writeError ??= e))
      .finally(() => {
        writing = undefined;
        if (dirty) {
          dirty = false;
          persist();
        }
      });
  };
  const flush = async () => {
    while (writing) await writing;
  };

  const remaining = plan.dependencyCount.slice();
  const heap = new ReadyHeap(plan.pathLength);
  let running = 0;
  let done = 0;
  let seeded = false;
  const total = plan.ids.length;
  const runStarted = clock.now();

  for (const id of plan.ids) {
    const prev = resume?.nodes[id];
    if (prev?.status === 'succeeded') nodes[id] = { ...prev, reused: true };
    else {
      const previousAttempts = [...(prev?.previousAttempts ?? []), ...(prev?.attempts ?? [])];
      nodes[id] = { status: 'pending', attempts: [], ...(previousAttempts.length > 0 ? { previousAttempts } : {}) };
    }
  }
  /** Counts `u` as done; a success releases its dependents (eager mode). */
  const complete = (u: number, succeeded: boolean) => {
    done++;
    emit({ type: 'progress', done, total, running });
    if (succeeded && mode === 'eager') {
      for (let k = plan.offsets[u]!; k < plan.offsets[u + 1]!; k++) {
        const v = plan.dependents[k]!;
        // While reused nodes are counted (before seeding) nothing is queued: the seeding does it.
        if (--remaining[v]! === 0 && seeded && nodes[plan.ids[v]!]!.status === 'pending') heap.push(v);
      }
    }
  };
  emit({ type: 'run:start', runId, total, reused: Object.values(nodes).filter((s) => s.reused).length, mode });
  for (let u = 0; u < total; u++) {
    if (nodes[plan.ids[u]!]!.reused) {
      stats.reused++;
      stats.succeeded++;
      emit({ type: 'node:reuse', id: plan.ids[u]! });
      complete(u, true);
    }
  }
  persist();

  /** Marks every not-yet-run node downstream of the failed node `u` as skipped. */
  const skipDependents = (u: number) => {
    const failedId = plan.ids[u]!;
    const message = nodes[failedId]!.error?.message ?? 'failed';
    const stack: [number, number][] = [];
    for (let k = plan.offsets[u]!; k < plan.offsets[u + 1]!; k++) stack.push([plan.dependents[k]!, u]);
    while (stack.length > 0) {
      const [v, via] = stack.pop()!;
      const s = nodes[plan.ids[v]!]!;
      if (s.status !== 'pending') continue;
      s.status = 'skipped';
      const viaId = plan.ids[via]!;
      s.skipped = {
        because: failedId,
        via: viaId,
        reason:
          viaId === failedId
            ? `dependency ${failedId} failed: ${firstLine(message)}`
            : `dependency ${viaId} was skipped because ${failedId} failed`,
      };
      stats.skipped++;
      done++;
      emit({ type: 'node:skip', id: plan.ids[v]!, because: failedId, via: viaId });
      for (let k = plan.offsets[v]!; k < plan.offsets[v + 1]!; k++) stack.push([plan.dependents[k]!, v]);
    }
  };

  // One listener on the run's signal fans out to every attempt and backoff in flight (instead of
  // one listener each, which would pile up with the concurrency).
  const active = new Set<AbortController>();
  const onRunAbort = () => {
    for (const c of active) c.abort(runSignal.reason);
  };
  runSignal.addEventListener('abort', onRunAbort, { once: true });
  const linked = () => {
    const c = new AbortController();
    if (runSignal.aborted) c.abort(runSignal.reason);
    else active.add(c);
    return c;
  };

  // Settles (rejects) once, when the run is cancelled; every attempt without a timeout races it.
  const runAborted = new Promise<never>((_, reject) => {
    if (runSignal.aborted) reject(runSignal.reason as Error);
    else runSignal.addEventListener('abort', () => reject(runSignal.reason as Error), { once: true });
  });
  runAborted.catch(() => undefined);

  const attemptOnce = async (
    node: GraphNode,
    context: Omit<NodeContext, 'signal'>,
    timeoutMs: number | undefined,
  ): Promise<AttemptOutcome> => {
    if (timeoutMs === undefined || timeoutMs <= 0) {
      // No timeout: the run's own signal is the attempt's signal (no per-attempt controller,
      // listener or timer: this path is the one 100k-node graphs take).
      try {
        const value = await Promise.race([
          Promise.resolve().then(() => runNode(node, { ...context, signal: runSignal })),
          runAborted,
        ]);
        return { ok: true, value };
      } catch (error) {
        return { ok: false, error, timedOut: false, cancelled: runSignal.aborted };
      }
    }
    const controller = linked();
    const stopTimer = new AbortController();
    let timedOut = false;
    clock.sleep(timeoutMs, stopTimer.signal).then(
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
      const cancelled = runSignal.aborted && !timedOut;
      return {
        ok: false,
        error: timedOut ? new St3Error('E_TIMEOUT', `timed out after ${timeoutMs} ms`) : error,
        timedOut,
        cancelled,
      };
    } finally {
      // A constant reason: aborting without one builds a DOMException per attempt.
      stopTimer.abort(STOP);
      active.delete(controller);
    }
  };

  const runAttempts = async (u: number): Promise<void> => {
    const node = plan.nodes[u]!;
    const s = nodes[node.id]!;
    s.status = 'running';
    s.startedAt = clock.now();
    persist();
    let feedback = options.feedback?.[node.id];
    let adjust: AttemptParams = {};
    const own = (node as { timeoutMs?: unknown }).timeoutMs;
    let timeoutMs = typeof own === 'number' ? own : options.timeoutMs;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const params = { ...paramsForAttempt(schedule, attempt), ...adjust };
      emit({ type: 'node:start', id: node.id, attempt, params });
      const startedAt = clock.now();
      const outcome = await attemptOnce(
        node,
        { attempt, maxAttempts, params, feedback, history: s.attempts, timeoutMs, resultOf: (id) => nodes[id]?.result },
        timeoutMs,
      );
      const finishedAt = clock.now();
      const record: AttemptRecord = {
        attempt,
        params,
        ...(feedback ? { feedback } : {}),
        startedAt,
        finishedAt,
        durationMs: finishedAt - startedAt,
        ok: outcome.ok,
      };
      s.attempts.push(record);
      stats.attempts++;
      stats.busyMs += finishedAt - startedAt;
      if (outcome.ok) {
        s.status = 'succeeded';
        if (keepResults && outcome.value !== undefined) s.result = jsonSafe(outcome.value);
        s.finishedAt = finishedAt;
        stats.succeeded++;
        if (attempt > 1) stats.recoveredByRetry++;
        emit({ type: 'node:success', id: node.id, attempts: attempt, durationMs: finishedAt - s.startedAt });
        return;
      }
      if (outcome.cancelled) {
        s.status = 'cancelled';
        s.finishedAt = finishedAt;
        record.error = { category: 'unknown', message: 'cancelled', retryable: false };
        return;
      }
      const cls = classifier(outcome.error, {
        nodeId: node.id,
        attempt,
        timedOut: outcome.timedOut,
        params,
        timeoutMs,
      });
      record.error = { category: cls.category, message: cls.message, retryable: cls.retryable };
      if (!cls.retryable || attempt === maxAttempts) {
        s.status = 'failed';
        s.error = { category: cls.category, message: cls.message };
        s.finishedAt = finishedAt;
        stats.failed++;
        stats.failuresByCategory[cls.category] = (stats.failuresByCategory[cls.category] ?? 0) + 1;
        emit({ type: 'node:failure', id: node.id, attempts: attempt, category: cls.category, message: cls.message });
        return;
      }
      const delayMs = backoffDelay(attempt - 1, options.backoff, random);
      record.backoffMs = delayMs;
      stats.retries++;
      stats.retriesByCategory[cls.category] = (stats.retriesByCategory[cls.category] ?? 0) + 1;
      if (attempt === 1) stats.retriedNodes++;
      emit({ type: 'node:retry', id: node.id, attempt, category: cls.category, message: cls.message, delayMs });
      persist();
      const wait = linked();
      try {
        await clock.sleep(delayMs, wait.signal);
      } catch {
        s.status = 'cancelled';
        s.finishedAt = clock.now();
        return;
      } finally {
        active.delete(wait);
      }
      feedback = buildFeedback(attempt, cls);
      const { timeoutMs: nextTimeout, ...rest } = cls.adjust ?? {};
      if (typeof nextTimeout === 'number') timeoutMs = nextTimeout;
      adjust = { ...adjust, ...rest };
    }
  };

  let drained: (() => void) | undefined;
  const pump = () => {
    while (!runSignal.aborted && running < concurrency && heap.size > 0) {
      const u = heap.pop()!;
      running++;
      stats.peakConcurrency = Math.max(stats.peakConcurrency, running);
      void runAttempts(u).then(() => {
        running--;
        const s = nodes[plan.ids[u]!]!;
        if (s.status === 'failed') {
          complete(u, false);
          skipDependents(u);
        } else if (s.status === 'succeeded') complete(u, true);
        persist();
        pump();
      });
    }
    if (running === 0 && (heap.size === 0 || runSignal.aborted)) drained?.();
  };
  const drain = () =>
    new Promise<void>((resolve) => {
      drained = resolve;
      pump();
    });

  seeded = true;
  if (mode === 'eager') {
    for (let u = 0; u < total; u++) if (remaining[u] === 0 && nodes[plan.ids[u]!]!.status === 'pending') heap.push(u);
    await drain();
  } else {
    for (let w = 0; w < plan.waves.length && !runSignal.aborted; w++) {
      const wave = plan.waves[w]!.filter((u) => nodes[plan.ids[u]!]!.status === 'pending');
      if (wave.length === 0) continue;
      emit({ type: 'wave:start', wave: w, size: wave.length });
      for (const u of wave) heap.push(u);
      await drain();
    }
  }

  runSignal.removeEventListener('abort', onRunAbort);
  for (const s of Object.values(nodes)) {
    if (s.status === 'pending' || s.status === 'running') s.status = 'cancelled';
    if (s.status === 'cancelled') stats.cancelled++;
  }
  stats.durationMs = clock.now() - runStarted;
  stats.meanParallelism = stats.durationMs > 0 ? stats.busyMs / stats.durationMs : 0;
  state.status = runSignal.aborted ? 'cancelled' : stats.succeeded === total ? 'succeeded' : 'failed';
  state.stats = { ...stats };
  emit({ type: 'run:end', status: state.status, stats });
  persist();
  await flush();
  if (writeError) throw writeError;
  return { runId, status: state.status, nodes, stats, state };
}

/** Reason for cancelling a timeout timer (a constant: no DOMException per attempt). */
const STOP = new Error('attempt finished');

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
