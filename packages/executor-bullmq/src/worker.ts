import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { attemptRemotely, type RemoteOutcome, type RemoteTask, type RunNode } from '@st3/executor';
import { QueueJobSchema, St3Error, type NodeChange, type QueueJob } from '@st3/schemas';
import { cancelChannel, KEEP_SECONDS, runKeys } from './keys.js';
import { noStats } from './outcomes.js';
import { blockingConnection, commandClient, connectOrFail, queueNames, type QueueLocation } from './redis.js';

/** What a worker reports about the jobs it runs (for logs and the worker's metrics). */
export type WorkerEvent =
  | { type: 'job:start'; runId: string; nodeId: string; attempt: number; jobId: string }
  | {
      type: 'job:end';
      runId: string;
      nodeId: string;
      attempt: number;
      jobId: string;
      /**
       * succeeded | failed | cancelled: the node's outcome; retry: another attempt follows; error: the job failed in
       * the queue; lost: another worker took the job over (this one stopped renewing its lock), so the queue
       * discards this attempt's result.
       */
      outcome: 'succeeded' | 'failed' | 'cancelled' | 'retry' | 'error' | 'lost';
      durationMs: number;
      message?: string;
    };

export interface WorkerOptions extends QueueLocation {
  /** Jobs this worker runs at once (default 1). */
  concurrency?: number;
  /**
   * The node runner of a task's run (the same `runNode` a local run uses: a command, an agent…), usually
   * built from `task.options` and cached per run. Throw a St3Error for a run this worker cannot serve
   * (e.g. E_WORKER_WORKSPACE): the job fails at once, it is not retried.
   */
  runnerFor(task: RemoteTask): Promise<RunNode<unknown>>;
  /** A job whose lock is not renewed for this long is taken over by another worker (default 30 s). */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs of dead workers (default 30 s). */
  stalledIntervalMs?: number;
  /** How often a job may be recovered from a dead worker before it fails (default 2). */
  maxStalledCount?: number;
  /** A name shown in Redis' client list and on every job this worker runs (default host:pid). */
  name?: string;
  onEvent?(event: WorkerEvent): void;
  /** Errors of the worker or its connection (Redis away, a lost lock); the worker keeps going. */
  onError?(error: Error): void;
}

export interface RunningWorker {
  readonly name: string;
  /** Resolves once the worker is connected and taking jobs. */
  ready: Promise<void>;
  /** Jobs running now. */
  active(): number;
  /** Stops taking jobs; waits for running ones unless `force` (they are then taken over by other workers). */
  close(force?: boolean): Promise<void>;
}

/** A retryable failed attempt: BullMQ schedules the next attempt after the backoff kept in the job. */
class AttemptFailed extends Error {
  override name = 'AttemptFailed';
}

function parseJob(job: Job): QueueJob {
  const r = QueueJobSchema.safeParse(job.data);
  if (!r.success) {
    const v = (job.data as { v?: unknown } | undefined)?.v;
    throw new UnrecoverableError(
      `E_QUEUE_PROTOCOL: job ${job.id} is not a job of this ST3 version (protocol ${String(v)}): ${r.error.issues[0]?.message ?? ''}`,
    );
  }
  return r.data;
}

/**
 * A BullMQ worker for `@st3/executor` nodes: each job is one node; each BullMQ attempt is one attempt
 * of the node (`attemptRemotely`: the run's temperatures, time limit, classification and feedback).
 * A retryable failure keeps the node's progress in the job and is retried after the run's backoff
 * (BullMQ's custom backoff reads it); a node's final failure completes the job with the failed state.
 * Before a node writes a file its change is checkpointed in the job, so a worker that takes over a
 * job of a killed one (stalled-job recovery) lets the runner recognise a write that already happened.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { queue, prefix } = queueNames(options);
  const url = options.redis;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const onError = options.onError ?? (() => undefined);
  const client = await connectClient(url, name, onError);
  const ctx: WorkerContext = { options, queue, prefix, client, running: new Map(), active: 0 };
  // A worker that cannot subscribe never starts: its command client must not stay open.
  const subscriber = await subscribeToCancellations(ctx, onError).catch((error: unknown) => {
    client.disconnect();
    throw error;
  });
  const worker = createBullWorker(ctx, url, name);
  worker.on('error', (e) => onError(e));
  const ready = worker.waitUntilReady().then(() => undefined);
  return {
    name,
    ready,
    active: () => ctx.active,
    async close(force = false) {
      await worker.close(force);
      await subscriber.quit().catch(() => subscriber.disconnect());
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** What the job processor shares with the worker. */
interface WorkerContext {
  options: WorkerOptions;
  queue: string;
  prefix: string;
  /** Command client (checks for cancelled runs). */
  client: Redis;
  /** Attempts running per run id, aborted when their run is cancelled. */
  running: Map<string, Set<AbortController>>;
  /** Jobs running now. */
  active: number;
}

