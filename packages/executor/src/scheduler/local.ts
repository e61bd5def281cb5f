import { IntHeap } from '@st3/dep-graph';
import type { NodeChange } from '@st3/schemas';
import type { ExecutionPlan } from './plan.js';
import type { RemoteOutcome, RemoteTask } from './remote.js';

/** What a backend is given: the plan and the run's callbacks (state stays with `execute`). */
export interface ScheduleJob {
  plan: ExecutionPlan;
  mode: 'eager' | 'waves';
  concurrency: number;
  signal: AbortSignal;
  /** True while node `u` has not run (not succeeded before, not skipped). */
  pending(u: number): boolean;
  /** True when node `u` counts as succeeded (its dependents may start). */
  succeeded(u: number): boolean;
  /** Runs node `u` to an outcome (all its attempts). */
  run(u: number): Promise<void>;
  /** Called once per node that ran, after `run`, with the number of nodes running. */
  settled(u: number, running: number): void;
  onWave?(wave: number, size: number): void;
  onStart?(running: number): void;
  /** The run's id (what a remote backend names its jobs after). */
  runId: string;
  /** Saves the run state now (a backend whose workers read the run record calls it before handing out work). */
  save(): Promise<void>;
  /**
   * Runs node `u` elsewhere instead of `run(u)`: `send` hands its task to another process, reports the
   * change that process checkpoints before writing a file (`checkpoint`, saved in the run record), and
   * resolves with the node's outcome, which is merged as if the node had run here.
   */
  runElsewhere(
    u: number,
    send: (task: RemoteTask, checkpoint: (change: NodeChange) => Promise<void>) => Promise<RemoteOutcome>,
  ): Promise<void>;
}

/** Where nodes run. `localBackend` runs them in this process; other backends (a queue of workers) plug in here. */
export interface SchedulerBackend {
  readonly name: string;
  schedule(job: ScheduleJob): Promise<void>;
}

/** Runs nodes in this process under a concurrency limit (the order is `scheduleNodes`'s). */
export function localBackend(): SchedulerBackend {
  return { name: 'local', schedule: (job) => scheduleNodes(job, (u) => job.run(u)) };
}

/**
 * The order nodes start in, whoever runs them (`runOne`: this process, or a worker the node is handed
 * to), under the job's concurrency limit. Eager mode starts a node when its last dependency
 * succeeded; the ready queue is dep-graph's heap ordered by the longest path to a sink (critical
 * path first), then by id. Waves mode runs Kahn level after level.
 */
export async function scheduleNodes(job: ScheduleJob, runOne: (u: number) => Promise<void>): Promise<void> {
  const { plan, signal } = job;
  const n = plan.ids.length;
  const remaining = plan.dependencyCount.slice();
  // Dependencies that already succeeded (a resumed or earlier run) are not waited for.
  for (let u = 0; u < n; u++) {
    if (!job.succeeded(u)) continue;
    for (let k = plan.offsets[u]!; k < plan.offsets[u + 1]!; k++) remaining[plan.dependents[k]!]!--;
  }
  const heap = new IntHeap((a, b) => {
    const pa = plan.pathLength[a]!;
    const pb = plan.pathLength[b]!;
    return pa !== pb ? pa > pb : a < b;
  });
  let running = 0;
  let drained: (() => void) | undefined;
  const release = (u: number) => {
    if (job.mode !== 'eager' || !job.succeeded(u)) return;
    for (let k = plan.offsets[u]!; k < plan.offsets[u + 1]!; k++) {
      const v = plan.dependents[k]!;
      if (--remaining[v]! === 0 && job.pending(v)) heap.push(v);
    }
  };
  const pump = () => {
    while (!signal.aborted && running < job.concurrency && heap.size > 0) {
      const u = heap.pop()!;
      running++;
      job.onStart?.(running);
      void runOne(u).then(() => {
        running--;
        job.settled(u, running);
        release(u);
        pump();
      });
    }
    if (running === 0 && (heap.size === 0 || signal.aborted)) drained?.();
  };
  const drain = () =>
    new Promise<void>((resolve) => {
      drained = resolve;
      pump();
    });
  if (job.mode === 'eager') {
    for (let u = 0; u < n; u++) if (remaining[u] === 0 && job.pending(u)) heap.push(u);
    await drain();
    return;
  }
  for (let w = 0; w < plan.waves.length && !signal.aborted; w++) {
    const wave = plan.waves[w]!.filter((u) => job.pending(u));
    if (wave.length === 0) continue;
    job.onWave?.(w, wave.length);
    for (const u of wave) heap.push(u);
    await drain();
  }
}
