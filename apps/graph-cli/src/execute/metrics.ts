import type { Output } from '@st3/cli-kit';
import type { ExecuteEvent } from '@st3/executor';
import type { QueueStats } from '@st3/executor-bullmq';
import { St3Error, type TokenPrice } from '@st3/schemas';
import type * as Telemetry from '@st3/telemetry';
import type { ExecutionRecorder } from '@st3/telemetry';

export interface RunMetricsOptions {
  root: string;
  backend: string;
  price?: TokenPrice;
  /** `--metrics-port`: serve live /metrics while the run goes (0: any free port). */
  port?: number;
  host?: string;
  out: Output;
  /** How often the counts are added to the totals file (default every 5 s). */
  flushMs?: number;
}

export interface RunMetrics {
  onEvent(e: ExecuteEvent): void;
  onQueueStats(stats: QueueStats): void;
  onStalled(): void;
  /** The URL served, when `port` was given. */
  url?: string;
  /** Adds the rest to the totals file and stops serving. */
  close(): Promise<void>;
}

/**
 * The execution metrics of one `st3 execute`: @st3/telemetry's `ExecutionRunMetrics` adds what the run
 * counted to `.st3/telemetry/execution-metrics.json` (under its lock, every few seconds and at the end;
 * the MCP execute tool counts its runs the same way), so the counters only grow across runs; with
 * `--metrics-port` the same totals and the run's live gauges are served on /metrics while it runs.
 */
export async function startRunMetrics(o: RunMetricsOptions): Promise<RunMetrics> {
  const t = await import('@st3/telemetry');
  const run = new t.ExecutionRunMetrics({
    file: t.executionTotalsPath(o.root),
    backend: o.backend,
    ...(o.price ? { price: o.price } : {}),
    ...(o.flushMs !== undefined ? { flushEveryMs: o.flushMs } : {}),
  });
  const { recorder, file } = run;
  let served: { url: string; close(): Promise<void> } | undefined;
  if (o.port !== undefined) {
    const host = o.host ?? '127.0.0.1';
    served = await serveLiveMetrics(t, recorder, file, { root: o.root, port: o.port, host }).catch(
      async (error: NodeJS.ErrnoException) => {
        await run.close().catch(() => undefined); // nothing counted yet: only stops the periodic writes
        throw new St3Error('E_METRICS_SERVE', `cannot listen on ${host}:${o.port}: ${error.message}`, {
          hint: 'pick another --metrics-port (0: any free port)',
        });
      },
    );
  }
  return {
    ...(served ? { url: served.url } : {}),
    onEvent: (e) => run.record(e),
    onQueueStats(s) {
      recorder.queue = { waiting: s.waiting, active: s.active, delayed: s.delayed, failed: s.failed };
      recorder.workers = s.workers;
    },
    onStalled: () => recorder.jobStalled(),
    async close() {
      try {
        await run.close();
      } catch (error) {
        o.out.warn(`execution metrics not saved to ${file}: ${(error as Error).message}`);
      }
      await served?.close();
    },
  };
}

/** Serves /metrics: the totals file plus what this run has not flushed yet, its live gauges, the review queue. */
function serveLiveMetrics(
  t: typeof Telemetry,
  recorder: ExecutionRecorder,
  file: string,
  at: { root: string; port: number; host: string },
) {
  return t.serveMetrics({
    port: at.port,
    host: at.host,
    load: async () => [],
    extra: async () =>
      t.executionRegistry({
        totals: recorder.withPending(await t.loadExecutionTotals(file)),
        live: recorder.live(),
        ...(await t.reviewQueueSizes(at.root).then((q) => (q ? { reviewQueue: q } : {}))),
      }),
  });
}
