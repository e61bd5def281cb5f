import { Worker } from 'node:worker_threads';
import { St3Error } from '@st3/schemas/errors';
import type { AnyJobResult, Job, JobCost } from './job.js';
import { skippedResult } from './skipped.js';

interface Reply {
  id: number;
  result?: AnyJobResult;
  cost?: JobCost;
  error?: { message: string; code?: string };
}

/** One worker and the job it is working on (a worker takes one job at a time). */
interface Slot {
  worker: Worker;
  job: number;
  /** The last error the worker reported before it stopped. */
  error?: Error;
}

/** A file whose worker stopped while parsing it: a failed result with a typed diagnostic, not a thrown error. */
export function crashedResult(job: Job, why: string): AnyJobResult {
  const message = `the atomizer worker stopped while parsing this file: ${why}`;
  return skippedResult(job.path, 'E_ATOMIZE_WORKER', 'error', message);
}

/**
 * Runs jobs on `count` worker threads (script `url`), yielding results in completion order. A worker
 * that exits or crashes (an uncaught error, out of memory) fails the file it held with
 * `E_ATOMIZE_WORKER` and is replaced, so the other files go on. An error the worker reports for a
 * job (an `St3Error` such as a missing engine) stops the run and is thrown with its code.
 */
export async function* runPool(
  jobs: readonly Job[],
  count: number,
  url: URL,
  report: (r: AnyJobResult, cost: JobCost) => void,
  signal?: AbortSignal,
): AsyncGenerator<AnyJobResult> {
  const slots = new Set<Slot>();
  const ready: AnyJobResult[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let next = 0;
  let pending = 0;
  let closing = false;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const feed = (slot: Slot) => {
    if (next >= jobs.length || failure || signal?.aborted) return;
    slot.job = next++;
    pending++;
    slot.worker.postMessage({ id: slot.job, job: jobs[slot.job] });
  };
  const done = (result: AnyJobResult, cost: JobCost) => {
    pending--;
    report(result, cost);
    ready.push(result);
  };
  const start = () => {
    const slot: Slot = { worker: new Worker(url), job: -1 };
    slots.add(slot);
    slot.worker.on('message', (msg: Reply) => {
      if (msg.id !== slot.job) return;
      slot.job = -1;
      if (msg.error) {
        pending--;
        failure = new St3Error(msg.error.code ?? 'E_INTERNAL', msg.error.message);
      } else done(msg.result!, msg.cost ?? { bytes: 0, parseMs: 0 });
      feed(slot);
      notify();
    });
    slot.worker.on('error', (error) => {
      slot.error = error;
    });
    slot.worker.on('exit', (code) => {
      slots.delete(slot);
      if (closing) return;
      if (slot.job >= 0) {
        const why = slot.error?.message ?? `the thread exited with code ${code}`;
        done(crashedResult(jobs[slot.job]!, why), { bytes: 0, parseMs: 0 });
        slot.job = -1;
      }
      // Replace it while there is work left.
      if (next < jobs.length && !failure && !signal?.aborted) feed(start());
      notify();
    });
    return slot;
  };
  signal?.addEventListener('abort', notify, { once: true });
  try {
    for (let i = 0; i < count; i++) feed(start());
    while (pending > 0 || ready.length > 0) {
      if (ready.length === 0) await new Promise<void>((r) => (wake = r));
      if (failure) throw failure;
      if (signal?.aborted) throw new St3Error('E_INTERRUPTED', 'atomize was cancelled');
      while (ready.length > 0) yield ready.shift()!;
    }
  } finally {
    signal?.removeEventListener('abort', notify);
    closing = true;
    await Promise.all([...slots].map((s) => s.worker.terminate()));
  }
}
