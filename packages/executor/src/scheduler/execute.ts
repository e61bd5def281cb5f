import { St3Error, type GraphInput, type NodeState, type RunState } from '@st3/schemas';
import { runAttempts, type AttemptEnv } from './attempts.js';
import { systemClock, type Clock } from './clock.js';
import { localBackend, type ScheduleJob } from './local.js';
import { persistence, type Persistence } from './persistence.js';
import { planExecution, planHash, type ExecutionPlan } from './plan.js';
import { mergeRemoteOutcome, type RemoteTask } from './remote.js';
import { DEFAULT_SCHEDULE, defaultClassifier } from './retry.js';
import { newRunId } from './run-store.js';
import { emptyStats, type ExecuteStats } from './stats.js';
import { telemetryEmitter } from './telemetry.js';
import type { ExecuteEvent, ExecuteOptions, ExecuteResult, RunNode } from './types.js';

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

/** The run's settings, checked, with their defaults. */
interface RunSettings {
  plan: ExecutionPlan;
  clock: Clock;
  mode: 'eager' | 'waves';
  concurrency: number;
  maxAttempts: number;
  emit: (event: ExecuteEvent) => void;
  runSignal: AbortSignal;
  hash: string;
  runId: string;
}

/** One run in progress: what the steps of `execute` share. */
interface RunContext extends RunSettings {
  options: ExecuteOptions;
  nodes: Record<string, NodeState>;
  state: RunState;
  stats: ExecuteStats;
  store: Persistence;
  total: number;
  /** Clock time at the start, for the run's duration. */
  startedAt: number;
  /** Nodes with an outcome so far and nodes running now, as `progress` events report them. */
  done: number;
  running: number;
  /** Direct dependencies per node (built on first use). */
  dependenciesOf: () => Map<string, string[]>;
}

/** What every node's attempts get from the run (a node's first feedback is added per node). */
type NodeEnv = Omit<AttemptEnv, 'firstFeedback'>;

/** Attempts and backoffs tied to the run's signal (see `linkRunSignal`). */
type RunSignalLink = Pick<AttemptEnv, 'linked' | 'unlink' | 'runAborted'> & { detach(): void };

/** How `ScheduleJob.runElsewhere` hands a task to another process. */
type SendTask = Parameters<ScheduleJob['runElsewhere']>[1];

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
  const run = startRun(graph, options);
  const link = linkRunSignal(run.runSignal);
  const env = nodeEnv(run, runNode as RunNode<unknown>, link);
  await (options.backend ?? localBackend()).schedule(scheduleJob(run, env));
  link.detach();
  return finishRun(run);
}

/** Checks the options and the resumed run (same graph?) and settles the defaults and the run's id. */
function runSettings(graph: GraphInput, options: ExecuteOptions): RunSettings {
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
  return { plan, clock, mode, concurrency, maxAttempts, emit, runSignal, hash, runId };
}

/** The run state as saved: the graph, the options a resume reuses and every node's state. */
function initialState(graph: GraphInput, settings: RunSettings, options: ExecuteOptions): RunState {
  const { plan, maxAttempts } = settings;
  const resume = options.resume;
  const nowIso = () => new Date().toISOString();
  const nodes = initialNodes(plan.ids, options);
  return {
    version: 1,
    id: settings.runId,
    status: 'running',
    createdAt: resume?.createdAt ?? nowIso(),
    updatedAt: nowIso(),
    graphHash: settings.hash,
    graph: { nodes: graph.nodes, edges: plan.edges },
    options: {
      ...resume?.options,
      mode: settings.mode,
      concurrency: settings.concurrency,
      retries: maxAttempts - 1,
      timeoutMs: options.timeoutMs,
      ...options.saveOptions,
    },
    nodes,
  };
}

/** Sets the run up (settings, state, statistics, persistence) and announces its start. */
function startRun(graph: GraphInput, options: ExecuteOptions): RunContext {
  const settings = runSettings(graph, options);
  const { plan } = settings;
  const state = initialState(graph, settings, options);
  const run: RunContext = {
    ...settings,
    options,
    nodes: state.nodes,
    state,
    stats: emptyStats(plan.ids.length, plan.waves.length, plan.pathLength),
    store: persistence(state, options),
    total: plan.ids.length,
    startedAt: settings.clock.now(),
    done: 0,
    running: 0,
    dependenciesOf: directDependencies(plan),
  };
  announceStart(run);
  return run;
}

/** Emits `run:start`, then per node kept from before (resumed or done) a reuse and a progress event. */
function announceStart(run: RunContext): void {
  const { plan, nodes, stats, emit } = run;
  const reused = plan.ids.filter((id) => nodes[id]!.reused);
  emit({ type: 'run:start', runId: run.runId, total: run.total, reused: reused.length, mode: run.mode });
  for (const id of reused) {
    stats.reused++;
    stats.succeeded++;
    run.done++;
    emit({ type: 'node:reuse', id });
    emit({ type: 'progress', done: run.done, total: run.total, running: run.running });
  }
  run.store.persist();
}

/** Direct dependencies per node, built on first use (only remote tasks carry their results). */
function directDependencies(plan: ExecutionPlan): () => Map<string, string[]> {
  let reverse: Map<string, string[]> | undefined;
  return () => {
    if (reverse) return reverse;
    reverse = new Map();
    for (const e of plan.edges) {
      const list = reverse.get(e.to);
      if (list) list.push(e.from);
      else reverse.set(e.to, [e.from]);
    }
    return reverse;
  };
}

/**
 * One listener on the run's signal fans out to every attempt and backoff in flight (instead of
 * one listener each, which would pile up with the concurrency).
 */