type JobEndOutcome = Extract<WorkerEvent, { type: 'job:end' }>['outcome'];
type ReportEnd = (outcome: JobEndOutcome, message?: string) => void;
type ReportAttemptEnd = (outcome: JobEndOutcome, message?: string) => Promise<void>;

/** The worker's command client, connected (E_REDIS_UNAVAILABLE, and no client left open, when it cannot be). */
async function connectClient(url: string, name: string, onError: (error: Error) => void): Promise<Redis> {
  const client = commandClient(url, `st3-worker-${name.replace(/[^A-Za-z0-9._:-]/g, '_')}`);
  client.on('error', (e: Error) => onError(e));
  await connectOrFail(client, url).catch((error: unknown) => {
    client.disconnect();
    throw error;
  });
  return client;
}

/** A subscriber that aborts the running attempts of a run when the coordinator announces its cancellation. */
async function subscribeToCancellations(ctx: WorkerContext, onError: (error: Error) => void): Promise<Redis> {
  const subscriber = ctx.client.duplicate();
  subscriber.on('error', (e: Error) => onError(e));
  await subscriber.subscribe(cancelChannel(ctx.prefix, ctx.queue)).catch((error: unknown) => {
    subscriber.disconnect();
    throw error;
  });
  subscriber.on('message', (_channel: string, runId: string) => {
    for (const c of ctx.running.get(runId) ?? []) c.abort(new St3Error('E_INTERRUPTED', `run ${runId} was cancelled`));
  });
  return subscriber;
}

function createBullWorker(ctx: WorkerContext, url: string, name: string): Worker {
  const { options } = ctx;
  return new Worker(
    ctx.queue,
    (job: Job, token?: string, bullSignal?: AbortSignal) => processJob(ctx, job, token, bullSignal),
    {
      connection: blockingConnection(url),
      prefix: ctx.prefix,
      name,
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 2,
      removeOnComplete: { age: KEEP_SECONDS },
      removeOnFail: { age: KEEP_SECONDS },
      settings: {
        // The run's backoff (base × factor^retry with jitter), computed by the attempt and kept in the job.
        backoffStrategy: (_made, _type, _err, job) => (job?.data as QueueJob | undefined)?.retryInMs ?? 1000,
      },
    },
  );
}

/**
 * One job: one attempt of its node, unless the run was cancelled before it started. Reports
 * `job:start`, then exactly one `job:end` (an invalid job is refused before either).
 */
async function processJob(
  ctx: WorkerContext,
  job: Job,
  token: string | undefined,
  bullSignal?: AbortSignal,
): Promise<RemoteOutcome> {
  const data = parseJob(job);
  const { task } = data;
  const attempt = data.progress?.cursor.attempt ?? 1;
  const report = endReporter(ctx.options, job, task.runId, task.node.id, attempt);
  ctx.options.onEvent?.({ type: 'job:start', runId: task.runId, nodeId: task.node.id, attempt, jobId: job.id ?? '' });
  const { controller, release } = trackAttempt(ctx, task.runId, bullSignal);
  try {
    if (await ctx.client.exists(runKeys(ctx.prefix, ctx.queue, task.runId).cancelled)) {
      // The run was cancelled before this job started: no attempt.
      const outcome = cancelledOutcome(data);
      report('cancelled');
      return outcome;
    }
    const runNode = await loadRunner(ctx.options, task as RemoteTask);
    return await runAttempt(job, data, runNode, controller.signal, reportIfHeld(ctx, job, token, report));
  } catch (error) {
    if (!(error instanceof AttemptFailed)) report('error', (error as Error).message);
    throw error;
  } finally {
    release();
  }
}

