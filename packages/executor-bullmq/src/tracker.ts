import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RemoteOutcome, RemoteTask } from '@st3/executor';
import { QUEUE_PROTOCOL_VERSION, type NodeChange, type QueueJob } from '@st3/schemas';
import { generationOf, jobIdOf, type RunKeys } from './keys.js';
import { cancelledOutcome, outcomeOf, progressOf, queueFailedOutcome } from './outcomes.js';

/** Things worth telling the user while a distributed run goes on. */
export type BackendNotice =
  | { type: 'adopted'; nodeId: string; jobId: string; state: string }
  | { type: 'stalled'; nodeId: string; jobId: string }
  | { type: 'lost'; nodeId: string; jobId: string }
  | { type: 'job-failed'; nodeId: string; jobId: string; reason: string }
  | { type: 'checkpoint-failed'; nodeId: string; message: string }
  | { type: 'redis-down'; message: string }
  | { type: 'redis-up' };

interface Entry {
  nodeId: string;
  task: RemoteTask;
  checkpoint: (change: NodeChange) => Promise<void>;
  resolve: (outcome: RemoteOutcome) => void;
  jobId?: string;
  /** The job id known to be in the queue (added, or seen when adopted): only its absence means the job was lost. */
  inQueue?: string;
  /** Set while the tracker enqueues the node: the poll leaves it alone (its job may not exist yet). */
  enqueueing: number;
  /** The change its current job was added with (added again with it when that add did not go through). */
  interrupted?: NodeChange;
  /** The last change its worker checkpointed (kept when the node ends cancelled, for a resume). */
  lastCheckpoint?: NodeChange;
  settled: boolean;
}

const ADOPTABLE = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

export interface TrackerOptions {
  queue: Queue;
  client: Redis;
  keys: RunKeys;
  runId: string;
  keepSeconds: number;
  notice: (notice: BackendNotice) => void;
}

/**
 * The nodes a coordinator has in the queue: one BullMQ job per node (adopting the job an earlier
 * coordinator of the same run left, unless it failed), settled by the queue's events — or by a poll
 * of their states when an event was missed — into the node's outcome.
 */
export class JobTracker {
  private readonly byJob = new Map<string, Entry>();
  private readonly entries = new Set<Entry>();
  /** Set when the run must stop dispatching (cancelled, or Redis gone): new nodes end cancelled. */
  stopped = false;

