import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
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
      /** succeeded | failed | cancelled: the node's outcome; retry: another attempt follows; error: the job failed in the queue. */
      outcome: 'succeeded' | 'failed' | 'cancelled' | 'retry' | 'error';
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
  const client = commandClient(url, `st3-worker-${name.replace(/[^A-Za-z0-9._:-]/g, '_')}`);
  client.on('error', (e: Error) => onError(e));
  await connectOrFail(client, url).catch((error: unknown) => {
    client.disconnect();
    throw error;
  });
  const subscriber = client.duplicate();
  subscriber.on('error', (e: Error) => onError(e));
  /** Attempts running per run id, aborted when their run is cancelled. */
  const running = new Map<string, Set<AbortController>>();
  await subscriber.subscribe(cancelChannel(prefix, queue));
  subscriber.on('message', (_channel: string, runId: string) => {
    for (const c of running.get(runId) ?? []) c.abort(new St3Error('E_INTERRUPTED', `run ${runId} was cancelled`));
  });
  let active = 0;

  const processor = async (job: Job, _token?: string, bullSignal?: AbortSignal): Promise<RemoteOutcome> => {
    const data = parseJob(job);
    const { task } = data;
    const attempt = data.progress?.cursor.attempt ?? 1;
    const started = Date.now();
    const report = (outcome: Extract<WorkerEvent, { type: 'job:end' }>['outcome'], message?: string) =>
      options.onEvent?.({
        type: 'job:end',
        runId: task.runId,
        nodeId: task.node.id,
        attempt,
        jobId: job.id ?? '',
        outcome,
        durationMs: Date.now() - started,
        ...(message ? { message } : {}),
      });
    options.onEvent?.({ type: 'job:start', runId: task.runId, nodeId: task.node.id, attempt, jobId: job.id ?? '' });
    const controller = new AbortController();
    const set = running.get(task.runId) ?? new Set();
    set.add(controller);
    running.set(task.runId, set);
    const onBullAbort = () => controller.abort(bullSignal?.reason);
    bullSignal?.addEventListener('abort', onBullAbort, { once: true });
    active++;
    try {
      if (await client.exists(runKeys(prefix, queue, task.runId).cancelled)) {
        // The run was cancelled before this job started: no attempt.
        const progress = data.progress;
        const outcome: RemoteOutcome = {
          state: { ...(progress?.state ?? task.state), status: 'cancelled' },
          events: (progress?.events ?? []) as RemoteOutcome['events'],
          stats: (progress?.stats ?? noStats()) as RemoteOutcome['stats'],
        };
        report('cancelled');
        return outcome;
      }
      let runNode: RunNode<unknown>;
      try {
        runNode = await options.runnerFor(task as RemoteTask);
      } catch (error) {
        const e = error as St3Error;
        throw new UnrecoverableError(`${e.code ? `${e.code}: ` : ''}${e.message}`);
      }
      const step = await attemptRemotely({
        task: task as RemoteTask,
        ...(data.progress ? { progress: data.progress as never } : {}),
        ...(data.interrupted ? { interrupted: data.interrupted } : {}),
        runNode,
        signal: controller.signal,
        checkpoint: async (change: NodeChange) => {
          await job.updateData({ ...data, interrupted: change });
          await job.updateProgress({ checkpoint: change });
        },
      });
      if (step.retry) {
        const { interrupted: _i, ...rest } = data;
        await job.updateData({ ...rest, progress: step.progress as never, retryInMs: step.retry.delayMs });
        const last = step.progress.state.attempts.at(-1)?.error;
        report('retry', last?.message);
        throw new AttemptFailed(`${last?.category ?? 'unknown'}: ${last?.message ?? 'attempt failed'}`);
      }
      const { cursor: _c, ...outcome } = step.progress;
      report(outcome.state.status as 'succeeded' | 'failed' | 'cancelled', outcome.state.error?.message);
      return outcome;
    } catch (error) {
      if (!(error instanceof AttemptFailed)) report('error', (error as Error).message);
      throw error;
    } finally {
      active--;
      set.delete(controller);
      if (set.size === 0) running.delete(task.runId);
      bullSignal?.removeEventListener('abort', onBullAbort);
    }
  };

  const worker = new Worker(queue, processor, {
    connection: blockingConnection(url),
    prefix,
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
  });
  worker.on('error', (e) => onError(e));
  const ready = worker.waitUntilReady().then(() => undefined);
  return {
    name,
    ready,
    active: () => active,
    async close(force = false) {
      await worker.close(force);
      await subscriber.quit().catch(() => subscriber.disconnect());
      await client.quit().catch(() => client.disconnect());
    },
  };
}