/**
 * Reports an attempt's end as `lost` when this worker no longer holds the job's lock: another worker took
 * the job over (this one was paused or cut off longer than the lock lasts) and the queue refuses this
 * result, so counting it as succeeded would count the node twice across workers.
 */
function reportIfHeld(ctx: WorkerContext, job: Job, token: string | undefined, report: ReportEnd): ReportAttemptEnd {
  return async (outcome, message) => {
    const lock = token
      ? await ctx.client.get(`${ctx.prefix}:${ctx.queue}:${job.id ?? ''}:lock`).catch(() => token)
      : undefined;
    if (token && lock !== token)
      report('lost', `another worker took the job over; this attempt's result (${outcome}) is discarded`);
    else report(outcome, message);
  };
}

/** Reports the job's end (its duration counted from now). */
function endReporter(options: WorkerOptions, job: Job, runId: string, nodeId: string, attempt: number): ReportEnd {
  const started = Date.now();
  return (outcome, message) =>
    options.onEvent?.({
      type: 'job:end',
      runId,
      nodeId,
      attempt,
      jobId: job.id ?? '',
      outcome,
      durationMs: Date.now() - started,
      ...(message ? { message } : {}),
    });
}

/**
 * Registers an attempt as running: its controller aborts on the run's cancellation (see
 * subscribeToCancellations) or on BullMQ's own abort signal. `release` undoes it when the job ends.
 */
function trackAttempt(
  ctx: WorkerContext,
  runId: string,
  bullSignal: AbortSignal | undefined,
): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  const set = ctx.running.get(runId) ?? new Set();
  set.add(controller);
  ctx.running.set(runId, set);
  const onBullAbort = () => controller.abort(bullSignal?.reason);
  bullSignal?.addEventListener('abort', onBullAbort, { once: true });
  ctx.active++;
  const release = () => {
    ctx.active--;
    set.delete(controller);
    if (set.size === 0) ctx.running.delete(runId);
    bullSignal?.removeEventListener('abort', onBullAbort);
  };
  return { controller, release };
}

/** The outcome of a job whose run was cancelled before it started: its progress so far, cancelled. */
function cancelledOutcome(data: QueueJob): RemoteOutcome {
  const progress = data.progress;
  return {
    state: { ...(progress?.state ?? data.task.state), status: 'cancelled' },
    events: (progress?.events ?? []) as RemoteOutcome['events'],
    stats: (progress?.stats ?? noStats()) as RemoteOutcome['stats'],
  };
}

/** The task's node runner; a runner this worker cannot make fails the job at once (not retried). */
async function loadRunner(options: WorkerOptions, task: RemoteTask): Promise<RunNode<unknown>> {
  try {
    return await options.runnerFor(task);
  } catch (error) {
    const e = error as St3Error;
    throw new UnrecoverableError(`${e.code ? `${e.code}: ` : ''}${e.message}`);
  }
}

/**
 * One attempt of the node. A retryable failure saves the progress (and the backoff) in the job and
 * throws AttemptFailed so BullMQ retries; otherwise the node's outcome completes the job.
 */
async function runAttempt(
  job: Job,
  data: QueueJob,
  runNode: RunNode<unknown>,
  signal: AbortSignal,
  report: ReportAttemptEnd,
): Promise<RemoteOutcome> {
  const step = await attemptRemotely({
    task: data.task as RemoteTask,
    ...(data.progress ? { progress: data.progress as never } : {}),
    ...(data.interrupted ? { interrupted: data.interrupted } : {}),
    runNode,
    signal,
    // Saved before the node writes a file, so a worker taking over this job knows the write may have happened.
    checkpoint: async (change: NodeChange) => {
      await job.updateData({ ...data, interrupted: change });
      await job.updateProgress({ checkpoint: change });
    },
  });
  if (step.retry) {
    const { interrupted: _i, ...rest } = data;
    await job.updateData({ ...rest, progress: step.progress as never, retryInMs: step.retry.delayMs });
    const last = step.progress.state.attempts.at(-1)?.error;
    await report('retry', last?.message);
    throw new AttemptFailed(`${last?.category ?? 'unknown'}: ${last?.message ?? 'attempt failed'}`);
  }
  const { cursor: _c, ...outcome } = step.progress;
  await report(outcome.state.status as 'succeeded' | 'failed' | 'cancelled', outcome.state.error?.message);
  return outcome;
}
