import type { Output } from '@st3/cli-kit';
import type { BackendChoice, SchedulerBackend } from '@st3/executor';
import type { QueueStats } from '@st3/executor-bullmq';

// executor.yaml, the backend choice and the prices are resolved in @st3/executor (the MCP execute tool
// resolves them with the same functions); re-exported for the commands that import them from here.
export {
  chooseBackend,
  EXECUTOR_CONFIG_PATH,
  loadExecutorConfig,
  priceOf,
  type BackendChoice,
  type BackendFlags,
} from '@st3/executor';

/** The scheduler backend of a choice: undefined for local (this process). Redis notices go to stderr. */
export async function schedulerBackend(
  choice: BackendChoice,
  out: Output,
  hooks: { onQueueStats?(stats: QueueStats): void; onStalled?(): void } = {},
): Promise<SchedulerBackend | undefined> {
  if (choice.backend === 'local') return undefined;
  const { bullmqBackend, redactUrl } = await import('@st3/executor-bullmq');
  return bullmqBackend({
    redis: choice.redis!,
    ...(choice.queue ? { queue: choice.queue } : {}),
    ...(choice.prefix ? { prefix: choice.prefix } : {}),
    onNotice: (n) => {
      if (n.type === 'redis-down') out.warn(`Redis at ${redactUrl(choice.redis!)} is not answering: ${n.message}`);
      else if (n.type === 'redis-up') out.warn(`Redis at ${redactUrl(choice.redis!)} answers again`);
      else if (n.type === 'stalled') {
        hooks.onStalled?.();
        out.warn(`${n.nodeId}: its worker stopped; another worker takes the job over`);
      } else if (n.type === 'job-failed') out.warn(`${n.nodeId}: the queue failed its job: ${n.reason}`);
      // At-least-once made visible: the record counts the node's attempts, not this rerun of one.
      else if (n.type === 'lost')
        out.warn(`${n.nodeId}: its job is gone from Redis (restarted without its data?); the node runs again`);
    },
    onQueueStats: withNoWorkerWarning(out, `queue "${choice.queue ?? 'st3'}" at ${redactUrl(choice.redis!)}`, hooks),
  });
}

/** How long nodes may wait with no worker on the queue before the coordinator says so. */
const NO_WORKER_WARNING_MS = 5000;

/**
 * The queue statistics hook, plus one warning when nodes wait while no worker serves the queue (a run
 * started before its workers, or against the wrong --redis/--queue, otherwise waits without a word),
 * and one notice when a worker comes.
 */
function withNoWorkerWarning(
  out: Output,
  where: string,
  hooks: { onQueueStats?(stats: QueueStats): void },
): (stats: QueueStats) => void {
  let waitingSince: number | undefined;
  let warned = false;
  return (stats) => {
    hooks.onQueueStats?.(stats);
    if (stats.workers > 0) {
      if (warned) out.warn(`a worker serves ${where} now`);
      warned = false;
      waitingSince = undefined;
      return;
    }
    if (stats.waiting === 0) return;
    waitingSince ??= Date.now();
    if (warned || Date.now() - waitingSince < NO_WORKER_WARNING_MS) return;
    warned = true;
    out.warn(
      `no worker serves ${where}: ${stats.waiting} node(s) wait; start one with \`st3 worker\` on the same --redis and --queue`,
    );
  };
}
