import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createVirtualClock, graphHash, planExecution } from '../src/index.js';

describe('planExecution', () => {
  it('indexes nodes in id order, merges parallel edges, and computes waves and path lengths', () => {
    const plan = planExecution({
      nodes: [{ id: 'c' }, { id: 'a' }, { id: 'b' }],
      edges: [
        { from: 'a', to: 'c' },
        { from: 'a', to: 'c' },
        { from: 'b', to: 'c' },
      ],
    });
    expect(plan.ids).toEqual(['a', 'b', 'c']);
    expect(Array.from(plan.dependencyCount)).toEqual([0, 0, 2]);
    expect(plan.waves.map((w) => w.map((i) => plan.ids[i]))).toEqual([['a', 'b'], ['c']]);
    expect(Array.from(plan.pathLength)).toEqual([2, 2, 1]);
  });

  it('puts every node in exactly one wave, every edge from an earlier wave to a later one (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 })
          .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 120 }))),
        ([n, raw]) => {
          const nodes = Array.from({ length: n }, (_, i) => ({ id: `v${i}` }));
          const edges = raw
            .filter(([a, b]) => a !== b)
            .map(([a, b]) => ({ from: `v${Math.min(a, b)}`, to: `v${Math.max(a, b)}` }));
          const plan = planExecution({ nodes, edges });
          expect(plan.waves.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          for (const e of edges)
            expect(plan.level[plan.index.get(e.from)!]!).toBeLessThan(plan.level[plan.index.get(e.to)!]!);
          // The hash ignores node and edge order and parallel edges.
          expect(graphHash({ nodes: [...nodes].reverse(), edges: [...edges, ...edges].reverse() })).toBe(
            graphHash({ nodes, edges }),
          );
        },
      ),
    );
  });
});

describe('virtual clock', () => {
  it('fires timers in due order when advanced by hand', async () => {
    const clock = createVirtualClock();
    const fired: string[] = [];
    void clock.sleep(30).then(() => fired.push('30'));
    void clock.sleep(10).then(() => fired.push('10'));
    await clock.advance(20);
    expect(fired).toEqual(['10']);
    expect(clock.now()).toBe(20);
    await clock.advance(10);
    expect(fired).toEqual(['10', '30']);
    const controller = new AbortController();
    const aborted = clock.sleep(5, controller.signal);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect(clock.pending()).toBe(0);
  });
});
