import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { St3Error } from '@st3/schemas';
import { headline } from '../execute/headline.js';

export const command = defineCommand({
  name: 'worker',
  summary: 'run the nodes of `st3 execute --backend bullmq` runs: a BullMQ worker over Redis, until Ctrl-C',
  description: [
    "Takes jobs from the queue and runs each node with the same runner as a local run, built from the run's " +
      'record in this workspace (.st3/runs/<id>.json): the command of --run, or the agent with its prompt, ' +
      'validation (the gates in a scratch copy), apply or review queue. Each BullMQ attempt is one attempt of the ' +
      "node with the run's temperatures and time limit; a failed attempt is retried after the run's backoff.",
    "Workers work on the coordinator's workspace: the same checkout on one machine, or a shared filesystem. A worker " +
      'that dies mid-job (SIGKILL, a lost machine) stops renewing its lock; after --stalled-after seconds another ' +
      'worker takes the job over, and a change checkpointed before the kill is not applied twice. Ctrl-C or SIGTERM ' +
      'stops taking jobs and waits for the running ones (after SIGTERM at most 5 s; a second signal exits at once; ' +
      'the jobs not finished are then taken over).',
  ],
  options: {
    redis: {
      type: 'string',
      valueName: 'URL',
      description: 'the Redis URL (default $ST3_REDIS_URL, then redis.url of .st3/config/executor.yaml)',
    },
    queue: { type: 'string', valueName: 'NAME', description: 'the queue to serve (default st3)' },
    concurrency: { type: 'number', integer: true, min: 1, description: 'jobs run at once (default 1)' },
    'stalled-after': {
      type: 'number',
      min: 1,
      valueName: 'SEC',
      description: 'a job whose worker stopped renewing its lock for SEC is taken over by another (default 30)',
    },
    name: {
      type: 'string',
      valueName: 'NAME',
      description: 'shown on the jobs it runs and in Redis (default host:pid)',
    },
    'metrics-port': {
      type: 'number',
      integer: true,
      min: 0,
      max: 65535,
      valueName: 'N',
      description: "serve this worker's metrics on http://127.0.0.1:N/metrics (0: any free port)",
    },
    'metrics-host': { type: 'string', valueName: 'H', description: 'address of --metrics-port (default 127.0.0.1)' },
  },
  examples: [
    'st3 worker --redis redis://127.0.0.1:6379',
    'st3 worker --redis redis://10.0.0.5:6379 --concurrency 4 --queue nightly --metrics-port 9466',
  ],
  async run({ values, common, io }) {
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const { loadExecutorConfig } = await import('../execute/backend.js');
    const config = await loadExecutorConfig(ws.root);
    const redis = values.redis ?? (io.env.ST3_REDIS_URL || undefined) ?? config?.redis?.url;
    if (!redis)
      throw new St3Error('E_REDIS_URL', 'st3 worker needs a Redis URL', {
        hint: 'pass --redis redis://127.0.0.1:6379, set ST3_REDIS_URL, or redis.url in .st3/config/executor.yaml',
      });
    const queue = values.queue ?? config?.redis?.queue;
    const prefix = config?.redis?.prefix;
    const concurrency = values.concurrency ?? 1;
    const stalledMs = (values['stalled-after'] ?? 30) * 1000;
    const bull = await import('@st3/executor-bullmq');
    const t = await import('@st3/telemetry');
    const { workspaceRunners } = await import('../worker/runner.js');
    const runners = workspaceRunners(ws.root, io.env);
    const metrics = new t.WorkerMetrics(concurrency);
    const counts: Record<string, number> = {};
    let served: { url: string; close(): Promise<void> } | undefined;
    if (values['metrics-port'] !== undefined) {
      const host = values['metrics-host'] ?? '127.0.0.1';
      served = await t
        .serveMetrics({ port: values['metrics-port'], host, load: async () => [], extra: async () => metrics.registry })
        .catch((error: NodeJS.ErrnoException) => {
          throw new St3Error(
            'E_METRICS_SERVE',
            `cannot listen on ${host}:${values['metrics-port']}: ${error.message}`,
            {
              hint: 'pick another --metrics-port (0: any free port)',
            },
          );
        });
    }
    const worker = await bull
      .startWorker({
        redis,
        ...(queue ? { queue } : {}),
        ...(prefix ? { prefix } : {}),
        concurrency,
        lockDurationMs: stalledMs,
        stalledIntervalMs: Math.max(500, Math.floor(stalledMs / 2)),
        ...(values.name ? { name: values.name } : {}),
        runnerFor: (task) => runners.runnerFor(task),
        onEvent: (e) => {
          if (e.type === 'job:start') return metrics.jobStarted();
          metrics.jobEnded(e.outcome, e.durationMs);
          counts[e.outcome] = (counts[e.outcome] ?? 0) + 1;
          if (!out.json && (e.outcome === 'failed' || e.outcome === 'error' || e.outcome === 'lost'))
            out.warn(`${e.runId} ${e.nodeId}: ${e.outcome}${e.message ? `: ${headline(e.message)}` : ''}`);
        },
        onError: (error) => out.warn(`worker: ${error.message}`),
      })
      .catch(async (error: unknown) => {
        await served?.close();
        throw error;
      });
    await worker.ready;
    const where = `${bull.redactUrl(redis)} queue ${queue ?? bull.DEFAULT_QUEUE}`;
    if (!out.json) {
      out.line(`worker ${worker.name} serving ${where} (concurrency ${concurrency}); Ctrl-C to stop`);
      if (served) out.info(`metrics: ${served.url}`);
    }
    await new Promise<void>((r) =>
      io.signal.aborted ? r() : io.signal.addEventListener('abort', () => r(), { once: true }),
    );
    if (!out.json) out.info(`stopping: waiting for ${worker.active()} running job(s)`);
    await worker.close();
    await runners.dispose();
    await served?.close();
    if (out.json) out.document({ ok: true, name: worker.name, queue: queue ?? bull.DEFAULT_QUEUE, jobs: counts });
    else out.line(`worker ${worker.name} stopped: ${JSON.stringify(counts)}`);
    return EXIT.ok;
  },
});
