import type { Output } from '@st3/cli-kit';
import type { ExecuteEvent } from '@st3/executor';
import type { QueueStats } from '@st3/executor-bullmq';
import { St3Error, type TokenPrice } from '@st3/schemas';
import type * as Telemetry from '@st3/telemetry';
import type { ExecutionRecorder } from '@st3/telemetry';

/** How often a running coordinator adds what it counted to the totals file. */
const FLUSH_MS = 5000;

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
 * The execution metrics of one `st3 execute`: every run adds what it counted to
 * `.st3/telemetry/execution-metrics.json` (under its lock, every few seconds and at the end), so the
 * counters only grow across runs; with `--metrics-port` the same totals and the run's live gauges are
 * served on /metrics while it runs.
 */
export async function startRunMetrics(o: RunMetricsOptions): Promise<RunMetrics> {
  const t = await import('@st3/telemetry');
  const recorder: ExecutionRecorder = new t.ExecutionRecorder({
    backend: o.backend,
    ...(o.price ? { price: o.price } : {}),
  });
  const file = t.executionTotalsPath(o.root);
  const flush = totalsFlusher(t, recorder, file);
  const timer = setInterval(() => void flush().catch(() => undefined), o.flushMs ?? FLUSH_MS);
  timer.unref();
  let served: { url: string; close(): Promise<void> } | undefined;
  if (o.port !== undefined) {
    const host = o.host ?? '127.0.0.1';
    served = await serveLiveMetrics(t, recorder, file, { root: o.root, port: o.port, host }).catch(
      (error: NodeJS.ErrnoException) => {
        clearInterval(timer);
        throw new St3Error('E_METRICS_SERVE', `cannot listen on ${host}:${o.port}: ${error.message}`, {
          hint: 'pick another --metrics-port (0: any free port)',
        });
      },
    );
  }
  const run: RunState = { recorder, firstStart: new Map(), wavesSeen: false };
  return {
    ...(served ? { url: served.url } : {}),
    onEvent(e) {
      recordEvent(run, e);
    },
    onQueueStats(s) {
      recorder.queue = { waiting: s.waiting, active: s.active, delayed: s.delayed, failed: s.failed };
      recorder.workers = s.workers;
    },
    onStalled: () => recorder.jobStalled(),
    async close() {
      clearInterval(timer);
      try {
        await flush();
      } catch (error) {
        o.out.warn(`execution metrics not saved to ${file}: ${(error as Error).message}`);
      }
      await served?.close();
    },
  };
}

/**
 * Adds what the recorder counted since the last call to the totals file. Calls are chained so only
 * one writes at a time; a failed write gives its counts back to the recorder (still served as pending)
 * and rejects that call only: the next call tries again with them (a lock held a moment too long must
 * not lose the run's counts), and `close` reports the last failure.
 */
function totalsFlusher(t: typeof Telemetry, recorder: ExecutionRecorder, file: string): () => Promise<void> {
  let flushing: Promise<void> = Promise.resolve();
  return () =>
    (flushing = flushing
      .catch(() => undefined)
      .then(async () => {
        const delta = recorder.takeDelta();
        if (t.isEmptyTotals(delta)) return;
        try {
          await t.addExecutionTotals(file, delta);
        } catch (error) {
          recorder.restoreDelta(delta);
          throw error;
        }
      }));
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

/** What the events of one run have shown so far, beyond the recorder's own counts. */
interface RunState {
  recorder: ExecutionRecorder;
  /** When each node first started: a failure's duration spans all its attempts. */
  firstStart: Map<string, number>;
  wavesSeen: boolean;
}

function recordEvent(run: RunState, e: ExecuteEvent): void {
  const { recorder } = run;
  switch (e.type) {
    case 'run:start':
      recorder.runStarted({ id: e.runId, total: e.total, reused: e.reused });
      break;
    case 'wave:start':
      run.wavesSeen = true;
      recorder.waveExecuted();
      break;
    case 'node:start':
      if (!run.firstStart.has(e.id)) run.firstStart.set(e.id, Date.now());
      break;
    case 'node:retry':
      recorder.retried(e.category);
      break;
    case 'node:success':
      recorder.atomFinished({
        status: 'succeeded',
        durationMs: e.durationMs,
        ...(e.outcome ? { outcome: e.outcome } : {}),
        ...(e.confidence !== undefined ? { confidence: e.confidence } : {}),
        ...(e.usage ? { usage: e.usage } : {}),
      });
      break;
    case 'node:failure':
      recorder.atomFinished({
        status: 'failed',
        category: e.category,
        durationMs: Date.now() - (run.firstStart.get(e.id) ?? Date.now()),
        ...(e.usage ? { usage: e.usage } : {}),
      });
      break;
    case 'node:skip':
      recorder.atomsSkipped();
      break;
    case 'progress':
      recorder.parallel = e.running;
      break;
    case 'run:end':
      // Eager runs have no barriers: the waves of their plan count once the run ends.
      if (!run.wavesSeen) for (let i = 0; i < (e.stats.waves ?? 0); i++) recorder.waveExecuted();
      recorder.runFinished({ status: e.status, durationMs: e.stats.durationMs });
      break;
  }
}
