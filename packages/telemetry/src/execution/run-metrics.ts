import { ExecutionRecorder, type ExecutionRecorderOptions } from './recorder.js';
import { addExecutionTotals, isEmptyTotals } from './totals.js';

/** How often a running execution adds what it counted to the totals file, by default. */
export const EXECUTION_FLUSH_MS = 5000;

/** Tokens an agent reported for a node. */
interface EventUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * The events of a run the execution metrics count, described by their shape: @st3/executor's
 * `ExecuteEvent` is assignable to it (this package does not depend on the executor), so a scheduler's
 * `onEvent` stream is passed as it comes. Fields not listed here are not read.
 */
export type ExecutionEvent =
  | { type: 'run:start'; runId: string; total: number; reused: number }
  | { type: 'wave:start' }
  | { type: 'node:start'; id: string }
  | { type: 'node:retry'; category: string }
  | { type: 'node:success'; durationMs: number; outcome?: string; confidence?: number; usage?: EventUsage }
  | { type: 'node:failure'; id: string; category: string; usage?: EventUsage }
  | { type: 'node:skip' }
  | { type: 'node:reuse' }
  | { type: 'progress'; running: number }
  | { type: 'run:end'; status: string; stats: { durationMs: number; waves?: number } };

export interface ExecutionRunMetricsOptions extends ExecutionRecorderOptions {
  /** The totals file (`executionTotalsPath(root)`). */
  file: string;
  /** Adds the counts to the file this often while the run goes (default 5 s; 0: only on `flush`/`close`). */
  flushEveryMs?: number;
}

/**
 * The execution metrics of one run, kept in the totals file: `record` counts the run's events on an
 * `ExecutionRecorder`, and what it counted is added to `.st3/telemetry/execution-metrics.json` under the
 * file's lock every few seconds and on `close`, so the counters only grow across runs and processes.
 * `st3 execute` and the MCP `execute` tool count their runs through this one path.
 */
export class ExecutionRunMetrics {
  readonly recorder: ExecutionRecorder;
  readonly file: string;
  private readonly now: () => number;
  /** When each node first started: a failure's duration spans all its attempts. */
  private readonly firstStart = new Map<string, number>();
  private wavesSeen = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ExecutionRunMetricsOptions) {
    const { file, flushEveryMs = EXECUTION_FLUSH_MS, ...recorder } = options;
    this.recorder = new ExecutionRecorder(recorder);
    this.file = file;
    this.now = options.now ?? Date.now;
    if (flushEveryMs > 0) {
      // A failed periodic write keeps its counts for the next one; `close` reports the last failure.
      this.timer = setInterval(() => void this.flush().catch(() => undefined), flushEveryMs);
      this.timer.unref();
    }
  }

  /** Counts one event of the run; events the metrics do not count are ignored. */
  record(e: ExecutionEvent): void {
    const recorder = this.recorder;
    switch (e.type) {
      case 'run:start':
        recorder.runStarted({ id: e.runId, total: e.total, reused: e.reused });
        break;
      case 'wave:start':
        this.wavesSeen = true;
        recorder.waveExecuted();
        break;
      case 'node:start':
        if (!this.firstStart.has(e.id)) this.firstStart.set(e.id, this.now());
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
      case 'node:failure': {
        const now = this.now();
        recorder.atomFinished({
          status: 'failed',
          category: e.category,
          durationMs: now - (this.firstStart.get(e.id) ?? now),
          ...(e.usage ? { usage: e.usage } : {}),
        });
        break;
      }
      case 'node:skip':
        recorder.atomsSkipped();
        break;
      case 'progress':
        recorder.parallel = e.running;
        break;
      case 'run:end':
        // Eager runs have no barriers: the waves of their plan count once the run ends.
        if (!this.wavesSeen) for (let i = 0; i < (e.stats.waves ?? 0); i++) recorder.waveExecuted();
        recorder.runFinished({ status: e.status, durationMs: e.stats.durationMs });
        break;
    }
  }

  /**
   * Adds what was counted since the last write to the totals file. Writes are chained so only one runs
   * at a time; a failed write gives its counts back to the recorder (still served as pending) and
   * rejects that call only: the next one tries again with them, so a lock held a moment too long
   * loses none of the run's counts.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing
      .catch(() => undefined)
      .then(async () => {
        const delta = this.recorder.takeDelta();
        if (isEmptyTotals(delta)) return;
        try {
          await addExecutionTotals(this.file, delta);
        } catch (error) {
          this.recorder.restoreDelta(delta);
          throw error;
        }
      });
    return this.flushing;
  }

  /** Stops the periodic writes and adds the rest; rejects when that last write fails (its counts stay pending). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
