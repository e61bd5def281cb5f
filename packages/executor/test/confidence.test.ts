import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { confidenceLevel, scoreBatch, scoreConfidence } from '../src/index.js';

describe('confidence scoring', () => {
  it('weights validation 40%, attempts 30%, complexity 20%, integration tests 10%', () => {
    expect(scoreConfidence({ validation: 1, attempts: 1, complexity: 1, integrationTests: 1 }).score).toBe(1);
    expect(scoreConfidence({ validation: 0, attempts: 1, complexity: 1, integrationTests: 1 }).score).toBe(0.6);
    expect(
      scoreConfidence({ validation: 1, attempts: 3, maxAttempts: 3, complexity: 1, integrationTests: 1 }),
    ).toMatchObject({ score: 0.8, components: { attempts: 0.3333 } });
    expect(scoreConfidence({ validation: 1, attempts: 1, complexity: 25, integrationTests: 1 }).score).toBe(0.8);
    expect(
      scoreConfidence({ validation: 1, attempts: 1, complexity: 1, integrationTests: { passed: 0, total: 4 } }).score,
    ).toBe(0.9);
  });

  it('leaves unknown signals out and rescales the others', () => {
    const s = scoreConfidence({ validation: { passed: 3, total: 4 }, attempts: 1 });
    expect(s.components).toEqual({ validation: 0.75, attempts: 1 });
    expect(s.score).toBeCloseTo((0.4 * 0.75 + 0.3) / 0.7, 4);
    expect(scoreConfidence({})).toMatchObject({ score: 0, level: 'critical' });
  });

  it('maps scores to levels at 0.85 / 0.70 / 0.50', () => {
    expect([0.85, 0.8499, 0.7, 0.69, 0.5, 0.49].map(confidenceLevel)).toEqual([
      'high',
      'medium',
      'medium',
      'low',
      'low',
      'critical',
    ]);
  });

  it('always scores within [0, 1] and more attempts never raise the score (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1, max: 2, noNaN: true }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 60 }),
        fc.boolean(),
        (v, attempts, complexity, tests) => {
          const a = scoreConfidence({ validation: v, attempts, complexity, integrationTests: tests });
          const b = scoreConfidence({ validation: v, attempts: attempts + 1, complexity, integrationTests: tests });
          expect(a.score).toBeGreaterThanOrEqual(0);
          expect(a.score).toBeLessThanOrEqual(1);
          expect(b.score).toBeLessThanOrEqual(a.score);
        },
      ),
    );
  });

  it('scores a batch, lowest first, with priorities and counts per level', () => {
    const batch = scoreBatch([
      { key: 'a', validation: 1, attempts: 1 },
      { key: 'b', validation: 0, attempts: 3 },
      { key: 'c', validation: 1, attempts: 2, complexity: 10 },
    ]);
    expect(batch.items.map((i) => [i.key, i.level, i.priority])).toEqual([
      ['b', 'critical', 100],
      ['c', 'medium', 50],
      ['a', 'high', 25],
    ]);
    expect(batch.byLevel).toEqual({ high: 1, medium: 1, low: 0, critical: 1 });
  });
});
