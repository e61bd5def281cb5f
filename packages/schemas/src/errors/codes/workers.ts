import type { ErrorCodeInfo } from '../codes.js';

/**
 * Codes of distributed execution (`st3 execute --backend bullmq`, `st3 worker`, `@st3/executor-bullmq`)
 * and of the execution metrics; add new ones here (never rename or reuse one).
 */
export const WORKERS_CODES = {
  E_REDIS_URL: {
    exit: 2,
    area: 'executor',
    cause:
      'The Redis URL (`--redis`, `ST3_REDIS_URL` or `redis.url` of `.st3/config/executor.yaml`) is not a `redis://` or `rediss://` URL, or `--backend bullmq` was asked for without one.',
    fix: 'Pass e.g. `--redis redis://127.0.0.1:6379` (`redis://user:password@host:6379/0`; `rediss://` for TLS).',
  },
  E_REDIS_UNAVAILABLE: {
    exit: 3,
    area: 'executor',
    cause:
      'Redis could not be reached: refused or timed out at the start, or unreachable for longer than the grace period during a run. The run record stays resumable.',
    fix: 'Start Redis (`redis-server`) or correct the URL; then `st3 execute --resume <run-id>` continues the run without redoing what succeeded.',
  },
  E_BACKEND_OPTION: {
    exit: 2,
    area: 'executor',
    cause:
      'An option the chosen backend cannot honour: with `--backend bullmq` nodes run in other processes, so `--dry-run` (changes kept in one process) and in-process hooks (a custom classifier, a virtual clock) are refused.',
    fix: 'Drop the option, or run with `--backend local`.',
  },
  E_QUEUE_PROTOCOL: {
    exit: 3,
    area: 'executor',
    cause:
      'A queue job was written by another version of ST3 (its protocol version or shape differs): the worker refuses it rather than guess.',
    fix: 'Run coordinators and workers of the same ST3 version against one queue, or give each version its own `--queue`.',
  },
  E_WORKER_WORKSPACE: {
    exit: 3,
    area: 'executor',
    cause:
      "A worker was handed a node of a run its workspace does not have (no `.st3/runs/<id>.json` with that graph): workers must work on the coordinator's workspace.",
    fix: 'Start `st3 worker --cwd <workspace>` on the same checkout (one machine, or a shared filesystem such as NFS), or give unrelated workspaces their own `--queue`.',
  },
  E_WORKER_JOB: {
    exit: 3,
    area: 'executor',
    cause:
      "A node's job failed in the queue itself, not in its attempts: its worker died more often than the stalled-job limit allows, or the worker could not run it.",
    fix: "Read the message (the queue's reason), check the workers' logs, then `st3 execute --resume <run-id>` runs the node again.",
  },
  E_METRICS_SERVE: {
    exit: 3,
    area: 'telemetry',
    cause: '`--metrics-port` could not be listened on (port in use, address not available).',
    fix: 'Pick another port with `--metrics-port N` (0 = any free port) or stop the other server.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
