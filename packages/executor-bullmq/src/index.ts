export { bullmqBackend, type BullmqBackendOptions, type QueueStats } from './backend.js';
export { startWorker, type RunningWorker, type WorkerEvent, type WorkerOptions } from './worker.js';
export type { BackendNotice } from './tracker.js';
export { DEFAULT_PREFIX, DEFAULT_QUEUE, queueNames, redactUrl, redisOptions, type QueueLocation } from './redis.js';
export { jobIdOf } from './keys.js';