  constructor(private readonly o: TrackerOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Hands a node to the queue; resolves with its outcome (never rejects). */
  dispatch(task: RemoteTask, checkpoint: (change: NodeChange) => Promise<void>): Promise<RemoteOutcome> {
    if (this.stopped) return Promise.resolve(cancelledOutcome(task));
    return new Promise((resolve) => {
      const entry: Entry = {
        nodeId: task.node.id,
        task,
        checkpoint,
        resolve,
        settled: false,
        enqueueing: 0,
      };
      this.entries.add(entry);
      void this.start(entry);
    });
  }

  private async start(entry: Entry): Promise<void> {
    for (;;) {
      if (entry.settled) return;
      if (this.stopped) return this.settle(entry, cancelledOutcome(entry.task, entry.lastCheckpoint));
      try {
        const adopted = await this.enqueueing(entry, () => this.enqueueOrAdopt(entry));
        // An adopted job may have ended while no coordinator listened.
        if (adopted) await this.check(entry);
        return;
      } catch {
        // Redis away for a moment: the poll decides when that becomes a failure of the run.
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** Runs `enqueue` with the poll kept off the entry (a job being added is not a lost job). */
  private async enqueueing<T>(entry: Entry, enqueue: () => Promise<T>): Promise<T> {
    entry.enqueueing++;
    try {
      return await enqueue();
    } finally {
      entry.enqueueing--;
    }
  }

  /** Adds the node's job, or adopts the one an earlier coordinator of the run left (then returns true). */
  private async enqueueOrAdopt(entry: Entry): Promise<boolean> {
    const { queue, client, keys } = this.o;
    const existing = await client.hget(keys.jobs, entry.nodeId);
    let generation = 0;
    if (existing) {
      const state = await queue.getJobState(existing);
      if (state === 'completed') {
        const outcome = outcomeOf((await Job.fromId(queue, existing))?.returnvalue);
        if (outcome?.state.status === 'succeeded') {
          this.o.notice({ type: 'adopted', nodeId: entry.nodeId, jobId: existing, state });
          this.settle(entry, outcome);
          return false;
        }
      } else if (ADOPTABLE.has(state)) {
        this.o.notice({ type: 'adopted', nodeId: entry.nodeId, jobId: existing, state });
        this.track(entry, existing);
        entry.inQueue = existing;
        return true;
      }
      generation = generationOf(existing) + 1;
    }
    const jobId = jobIdOf(this.o.runId, entry.nodeId, generation);
    await this.add(entry, jobId);
    return false;
  }

  private async add(entry: Entry, jobId: string, interrupted?: NodeChange): Promise<void> {
    const { queue, client, keys, keepSeconds } = this.o;
    this.track(entry, jobId);
    entry.interrupted = interrupted;
    await client.hset(keys.jobs, entry.nodeId, jobId);
    const data: QueueJob = {
      v: QUEUE_PROTOCOL_VERSION,
      task: entry.task as QueueJob['task'],
      ...(interrupted ? { interrupted } : {}),
    };
    await queue.add(entry.nodeId.slice(0, 200), data, {
      jobId,
      attempts: entry.task.policy.maxAttempts,
      backoff: { type: 'st3' },
      removeOnComplete: { age: keepSeconds },
      removeOnFail: { age: keepSeconds },
    });
    if (entry.jobId === jobId) entry.inQueue = jobId;
  }

  private track(entry: Entry, jobId: string): void {
    if (entry.jobId) this.byJob.delete(entry.jobId);
    entry.jobId = jobId;
    this.byJob.set(jobId, entry);
  }

  private settle(entry: Entry, outcome: RemoteOutcome): void {
    if (entry.settled) return;
    entry.settled = true;
    if (entry.jobId) this.byJob.delete(entry.jobId);
    this.entries.delete(entry);
    entry.resolve(outcome);
  }

  completed(jobId: string, value: unknown): void {
    const entry = this.byJob.get(jobId);
    if (!entry) return;
    const outcome = outcomeOf(value);
    if (outcome) this.settle(entry, outcome);
    else void this.check(entry);
  }

  failed(jobId: string, reason: string): void {
    const entry = this.byJob.get(jobId);
    if (!entry) return;
    void this.failFromQueue(entry, jobId, reason).catch(() => undefined);
  }

  private async failFromQueue(entry: Entry, jobId: string, reason: string): Promise<void> {
    const job = await Job.fromId(this.o.queue, jobId).catch(() => undefined);
    this.o.notice({ type: 'job-failed', nodeId: entry.nodeId, jobId, reason });
    this.settle(entry, queueFailedOutcome(entry.task, progressOf(job?.data), reason));
  }

  progress(jobId: string, data: unknown): void {
    const entry = this.byJob.get(jobId);
    const change = (data as { checkpoint?: NodeChange } | null)?.checkpoint;
    if (!entry || !change) return;
    entry.lastCheckpoint = change;
    entry
      .checkpoint(change)
      .catch((error: Error) =>
        this.o.notice({ type: 'checkpoint-failed', nodeId: entry.nodeId, message: error.message }),
      );
  }

  stalled(jobId: string): void {
    const entry = this.byJob.get(jobId);
    if (entry) this.o.notice({ type: 'stalled', nodeId: entry.nodeId, jobId });
  }

  removed(jobId: string): void {
    const entry = this.byJob.get(jobId);
    if (entry && this.stopped) this.settle(entry, cancelledOutcome(entry.task, entry.lastCheckpoint));
  }

  /** Looks at the state of every job in flight (for events missed while disconnected); throws when Redis does not answer. */
  async checkAll(): Promise<void> {
    for (const entry of [...this.entries]) if (entry.jobId) await this.check(entry);
  }

  private async check(entry: Entry): Promise<void> {
    const jobId = entry.jobId;
    if (!jobId || entry.settled || entry.enqueueing > 0) return;
    const state = await this.o.queue.getJobState(jobId);
    // A check that waited (Redis away) while the node was enqueued again looks at a job of the past.
    if (entry.settled || entry.jobId !== jobId || entry.enqueueing > 0) return;
    if (state === 'completed') {
      const job = await Job.fromId(this.o.queue, jobId);
      const outcome = outcomeOf(job?.returnvalue);
      if (outcome) this.settle(entry, outcome);
    } else if (state === 'failed') {
      const job = await Job.fromId(this.o.queue, jobId);
      await this.failFromQueue(entry, jobId, job?.failedReason ?? 'failed');
    } else if (state === 'unknown') {
      if (this.stopped) return this.settle(entry, cancelledOutcome(entry.task, entry.lastCheckpoint));
      // Its add did not go through (Redis went away meanwhile): added again under the same id, not a new one.
      if (entry.inQueue !== jobId) return this.enqueueing(entry, () => this.add(entry, jobId, entry.interrupted));
      // The job is gone (Redis lost its data): the node runs again, told what its last attempt checkpointed.
      this.o.notice({ type: 'lost', nodeId: entry.nodeId, jobId });
      const interrupted = entry.lastCheckpoint?.outcome === 'applying' ? entry.lastCheckpoint : undefined;
      const next = jobIdOf(this.o.runId, entry.nodeId, generationOf(jobId) + 1);
      await this.enqueueing(entry, () => this.add(entry, next, interrupted));
    }
  }

  /** Removes the jobs not started yet; the active ones end when their workers see the cancellation. */
  async removeWaiting(): Promise<void> {
    for (const entry of [...this.entries]) {
      if (!entry.jobId || entry.settled) continue;
      const job = await Job.fromId(this.o.queue, entry.jobId).catch(() => undefined);
      const removed = await job?.remove().then(
        () => true,
        () => false,
      );
      if (removed || !job) this.settle(entry, cancelledOutcome(entry.task, entry.lastCheckpoint));
    }
  }

  /** Ends every node still in flight as cancelled (keeping what it checkpointed). */
  settleAllCancelled(): void {
    for (const entry of [...this.entries]) this.settle(entry, cancelledOutcome(entry.task, entry.lastCheckpoint));
  }
}
