import {
  combineAttempts,
  judgeSpeed,
  needsConfirmation,
  SEED_SPEED_THRESHOLDS,
  type JudgeSpeedOptions,
  type SpeedAttempt,
  type SpeedClock,
  type SpeedSamples,
  type SpeedVerdict,
} from './speed.js';

export interface MeasureSpeedOptions {
  /** Renders per side at least (default 1000): the rounds are as many as that takes, at least `minRounds`. */
  samples?: number;
  /** Rounds at least (default 20). */
  minRounds?: number;
  /** Untimed renders per side first, so both sides are compiled and optimised alike (default twice `samples`). */
  warmup?: number;
  /** `wall` (default): elapsed time per render; `cpu`: this process's CPU time (costs a system call per sample). */
  clock?: SpeedClock;
  /** Clock override in ms (tests). */
  now?: () => number;
  signal?: AbortSignal;
}

/** One side's render of one case; its result is ignored (correctness is judged elsewhere). */
export type TimedRender<C> = (c: C) => unknown;

/**
 * Measures two renderers on the same cases, finely interleaved so that both see the same machine:
 * each round renders every case on both sides back to back in ABBA order (left, right, right,
 * left; the next case starts with the right side), after untimed warm-up rounds. Every render is
 * one sample, so a few thousand renders give medians and p95s that one burst of load, one garbage
 * collection or one preemption cannot move: such events are short and hit both sides alike. The
 * verdict is `judgeSpeed`'s, on these samples.
 */
export async function measureSpeed<C>(
  cases: readonly C[],
  left: TimedRender<C>,
  right: TimedRender<C>,
  options: MeasureSpeedOptions = {},
): Promise<SpeedSamples> {
  const clock = options.clock ?? 'wall';
  const now = options.now ?? (clock === 'cpu' ? cpuMs : () => performance.now());
  const out: { left: number[]; right: number[] } = { left: [], right: [] };
  if (cases.length === 0) return { ...out, clock, cases: 0 };
  const perRound = 2 * cases.length;
  const samples = options.samples ?? 1000;
  const rounds = Math.max(options.minRounds ?? 20, Math.ceil(samples / perRound));
  const warmup = Math.ceil(Math.max(0, options.warmup ?? 2 * samples) / perRound);
  const time = async (side: TimedRender<C>, c: C, into: number[] | undefined): Promise<void> => {
    const start = now();
    await side(c);
    const elapsed = now() - start;
    into?.push(elapsed);
  };
  for (let r = -warmup; r < rounds; r++) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    const l = r < 0 ? undefined : out.left;
    const rt = r < 0 ? undefined : out.right;
    for (const [i, c] of cases.entries()) {
      const [first, second, a, b] = (r + i) % 2 === 0 ? [left, right, l, rt] : [right, left, rt, l];
      await time(first, c, a);
      await time(second, c, b);
      await time(second, c, b);
      await time(first, c, a);
    }
  }
  return { ...out, clock, cases: cases.length };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export interface SpeedCheckOptions extends MeasureSpeedOptions, JudgeSpeedOptions {
  /** A first measurement that is not a clear pass is settled by one this many times larger (default 4). */
  confirmFactor?: number;
}

/**
 * Measures and judges: a quick measurement settles a clear pass; anything else (a failure, or a
 * pass within 10% of a threshold) is settled by a measurement `confirmFactor` times larger.
 */
export async function checkSpeed<C>(
  cases: readonly C[],
  left: TimedRender<C>,
  right: TimedRender<C>,
  options: SpeedCheckOptions = {},
): Promise<SpeedVerdict> {
  const thresholds = options.thresholds ?? SEED_SPEED_THRESHOLDS;
  const clock = options.clock ?? 'wall';
  if (cases.length === 0)
    return combineAttempts(
      [{ status: 'not measured', samples: 0, reason: 'no case renders on both sides' }],
      thresholds,
      clock,
    );
  const samples = options.samples ?? 1000;
  const attempts: SpeedAttempt[] = [judgeSpeed(await measureSpeed(cases, left, right, options), options)];
  if (needsConfirmation(attempts, thresholds)) {
    const larger = samples * Math.max(1, options.confirmFactor ?? 4);
    const warmup = options.warmup ?? 2 * samples; // the first measurement warmed both sides already
    attempts.push(judgeSpeed(await measureSpeed(cases, left, right, { ...options, samples: larger, warmup }), options));
  }
  return combineAttempts(attempts, thresholds, clock);
}