function linkRunSignal(runSignal: AbortSignal): RunSignalLink {
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
  return {
    linked: () => {
      const c = new AbortController();
      if (runSignal.aborted) c.abort(runSignal.reason);
      else active.add(c);
      return c;
    },
    unlink: (c) => void active.delete(c),
    runAborted,
    detach: () => runSignal.removeEventListener('abort', onRunAbort),
  };
}

/** What every node's attempts need from the run: the runner, the retry policy, the signal, the state. */
function nodeEnv(run: RunContext, runNode: RunNode<unknown>, link: RunSignalLink): NodeEnv {
  const { options, nodes } = run;
  return {
    runNode,
    clock: run.clock,
    maxAttempts: run.maxAttempts,
    schedule: options.schedule ?? DEFAULT_SCHEDULE,
    classifier: options.classifier ?? defaultClassifier,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    random: options.random ?? Math.random,
    keepResults: options.keepResults ?? true,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    runSignal: run.runSignal,
    linked: link.linked,
    unlink: link.unlink,
    runAborted: link.runAborted,
    emit: run.emit,
    stats: run.stats,
    persist: run.store.persist,
    flush: run.store.saveNow,
    resultOf: (id) => nodes[id]?.result,
  };
}

/** The backend's job: the plan, how to run a node (here or elsewhere) and the bookkeeping around it. */
function scheduleJob(run: RunContext, env: NodeEnv): ScheduleJob {
  const { plan, nodes } = run;
  return {
    plan,
    mode: run.mode,
    concurrency: run.concurrency,
    signal: run.runSignal,
    pending: (u) => nodes[plan.ids[u]!]!.status === 'pending',
    succeeded: (u) => nodes[plan.ids[u]!]!.status === 'succeeded',
    run: (u) => {
      const node = plan.nodes[u]!;
      const feedback = run.options.feedback?.[node.id];
      return runAttempts({ ...env, ...(feedback ? { firstFeedback: feedback } : {}) }, node, nodes[node.id]!);
    },
    onStart: (count) => {
      run.running = count;
      run.stats.peakConcurrency = Math.max(run.stats.peakConcurrency, count);
    },
    settled: (u, count) => settleNode(run, u, count),
    onWave: (wave, size) => run.emit({ type: 'wave:start', wave, size }),
    runId: run.runId,
    save: run.store.saveNow,
    runElsewhere: (u, send) => runElsewhere(run, env, u, send),
  };
}

/** After node `u` ran: counts and reports its outcome, skips its dependents if it failed, saves. */
function settleNode(run: RunContext, u: number, running: number): void {
  run.running = running;
  const s = run.nodes[run.plan.ids[u]!]!;
  if (s.status === 'failed' || s.status === 'succeeded') {
    run.done++;
    run.emit({ type: 'progress', done: run.done, total: run.total, running: run.running });
  }
  if (s.status === 'failed') skipDependents(run, u);
  run.store.persist();
}

/** Marks every not-yet-run node downstream of the failed node `u` as skipped. */
function skipDependents(run: RunContext, u: number): void {
  const { plan, nodes } = run;
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
    run.stats.skipped++;
    run.done++;
    run.emit({ type: 'node:skip', id: plan.ids[v]!, because: failedId, via: viaId });
    for (let k = plan.offsets[v]!; k < plan.offsets[v + 1]!; k++) stack.push([plan.dependents[k]!, v]);
  }
}

/** Node `u` as a task for another process: its state, the attempt policy, its feedback and inputs. */
function remoteTask(run: RunContext, env: NodeEnv, u: number): RemoteTask {
  const { nodes, options } = run;
  const node = run.plan.nodes[u]!;
  const s = nodes[node.id]!;
  const dependencies: Record<string, unknown> = {};
  for (const from of run.dependenciesOf().get(node.id) ?? []) dependencies[from] = nodes[from]?.result;
  const feedback = options.feedback?.[node.id];
  return {
    runId: run.runId,
    node,
    state: { status: s.status, attempts: [], ...(s.change ? { change: s.change } : {}) },
    policy: {
      maxAttempts: run.maxAttempts,
      schedule: [...env.schedule],
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      keepResults: env.keepResults,
    },
    ...(feedback ? { feedback } : {}),
    dependencies,
    options: run.state.options,
  };
}

/**
 * Runs node `u` in another process (the backend's `send`): marks it running, saves the change the
 * other process checkpoints before it writes a file, and merges the outcome as if it had run here.
 */
async function runElsewhere(run: RunContext, env: NodeEnv, u: number, send: SendTask): Promise<void> {
  const task = remoteTask(run, env, u);
  const s = run.nodes[task.node.id]!;
  s.status = 'running';
  s.startedAt = run.clock.now();
  run.store.persist();
  const outcome = await send(task, async (change) => {
    s.change = change;
    await run.store.saveNow();
  });
  mergeRemoteOutcome(s, outcome, run.stats, run.emit);
}

/** Ends the run: nodes that never ran are cancelled; final statistics and status, reported and saved. */
async function finishRun(run: RunContext): Promise<ExecuteResult> {
  const { nodes, stats, state, store } = run;
  for (const s of Object.values(nodes)) {
    if (s.status === 'pending' || s.status === 'running') s.status = 'cancelled';
    if (s.status === 'cancelled') stats.cancelled++;
  }
  stats.durationMs = run.clock.now() - run.startedAt;
  stats.meanParallelism = stats.durationMs > 0 ? stats.busyMs / stats.durationMs : 0;
  state.status = run.runSignal.aborted ? 'cancelled' : stats.succeeded === run.total ? 'succeeded' : 'failed';
  state.stats = { ...stats };
  run.emit({ type: 'run:end', status: state.status, stats });
  store.persist();
  await store.flush();
  if (store.error()) throw store.error();
  return { runId: run.runId, status: state.status, nodes, stats, state };
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
