import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkSpeed,
  CLEAR_MARGIN,
  combineAttempts,
  formatSuiteReport,
  judgeSpeed,
  measureSpeed,
  needsConfirmation,
  runParitySuite,
  SEED_SPEED_THRESHOLDS,
  type SpeedAttempt,
  type SuiteCase,
} from '../src/index.js';

const times = (min = 100, max = 300) =>
  fc.array(fc.double({ min: 0.01, max: 50, noNaN: true, noDefaultInfinity: true }), {
    minLength: min,
    maxLength: max,
  });
const samples = (left: number[], right: number[]) => ({ left, right, clock: 'cpu' as const });

describe('judgeSpeed (injected timings)', () => {
  it('passes a right side at most the thresholds slower, fails one beyond both', () => {
    fc.assert(
      fc.property(times(), fc.double({ min: 0.2, max: 1.19, noNaN: true }), (left, k) => {
        const verdict = judgeSpeed(
          samples(
            left,
            left.map((t) => t * k),
          ),
        );
        expect(verdict.status).toBe('pass');
        expect(verdict.ratio!.median).toBeCloseTo(k, 9);
      }),
    );
    fc.assert(
      fc.property(times(), fc.double({ min: 1.31, max: 20, noNaN: true }), (left, k) => {
        const verdict = judgeSpeed(
          samples(
            left,
            left.map((t) => t * k),
          ),
        );
        expect(verdict.status).toBe('fail');
        expect(verdict.reason).toMatch(/median .* > 1\.200, p95 .* > 1\.300/);
      }),
    );
  });

  it('fails on the median alone or the p95 alone', () => {
    const left = Array.from({ length: 100 }, () => 1);
    const median = judgeSpeed(samples(left, Array(100).fill(1.25)));
    expect(median.status).toBe('fail');
    expect(median.reason).toContain('median 1.250 > 1.200');
    expect(median.reason).not.toContain('p95');
    const tail = judgeSpeed(samples(left, [...Array(90).fill(1), ...Array(10).fill(2)]));
    expect(tail.status).toBe('fail');
    expect(tail.reason).toBe('slower than allowed: p95 2.000 > 1.300');
  });

  it('is monotone: a slower right side never turns a fail into a pass', () => {
    fc.assert(
      fc.property(times(), times(), fc.double({ min: 1, max: 5, noNaN: true }), (left, raw, slow) => {
        const right = raw.slice(0, left.length);
        while (right.length < left.length) right.push(raw[0]!);
        const before = judgeSpeed(samples(left, right));
        const after = judgeSpeed(
          samples(
            left,
            right.map((t) => t * slow),
          ),
        );
        if (before.status === 'fail') expect(after.status).toBe('fail');
      }),
    );
  });

  it('is not measured (never a pass) without enough paired, finite, resolved samples', () => {
    fc.assert(
      fc.property(times(0, 99), (left) => {
        expect(judgeSpeed(samples(left, left)).status).toBe('not measured');
      }),
    );
    const hundred = Array(100).fill(1);
    expect(judgeSpeed(samples(hundred, [...hundred, 1])).reason).toContain('unpaired');
    expect(judgeSpeed(samples(hundred, [...hundred.slice(1), Number.NaN])).status).toBe('not measured');
    expect(judgeSpeed(samples(hundred, [...hundred.slice(1), -1])).status).toBe('not measured');
    expect(judgeSpeed(samples(Array(100).fill(0), hundred)).reason).toContain('did not resolve');
    expect(judgeSpeed(samples(hundred, hundred), { minSamples: 101 }).reason).toBe(
      '100 sample(s) per side, 101 needed',
    );
  });

  it('uses the thresholds it is given', () => {
    const left = Array(100).fill(2);
    const right = Array(100).fill(3);
    expect(judgeSpeed(samples(left, right)).status).toBe('fail');
    expect(judgeSpeed(samples(left, right), { thresholds: { median: 1.5, p95: 1.5 } }).status).toBe('pass');
  });
});

const attempt = (status: SpeedAttempt['status'], median = 1): SpeedAttempt => ({
  status,
  samples: 1000,
  reason: status,
  ...(status === 'not measured' ? {} : { ratio: { median, p95: median } }),
});

describe('combineAttempts and needsConfirmation', () => {
  const T = SEED_SPEED_THRESHOLDS;
  const ratioAttempt = (median: number, p95: number): SpeedAttempt => ({
    status: median > T.median || p95 > T.p95 ? 'fail' : 'pass',
    samples: 1000,
    reason: 'r',
    ratio: { median, p95 },
  });

  it('a clear first pass settles it; a fail or a near pass is measured again, and the larger measurement decides', () => {
    const ratio = fc.double({ min: 0.5, max: 2, noNaN: true });
    fc.assert(
      fc.property(ratio, ratio, ratio, ratio, (m1, p1, m2, p2) => {
        const first = ratioAttempt(m1, p1);
        const clear = m1 <= T.median * CLEAR_MARGIN && p1 <= T.p95 * CLEAR_MARGIN;
        expect(needsConfirmation([first], T)).toBe(!clear);
        const second = ratioAttempt(m2, p2);
        const verdict = combineAttempts(clear ? [first] : [first, second], T, 'wall');
        expect(verdict.status).toBe(clear ? 'pass' : second.status);
        // a verdict never passes a measurement beyond the thresholds
        if (verdict.status === 'pass')
          expect(verdict.ratio!.median <= T.median && verdict.ratio!.p95 <= T.p95).toBe(true);
      }),
    );
  });

  it('never re-measures what could not be measured, nor more than once', () => {
    expect(needsConfirmation([attempt('not measured')], T)).toBe(false);
    expect(needsConfirmation([attempt('fail', 1.5), attempt('fail', 1.5)], T)).toBe(false);
    expect(needsConfirmation([], T)).toBe(false);
    expect(combineAttempts([], T).status).toBe('not measured');
    expect(combineAttempts([ratioAttempt(1.25, 1), ratioAttempt(1.1, 1)], T).reason).toContain(
      'a first 1000-render measurement read median 1.250',
    );
  });
});

