import { parentPort } from 'node:worker_threads';
import { runJob, type Job } from './job.js';

// A pool worker: receives jobs, answers with results; one job at a time.
parentPort?.on('message', (msg: { id: number; job: Job }) => {
  runJob(msg.job).then(
    (result) => parentPort!.postMessage({ id: msg.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: msg.id, error: { message: (error as Error).message, code: (error as { code?: string }).code } }),
  );
});
