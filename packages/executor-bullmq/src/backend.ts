import { Queue, QueueEvents } from 'bullmq';
import { scheduleNodes, type ScheduleJob, type SchedulerBackend } from '@st3/executor';
import { type St3Error } from '@st3/schemas';
import { KEEP_SECONDS, runKeys } from './keys.js';
import {
  blockingConnection,
  commandClient,
  connectOrFail,
  queueNames,
  redactUrl,
  redisUnavailable,
  withTimeout,
  type QueueLocation,
} from './redis.js';
import { JobTracker, type BackendNotice } from './tracker.js';

/** The queue as the coordinator sees it (all runs of the queue), for the metrics. */
export interface QueueStats {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  /** Worker processes connected to the queue. */
  workers: number;
  /** This run's nodes in the queue (waiting, delayed or running). */
  inFlight: number;
}

export interface BullmqBackendOptions extends QueueLocation {
  /** How long Redis may stay unreachable during a run before it stops with E_REDIS_UNAVAILABLE (default 30 s). */
  unavailableAfterMs?: number;
  /** How often job states and queue figures are read (default 1 s). */
  pollMs?: number;
  /** After a cancellation, how long running jobs get to end (default 10 s); then they are left to their workers. */
  cancelGraceMs?: number;
  /** How long finished jobs and run bookkeeping stay in Redis (default 7 days: a resume within it adopts them). */
  keepSeconds?: number;
  onNotice?(notice: BackendNotice): void;
  onQueueStats?(stats: QueueStats): void;
}

/**
 * A scheduler backend that runs nodes on BullMQ workers (`startWorker`, `st3 worker`) over Redis. The
 * order is the local backend's (`scheduleNodes`: eager on the critical-path heap, or wave by wave);
 * `concurrency` bounds this run's jobs in the queue. Each node is one job: the workers run its attempts
 * with BullMQ's retries and the run's backoff, and its outcome comes back into the run record. A
 * resumed run adopts the jobs an earlier coordinator of it left (running, waiting or succeeded).
 */
export function bullmqBackend(options: BullmqBackendOptions): SchedulerBackend {
  // Fail on a bad URL or name before the run starts.
  blockingConnection(options.redis);
  queueNames(options);
  return { name: 'bullmq', schedule: (job) => runOnQueue(job, options) };
}

async function runOnQueue(job: ScheduleJob, options: BullmqBackendOptions): Promise<void> {
  const url = options.redis;
  const { queue: queueName, prefix } = queueNames(options);
  const keepSeconds = options.keepSeconds ?? KEEP_SECONDS;
  const notice = options.onNotice ?? (() => undefined);
  const client = commandClient(url, `st3-coordinator-${job.runId}`);
  client.on('error', () => undefined);
  await connectOrFail(client, url).catch(async (error: unknown) => {
    client.disconnect();
    throw error;
  });
  const connection = blockingConnection(url);
  const queue = new Queue(queueName, { connection, prefix });
  const events = new QueueEvents(queueName, { connection, prefix });
  queue.on('error', () => undefined);
  events.on('error', () => undefined);
  const keys = runKeys(prefix, queueName, job.runId);
  const tracker = new JobTracker({ queue, client, keys, runId: job.runId, keepSeconds, notice });
  events.on('completed', ({ jobId, returnvalue }) => tracker.completed(jobId, returnvalue));
  events.on('failed', ({ jobId, failedReason }) => tracker.failed(jobId, failedReason));
  events.on('progress', ({ jobId, data }) => tracker.progress(jobId, data));
  events.on('stalled', ({ jobId }) => tracker.stalled(jobId));
  events.on('removed', ({ jobId }) => tracker.removed(jobId));
  let failure: St3Error | undefined;
  const poll = startPolling(job, options, tracker, queue, (error) => {
    failure ??= error;
    tracker.stopped = true;
    tracker.settleAllCancelled();
  });
  const onAbort = () => void cancel(tracker, client, keys, job.runId, options.cancelGraceMs ?? 10_000);
  try {
    await withTimeout(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), 10_000).catch((error: Error) => {
      throw redisUnavailable(url, error.message);
    });
    // A resumed run that was cancelled runs again: the workers must not cancel its new jobs.
    await client.del(keys.cancelled);
    // Workers read the run record: it exists before the first job does.
    await job.save();
    job.signal.addEventListener('abort', onAbort, { once: true });
    if (job.signal.aborted) onAbort();
    await scheduleNodes(job, (u) => job.runElsewhere(u, (task, checkpoint) => tracker.dispatch(task, checkpoint)));
  } finally {
    job.signal.removeEventListener('abort', onAbort);
    poll.stop();
    await withTimeout(client.expire(keys.jobs, keepSeconds), 2000).catch(() => undefined);
    // Closing waits for Redis; when it is away, give up after a moment and drop the connections.
    await withTimeout(Promise.allSettled([events.close(), queue.close()]), 3000).catch(async () => {
      await Promise.allSettled([events.disconnect(), queue.disconnect()]);
    });
    client.disconnect();
  }
  if (failure) {
    await job.save();
    throw failure;
  }
}

/**
 * Every `pollMs`: job states (events missed while disconnected), queue figures for the metrics, and
 * the Redis watch: unreachable for `unavailableAfterMs` stops the run with E_REDIS_UNAVAILABLE.
 */
function startPolling(
  job: ScheduleJob,
  options: BullmqBackendOptions,
  tracker: JobTracker,
  queue: Queue,
  fail: (error: St3Error) => void,
) {
  const pollMs = options.pollMs ?? 1000;
  const limit = options.unavailableAfterMs ?? 30_000;
  let lastOk = Date.now();
  let down = false;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      await withTimeout(tracker.checkAll(), Math.max(2000, pollMs * 2));
      if (options.onQueueStats) {
        const counts = await withTimeout(
          queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'),
          2000,
        );
        const workers = await withTimeout(queue.getWorkersCount(), 2000);
        options.onQueueStats({
          waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
          completed: counts.completed ?? 0,
          workers,
          inFlight: tracker.size,
        });
      }
      lastOk = Date.now();
      if (down) options.onNotice?.({ type: 'redis-up' });
      down = false;
    } catch (error) {
      const message = (error as Error).message;
      if (!down) options.onNotice?.({ type: 'redis-down', message });
      down = true;
      if (Date.now() - lastOk > limit)
        fail(
          redisUnavailable(
            options.redis,
            `no answer for ${Math.round((Date.now() - lastOk) / 1000)} s (${message})`,
            `the run record is resumable: start Redis again (${redactUrl(options.redis)}) and run st3 execute --resume ${job.runId}`,
          ),
        );
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), pollMs);
  return { stop: () => clearInterval(timer) };
}

/** Cancellation: no new jobs start (those waiting are removed), workers abort the run's running attempts. */
async function cancel(
  tracker: JobTracker,
  client: ReturnType<typeof commandClient>,
  keys: ReturnType<typeof runKeys>,
  runId: string,
  graceMs: number,
): Promise<void> {
  tracker.stopped = true;
  try {
    await client.set(keys.cancelled, '1', 'EX', KEEP_SECONDS);
    await tracker.removeWaiting();
    await client.publish(keys.cancelChannel, runId);
  } catch {
    // Redis away: the jobs stay; a resume adopts them.
  }
  setTimeout(() => tracker.settleAllCancelled(), graceMs).unref();
}
