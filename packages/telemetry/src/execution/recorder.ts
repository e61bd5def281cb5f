import type { ExecutionTotals, TokenPrice } from '@st3/schemas';
import { addCounter, addTotals, emptyTotals, isEmptyTotals, observeHistogram } from './totals.js';

/** One atom (node) that reached an outcome. */
export interface AtomOutcome {
  status: 'succeeded' | 'failed';
  /** What became of its change (applied, queued, unchanged, dry-run); none for command nodes. */
  outcome?: string;
  /** The failure category (failed atoms). */
  category?: string;
  /** The change's confidence score (0–1). */
  confidence?: number;
  /** From its first attempt to its outcome. */
  durationMs: number;
  usage?: { promptTokens: number; completionTokens: number };
}

/** What a running coordinator sees now (the `live` metrics). */
export interface LiveExecution {
  parallel?: number;
  elapsedSeconds?: number;
  progressRatio?: number;
  precisionPercent?: number;
  costUsd?: number;
  queue?: { waiting: number; active: number; delayed: number; failed: number };
  workers?: number;
}

export interface ExecutionRecorderOptions {
  /** `local` or `bullmq` (a label of the run metrics). */
  backend: string;
  /** The price of the run's agent: without it, no cost is measured (the cost metrics stay absent). */
  price?: TokenPrice;
  now?: () => number;
}

/**
 * Counts one run for the execution metrics: what it adds to the running totals (taken by `takeDelta`
 * and added to the totals file under its lock, periodically and at the end), and its live gauges.
 */
export class ExecutionRecorder {
  private delta: ExecutionTotals = emptyTotals();
  private readonly now: () => number;
  private run:
    { id: string; startedAt: number; total: number; done: number; succeeded: number; failed: number } | undefined;
  private costUsd = 0;
  private usageSeen = false;
  private finishedAt: number | undefined;
  parallel = 0;
  queue: LiveExecution['queue'];
  workers: number | undefined;

  constructor(private readonly options: ExecutionRecorderOptions) {
    this.now = options.now ?? Date.now;
  }

  runStarted(info: { id: string; total: number; reused: number }): void {
    this.run = { id: info.id, startedAt: this.now(), total: info.total, done: info.reused, succeeded: 0, failed: 0 };
    this.finishedAt = undefined;
  }

  atomFinished(atom: AtomOutcome): void {
    if (this.run) {
      this.run.done++;
      if (atom.status === 'succeeded') this.run.succeeded++;
      else this.run.failed++;
    }
    if (atom.status === 'succeeded')
      addCounter(this.delta, 'st3_v2_atoms_generated_total', { outcome: atom.outcome ?? 'command' }, 1);
    else addCounter(this.delta, 'st3_v2_atoms_failed_total', { category: atom.category ?? 'unknown' }, 1);
    observeHistogram(this.delta, 'st3_v2_atom_duration_seconds', { status: atom.status }, atom.durationMs / 1000);
    if (atom.confidence !== undefined) observeHistogram(this.delta, 'st3_v2_confidence_score', {}, atom.confidence);
    if (atom.usage) {
      this.usageSeen = true;
      addCounter(this.delta, 'st3_v2_tokens_total', { kind: 'prompt' }, atom.usage.promptTokens);
      addCounter(this.delta, 'st3_v2_tokens_total', { kind: 'completion' }, atom.usage.completionTokens);
      const price = this.options.price;
      if (price) {
        const cost =
          (atom.usage.promptTokens / 1e6) * price.prompt_per_million +
          (atom.usage.completionTokens / 1e6) * price.completion_per_million;
        this.costUsd += cost;
        addCounter(this.delta, 'st3_v2_cost_usd_total', {}, cost);
      }
    }
  }

  atomsSkipped(count = 1): void {
    if (this.run) this.run.done += count;
    addCounter(this.delta, 'st3_v2_atoms_skipped_total', {}, count);
  }

  retried(category: string): void {
    addCounter(this.delta, 'st3_v2_retries_total', { category }, 1);
  }

  waveExecuted(): void {
    addCounter(this.delta, 'st3_v2_waves_executed_total', {}, 1);
  }

  jobStalled(): void {
    addCounter(this.delta, 'st3_v2_jobs_stalled_total', {}, 1);
  }

  /** Precision of the run so far: validated atoms among those that ran (undefined: none ran). */
  precisionPercent(): number | undefined {
    if (!this.run) return undefined;
    const ran = this.run.succeeded + this.run.failed;
    return ran > 0 ? (100 * this.run.succeeded) / ran : undefined;
  }

  /** The run's cost so far (undefined: no price, or no agent reported usage). */
  runCostUsd(): number | undefined {
    return this.options.price && this.usageSeen ? this.costUsd : undefined;
  }

  runFinished(info: { status: string; durationMs: number }): void {
    const backend = this.options.backend;
    this.finishedAt = this.now();
    addCounter(this.delta, 'st3_v2_runs_total', { status: info.status, backend }, 1);
    observeHistogram(
      this.delta,
      'st3_v2_execution_time_seconds',
      { backend, status: info.status },
      info.durationMs / 1000,
    );
    const precision = this.precisionPercent();
    const cost = this.runCostUsd();
    this.delta.lastRun = {
      id: this.run?.id ?? '',
      status: info.status,
      backend,
      finishedAt: new Date(this.finishedAt).toISOString(),
      durationSeconds: info.durationMs / 1000,
      ...(precision !== undefined ? { precisionPercent: precision } : {}),
      ...(cost !== undefined ? { costUsd: cost } : {}),
    };
    this.parallel = 0;
  }

  /** What this run added since the last call (for the totals file); the recorder starts a new delta. */
  takeDelta(): ExecutionTotals {
    const out = this.delta;
    this.delta = emptyTotals();
    return out;
  }

  /** Puts back a delta whose write failed, so it is added with the next one. */
  restoreDelta(delta: ExecutionTotals): void {
    if (!isEmptyTotals(delta)) this.delta = addTotals(delta, this.delta);
  }

  /** The stored totals with what this run has not written yet. */
  withPending(stored: ExecutionTotals): ExecutionTotals {
    return isEmptyTotals(this.delta) ? stored : addTotals(stored, this.delta);
  }

  live(): LiveExecution {
    const run = this.run;
    const precision = this.precisionPercent();
    const cost = this.runCostUsd();
    return {
      parallel: this.parallel,
      elapsedSeconds: run && this.finishedAt === undefined ? (this.now() - run.startedAt) / 1000 : 0,
      ...(run ? { progressRatio: run.total > 0 ? Math.min(1, run.done / run.total) : 1 } : {}),
      ...(precision !== undefined ? { precisionPercent: precision } : {}),
      ...(cost !== undefined ? { costUsd: cost } : {}),
      ...(this.queue ? { queue: this.queue } : {}),
      ...(this.workers !== undefined ? { workers: this.workers } : {}),
    };
  }
}
