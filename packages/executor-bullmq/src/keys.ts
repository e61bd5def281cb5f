import { createHash } from 'node:crypto';

/**
 * Names in Redis. A node's job id is `<run id>.<sha256 of the node id, 16 hex>.g<generation>`: stable, so a
 * resumed coordinator finds the job a worker ran while it was away, and free of `:` (BullMQ's separator).
 * A new generation is added only when the node must run again (its job failed or was lost).
 */
export function jobIdOf(runId: string, nodeId: string, generation: number): string {
  return `${runId}.${createHash('sha256').update(nodeId).digest('hex').slice(0, 16)}.g${generation}`;
}

/** The generation of a job id made by `jobIdOf` (-1 when it is not one). */
export function generationOf(jobId: string): number {
  const m = /\.g(\d+)$/.exec(jobId);
  return m ? Number(m[1]) : -1;
}

export interface RunKeys {
  /** Hash: node id → the id of its current job. */
  jobs: string;
  /** Set while the run is cancelled (workers end its attempts as cancelled). */
  cancelled: string;
  /** Channel on which a cancelled run id is announced to the workers. */
  cancelChannel: string;
}

export function runKeys(prefix: string, queue: string, runId: string): RunKeys {
  return {
    jobs: `${prefix}:${queue}:st3:run:${runId}`,
    cancelled: `${prefix}:${queue}:st3:cancelled:${runId}`,
    cancelChannel: cancelChannel(prefix, queue),
  };
}

export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:st3:cancel`;
}

/** How long run bookkeeping and finished jobs stay in Redis (a resume within this time adopts them). */
export const KEEP_SECONDS = 7 * 24 * 3600;
