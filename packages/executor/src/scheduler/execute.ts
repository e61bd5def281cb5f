import { St3Error, type GraphInput, type NodeState, type RunState } from '@st3/schemas';
import { runAttempts, type AttemptEnv } from './attempts.js';
import { systemClock } from './clock.js';
import { localBackend } from './local.js';
import { planExecution, planHash } from './plan.js';
import { mergeRemoteOutcome } from './remote.js';
import { DEFAULT_SCHEDULE, defaultClassifier } from './retry.js';
import { newRunId } from './run-store.js';
import { emptyStats } from './stats.js';
import { telemetryEmitter } from './telemetry.js';
import type { ExecuteOptions, ExecuteResult, RunNode } from './types.js';

export type {
  ExecuteEvent,
  ExecuteOptions,
  ExecuteResult,
  NodeContext,
  NodeReport,
  RunNode,
  TokenUsage,
} from './types.js';

/** Node states at the start: succeeded nodes of a resumed run and nodes done earlier are kept, the rest is pending. */
function initialNodes(ids: readonly string[], options: ExecuteOptions): Record<string, NodeState> {
  const nodes: Record<string, NodeState> = {};
  for (const id of ids) {
    const prev = options.resume?.nodes[id];
    if (prev?.status === 'succeeded') {
      nodes[id] = { ...prev, reused: true };
      continue;
    }
    const done = options.done?.[id];
    if (done !== undefined) {
      nodes[id] = { status: 'succeeded', attempts: [], reused: true, alreadyDone: done };
      continue;
    }
    const previousAttempts = [...(prev?.previousAttempts ?? []), ...(prev?.attempts ?? [])];
    nodes[id] = {
      status: 'pending',
      attempts: [],
      ...(previousAttempts.length > 0 ? { previousAttempts } : {}),
      // A change checkpointed before a crash: the node's runner checks whether it reached the file.
      ...(prev?.change?.outcome === 'applying' ? { change: prev.change } : {}),
    };
  }
  return nodes;
}

/** The longest a node transition waits for its progress write (a crash loses at most this much progress). */
const MAX_SAVE_GAP_MS = 1000;
/** The shortest pause between progress writes: at most 5 progress writes a second. */
const MIN_SAVE_GAP_MS = 200;
/** Pause after a progress write, as a multiple of its duration: writes take at most 1/(1+k) of the time. */
const SAVE_GAP_FACTOR = 4;

/**
 * Coalesced, paced persistence: one write in flight; changes made meanwhile are written after a pause
 * proportional to the last write's cost (capped at MAX_SAVE_GAP_MS). The run state grows with the run, so
 * writing it after every transition costs O(n²) over a run of n nodes; pacing keeps it a bounded share of
 * the time. Checkpoints that resume needs (`saveNow`, e.g. before a change is applied) are written at once.
 */
function persistence(state: RunState, options: ExecuteOptions) {
  let writing: Promise<void> | undefined;
  let paused: ReturnType<typeof setTimeout> | undefined;
  let dirty = false;
  let error: unknown;
  const write = (): void => {
    if (!options.store) return;
    dirty = false;
    state.updatedAt = new Date().toISOString();
    const started = performance.now();
    writing = options.store
      .save(state)
      .catch((e: unknown) => void (error ??= e))
      .finally(() => {
        writing = undefined;
        if (!dirty) return;
        const cost = performance.now() - started;
        const gap = Math.min(MAX_SAVE_GAP_MS, Math.max(MIN_SAVE_GAP_MS, SAVE_GAP_FACTOR * cost));
        paused = setTimeout(() => {
          paused = undefined;
          write();
        }, gap);
      });
  };
  const persist = (): void => {
    if (!options.store) return;
    if (writing || paused) {
      dirty = true;
      return;
    }
    write();
  };
  /** Writes what is pending now (no pause) and waits for every write in flight. */
  const flush = async (): Promise<void> => {
    while (writing || paused) {
      if (paused) {
        clearTimeout(paused);
        paused = undefined;
        write();
      }
      await writing;
    }
  };
  /** A write that includes every change made so far, awaited. */
  const saveNow = async (): Promise<void> => {
    if (!options.store) return;
    await flush();
    write();
    await flush();
    if (error) throw error;
  };
  return { persist, flush, saveNow, error: () => error };
}

