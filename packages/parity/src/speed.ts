import { percentile } from './stats.js';

/** How much slower the right side may be: the seed's v2 ≤ 1.2× v1 median and ≤ 1.3× v1 p95. */
export interface SpeedThresholds {
  median: number;
  p95: number;
}

export const SEED_SPEED_THRESHOLDS: Readonly<SpeedThresholds> = Object.freeze({ median: 1.2, p95: 1.3 });

export type SpeedClock = 'cpu' | 'wall';
export type SpeedStatus = 'pass' | 'fail' | 'not measured' | 'skipped';

/**
 * Timings of one measurement, milliseconds per render: `left[i]` and `right[i]` were taken moments
 * apart (interleaved), so they saw the same machine load.
 */
export interface SpeedSamples {
  left: readonly number[];
  right: readonly number[];
  clock: SpeedClock;
  /** Cases that rendered on both sides and were timed. */
  cases?: number;
}

export interface SpeedStats {
  median: number;
  p95: number;
}

export interface SpeedAttempt {
  status: 'pass' | 'fail' | 'not measured';
  ratio?: { median: number; p95: number };
  left?: SpeedStats;
  right?: SpeedStats;
  /** Renders timed per side. */
  samples: number;
  reason: string;
}

export interface SpeedVerdict extends Omit<SpeedAttempt, 'status'> {
  status: SpeedStatus;
  clock?: SpeedClock;
  thresholds: SpeedThresholds;
  /** Every measurement taken: a doubtful first one is settled by a larger one (see `needsConfirmation`). */
  attempts: SpeedAttempt[];
}

export interface JudgeSpeedOptions {
  thresholds?: SpeedThresholds;
  /** Fewer samples per side than this cannot establish a verdict (default 100). */
  minSamples?: number;
}

/**
 * The speed verdict of one measurement, from its paired samples alone (no clock, no I/O, so it is
 * tested with made-up timings): the right side fails when its median per-render time exceeds
 * `thresholds.median` × the left side's, or its p95 exceeds `thresholds.p95` × the left's. Too few
 * samples, unequal pairs, a non-finite or negative sample, or a left side the clock could not resolve
 * (median or p95 of 0) give `not measured`, never a pass.
 */
export function judgeSpeed(samples: SpeedSamples, options: JudgeSpeedOptions = {}): SpeedAttempt {
  const thresholds = options.thresholds ?? SEED_SPEED_THRESHOLDS;
  const minSamples = options.minSamples ?? 100;
  const count = Math.min(samples.left.length, samples.right.length);
  const notMeasured = (reason: string): SpeedAttempt => ({ status: 'not measured', samples: count, reason });
  if (samples.left.length !== samples.right.length)
    return notMeasured(`unpaired samples (${samples.left.length} left, ${samples.right.length} right)`);
  if (count < minSamples) return notMeasured(`${count} sample(s) per side, ${minSamples} needed`);
  if (![...samples.left, ...samples.right].every((t) => Number.isFinite(t) && t >= 0))
    return notMeasured('a sample is not a finite, non-negative time');
  const left = { median: percentile(samples.left, 50), p95: percentile(samples.left, 95) };
  const right = { median: percentile(samples.right, 50), p95: percentile(samples.right, 95) };
  if (left.median <= 0 || left.p95 <= 0)
    return notMeasured(`the ${samples.clock} clock did not resolve the left side's renders`);
  const ratio = { median: right.median / left.median, p95: right.p95 / left.p95 };
  const over: string[] = [];
  if (ratio.median > thresholds.median) over.push(`median ${fixed(ratio.median)} > ${fixed(thresholds.median)}`);
  if (ratio.p95 > thresholds.p95) over.push(`p95 ${fixed(ratio.p95)} > ${fixed(thresholds.p95)}`);
  return {
    status: over.length > 0 ? 'fail' : 'pass',
    ratio,
    left,
    right,
    samples: count,
    reason:
      over.length > 0
        ? `slower than allowed: ${over.join(', ')}`
        : `median ${fixed(ratio.median)} ≤ ${fixed(thresholds.median)}, p95 ${fixed(ratio.p95)} ≤ ${fixed(thresholds.p95)}`,
  };
}

/** How far inside the thresholds a quick first measurement must be to settle the verdict on its own. */
export const CLEAR_MARGIN = 0.9;

/** A first measurement that passes by a margin (both ratios at most `margin` × their threshold). */
export function isClearPass(attempt: SpeedAttempt, thresholds: SpeedThresholds, margin = CLEAR_MARGIN): boolean {
  return (
    attempt.status === 'pass' &&
    attempt.ratio !== undefined &&
    attempt.ratio.median <= thresholds.median * margin &&
    attempt.ratio.p95 <= thresholds.p95 * margin
  );
}

/**
 * Should a larger measurement settle it? Only after a first, quick one that neither passed clearly
 * nor could not be measured: a failure, or a pass too close to a threshold. The larger measurement
 * is then the verdict, so noise can neither fail a template that is fast enough nor pass one that
 * is too slow.
 */
export function needsConfirmation(
  attempts: readonly SpeedAttempt[],
  thresholds: SpeedThresholds,
  margin = CLEAR_MARGIN,
): boolean {
  return (
    attempts.length === 1 && attempts[0]!.status !== 'not measured' && !isClearPass(attempts[0]!, thresholds, margin)
  );
}

/**
 * The verdict over the measurements taken: a clear first pass, else the last (largest) measurement,
 * judged strictly against the thresholds; `not measured` when none could be measured.
 */
export function combineAttempts(
  attempts: readonly SpeedAttempt[],
  thresholds: SpeedThresholds,
  clock?: SpeedClock,
): SpeedVerdict {
  const base = { thresholds, attempts: [...attempts], ...(clock ? { clock } : {}) };
  const last = attempts.at(-1);
  if (!last) return { status: 'not measured', samples: 0, reason: 'nothing was measured', ...base };
  if (attempts.length === 1) return { ...last, ...base };
  const first = attempts[0]!;
  const firstFigures = first.ratio
    ? ` (a first ${first.samples}-render measurement read median ${first.ratio.median.toFixed(3)}, p95 ${first.ratio.p95.toFixed(3)})`
    : '';
  return { ...last, ...base, reason: `${last.reason}${firstFigures}` };
}

/** A speed check that was not run (a stored-output suite, or turned off), never a pass. */
export function skippedSpeed(reason: string, thresholds: SpeedThresholds = SEED_SPEED_THRESHOLDS): SpeedVerdict {
  return { status: 'skipped', reason, samples: 0, thresholds, attempts: [] };
}

function fixed(n: number): string {
  return n.toFixed(3);
}