/** A fake clock the renderers advance by their cost: timings without a real clock. */
function fakeMachine() {
  let t = 0;
  return { now: () => t, spend: (ms: number) => (t += ms) };
}

describe('measureSpeed (fake clock)', () => {
  it('interleaves the sides (ABBA), one sample per render, after an untimed warm-up', async () => {
    const m = fakeMachine();
    const order: string[] = [];
    const left = (c: string) => (order.push(`L${c}`), m.spend(0.5));
    const right = (c: string) => (order.push(`R${c}`), m.spend(0.75));
    const s = await measureSpeed(['a', 'b'], left, right, { samples: 8, minRounds: 2, warmup: 4, now: m.now });
    expect(s.left).toEqual(Array(8).fill(0.5));
    expect(s.right).toEqual(Array(8).fill(0.75));
    expect(s.cases).toBe(2);
    // one warm-up round (4 renders per side), then round 0: a as L R R L, b as R L L R; round 1 the other way
    expect(order).toHaveLength(8 * 3);
    expect(order.slice(8, 16)).toEqual(['La', 'Ra', 'Ra', 'La', 'Rb', 'Lb', 'Lb', 'Rb']);
    expect(order.slice(16, 24)).toEqual(['Ra', 'La', 'La', 'Ra', 'Lb', 'Rb', 'Rb', 'Lb']);
    expect(judgeSpeed(s, { minSamples: 8 }).status).toBe('fail');
  });

  it('settles a doubtful first measurement with a larger one: a transient burst passes, a real slowdown fails', async () => {
    const m = fakeMachine();
    let renders = 0;
    // the first measurement's right side (100 renders, no warm-up) runs during a burst of load
    const left = () => m.spend(1);
    const right = () => m.spend(renders++ < 100 ? 2 : 1.05);
    const opts = { samples: 100, warmup: 0, now: m.now };
    const transient = await checkSpeed(['a'], left, right, opts);
    expect(transient.status).toBe('pass');
    expect(transient.attempts.map((a) => [a.status, a.samples])).toEqual([
      ['fail', 100],
      ['pass', 400],
    ]);
    const slow = await checkSpeed(
      ['a'],
      () => m.spend(1),
      () => m.spend(1.5),
      opts,
    );
    expect(slow.status).toBe('fail');
    expect(slow.attempts.map((a) => a.samples)).toEqual([100, 400]);
    const fast = await checkSpeed(
      ['a'],
      () => m.spend(1),
      () => m.spend(1),
      opts,
    );
    expect(fast.attempts).toHaveLength(1);
  });

  it('is not measured when no case renders on both sides', async () => {
    const verdict = await checkSpeed(
      [],
      () => 0,
      () => 0,
    );
    expect(verdict.status).toBe('not measured');
    expect(verdict.reason).toBe('no case renders on both sides');
  });
});

describe('the suite runner judges speed', () => {
  const cases: SuiteCase[] = [{ id: 'a', data: { context: {} } }];
  const out = { files: [{ path: 'a.txt', content: 'x\n' }] };
  /** Real CPU work, so the real CPU clock sees it whatever else the machine is doing. */
  const spin = (iterations: number) => {
    let x = 0;
    for (let i = 0; i < iterations; i++) x = (x * 31 + i) % 1_000_003;
    return x;
  };

  it('fails a suite whose right side is several times slower (real clock), and says so', async () => {
    const report = await runParitySuite({
      cases,
      left: () => (spin(2_000), out),
      right: () => (spin(20_000), out),
      speed: { samples: 200, warmup: 50 },
    });
    expect(report.counts.pass).toBe(1);
    expect(report.speed.status).toBe('fail');
    expect(report.ok).toBe(false);
    expect(formatSuiteReport(report).at(-1)).toMatch(
      /^speed: FAIL \(wall time, 800 renders per side, confirmed\): slower/,
    );
  });

  it('reports a skipped check as skipped, never as a pass', async () => {
    const report = await runParitySuite({
      cases,
      left: () => out,
      right: () => out,
      speed: { skip: 'stored outputs' },
    });
    expect(report.speed.status).toBe('skipped');
    expect(report.ok).toBe(true);
    expect(formatSuiteReport(report).at(-1)).toBe('speed: SKIPPED: stored outputs');
  });
});