/**
 * Runs every node of `graph` with `runNode`, dependencies first. A failed node (after its retries)
 * makes its dependents `skipped` with the reason; independent work goes on. Resolves when every
 * node has an outcome; never rejects for a node's failure (only for an invalid graph or a failed
 * state write). Where nodes run is the backend's business (default: this process).
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
  const nodes = initialNodes(plan.ids, options);
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
  const store = persistence(state, options);
  const total = plan.ids.length;
  const runStarted = clock.now();
  let done = 0;
  let running = 0;

  const reused = plan.ids.filter((id) => nodes[id]!.reused);
  emit({ type: 'run:start', runId, total, reused: reused.length, mode });
  for (const id of reused) {
    stats.reused++;
    stats.succeeded++;
    done++;
    emit({ type: 'node:reuse', id });
    emit({ type: 'progress', done, total, running });
  }
  store.persist();

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
  const runAborted = new Promise<never>((_, reject) => {
    if (runSignal.aborted) reject(runSignal.reason as Error);
    else runSignal.addEventListener('abort', () => reject(runSignal.reason as Error), { once: true });
  });
  runAborted.catch(() => undefined);

  const env: Omit<AttemptEnv, 'firstFeedback'> = {
    runNode: runNode as RunNode<unknown>,
    clock,
    maxAttempts,
    schedule: options.schedule ?? DEFAULT_SCHEDULE,
    classifier: options.classifier ?? defaultClassifier,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    random: options.random ?? Math.random,
    keepResults: options.keepResults ?? true,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    runSignal,
    linked: () => {
      const c = new AbortController();
      if (runSignal.aborted) c.abort(runSignal.reason);
      else active.add(c);
      return c;
    },
    unlink: (c) => void active.delete(c),
    runAborted,
    emit,
    stats,
    persist: store.persist,
    flush: store.saveNow,
    resultOf: (id) => nodes[id]?.result,
  };

  // Direct dependencies per node, built on first use (only remote tasks carry their results).
  let reverse: Map<string, string[]> | undefined;
  const dependenciesOf = () => {
    if (reverse) return reverse;
    reverse = new Map();
    for (const e of plan.edges) {
      const list = reverse.get(e.to);
      if (list) list.push(e.from);
      else reverse.set(e.to, [e.from]);
    }
    return reverse;
  };

  await (options.backend ?? localBackend()).schedule({
    plan,
    mode,
    concurrency,
    signal: runSignal,
    pending: (u) => nodes[plan.ids[u]!]!.status === 'pending',
    succeeded: (u) => nodes[plan.ids[u]!]!.status === 'succeeded',
    run: (u) => {
      const node = plan.nodes[u]!;
      const feedback = options.feedback?.[node.id];
      return runAttempts({ ...env, ...(feedback ? { firstFeedback: feedback } : {}) }, node, nodes[node.id]!);
    },
    onStart: (count) => {
      running = count;
      stats.peakConcurrency = Math.max(stats.peakConcurrency, count);
    },
    settled: (u, count) => {
      running = count;
      const s = nodes[plan.ids[u]!]!;
      if (s.status === 'failed' || s.status === 'succeeded') {
        done++;
        emit({ type: 'progress', done, total, running });
      }
      if (s.status === 'failed') skipDependents(u);
      store.persist();
    },
    onWave: (wave, size) => emit({ type: 'wave:start', wave, size }),
    runId,
    save: store.saveNow,
    runElsewhere: async (u, send) => {
      const node = plan.nodes[u]!;
      const s = nodes[node.id]!;
      const dependencies: Record<string, unknown> = {};
      for (const from of dependenciesOf().get(node.id) ?? []) dependencies[from] = nodes[from]?.result;
      const feedback = options.feedback?.[node.id];
      const task = {
        runId,
        node,
        state: { status: s.status, attempts: [], ...(s.change ? { change: s.change } : {}) },
        policy: {
          maxAttempts,
          schedule: [...env.schedule],
          ...(options.backoff ? { backoff: options.backoff } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          keepResults: env.keepResults,
        },
        ...(feedback ? { feedback } : {}),
        dependencies,
        options: state.options,
      };
      s.status = 'running';
      s.startedAt = clock.now();
      store.persist();
      const outcome = await send(task, async (change) => {
        s.change = change;
        await store.saveNow();
      });
      mergeRemoteOutcome(s, outcome, stats, emit);
    },
  });

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
  store.persist();
  await store.flush();
  if (store.error()) throw store.error();
  return { runId, status: state.status, nodes, stats, state };
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
