import { parentPort } from 'node:worker_threads';
import { runJobWithCost, type Job } from './job.js';

// A pool worker: receives jobs, answers with results; one job at a time.
parentPort?.on('message', (msg: { id: number; job: Job }) => {
  runJobWithCost(msg.job).then(
    ({ result, cost }) => parentPort!.postMessage({ id: msg.id, result, cost }),
    (error: unknown) =>
      parentPort!.postMessage({
        id: msg.id,
        error: { message: (error as Error).message, code: (error as { code?: string }).code },
      }),
  );
});
