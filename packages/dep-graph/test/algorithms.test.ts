import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import {
  analyzeGraph,
  balanceLevels,
  dfsBackEdges,
  feedbackArcSet,
  indexGraph,
  indexedFromPairs,
  kahnLevels,
  listCycles,
  stronglyConnectedComponents,
} from '../src/index.js';

const TYPES = ['import', 'function_call', 'variable', 'type', 'data_flow'];

/** Random directed graphs (self-loops and parallel edges included) with string ids. */
const graphArb = fc.integer({ min: 1, max: 24 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.nat(TYPES.length - 1)), { maxLength: n * 3 }),
  }),
);

function toInput({ n, edges }: { n: number; edges: [number, number, number][] }): GraphInput {
  return {
    nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}` })),
    edges: edges.map(([a, b, t]) => ({ from: `n${a}`, to: `n${b}`, type: TYPES[t] })),
  };
}

/** Reachability by brute force (Floyd–Warshall on booleans), for checking SCCs. */
function reach(n: number, edges: [number, number][]): boolean[][] {
  const r = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => i === j));
  for (const [a, b] of edges) r[a]![b] = true;
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (r[i]![k] && r[k]![j]) r[i]![j] = true;
  return r;
}

describe('analyzeGraph properties on random graphs', () => {
  it('every node appears in exactly one wave, and every kept edge goes from an earlier wave to a later one', () => {
    fc.assert(
      fc.property(graphArb, (spec) => {
        const a = analyzeGraph(toInput(spec));
        const wave = new Map<string, number>();
        a.waves.forEach((w, i) =>
          w.forEach((id) => {
            expect(wave.has(id)).toBe(false);
            wave.set(id, i);
          }),
        );
        expect(wave.size).toBe(spec.n);
        const cut = new Set(a.removedEdges.map((e) => `${e.from}>${e.to}`));
        for (const e of a.edges)
          if (!cut.has(`${e.from}>${e.to}`)) expect(wave.get(e.from)!).toBeLessThan(wave.get(e.to)!);
        // Kahn levels: a node in wave k > 0 has a kept dependency in wave k − 1.
        for (const [id, k] of wave) {
          if (k === 0) continue;
          expect(a.edges.some((e) => e.to === id && !cut.has(`${e.from}>${e.to}`) && wave.get(e.from) === k - 1)).toBe(
            true,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('removing the feedback arc set leaves a DAG, and only edges on cycles are removed', () => {
    fc.assert(
      fc.property(graphArb, (spec) => {
        const g = indexGraph(toInput(spec));
        const fas = feedbackArcSet(g);
        const alive = new Uint8Array(g.src.length).fill(1);
        for (const e of fas.edges) alive[e] = 0;
        expect(kahnLevels(g, alive).acyclic).toBe(true);
        const { comp } = stronglyConnectedComponents(g);
        for (const e of fas.edges) expect(comp[g.src[e]!]).toBe(comp[g.dst[e]!]);
        // An acyclic graph needs no cut at all.
        if (kahnLevels(g).acyclic) expect(fas.edges).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts a minimal set on small graphs: putting back any one cut edge closes a cycle', () => {
    fc.assert(
      fc.property(graphArb, (spec) => {
        const g = indexGraph(toInput(spec));
        const fas = feedbackArcSet(g);
        for (const back of fas.edges) {
          const alive = new Uint8Array(g.src.length).fill(1);
          for (const e of fas.edges) if (e !== back) alive[e] = 0;
          expect(kahnLevels(g, alive).acyclic).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same graph in any edge or node order gives the same output', () => {
    fc.assert(
      fc.property(graphArb, fc.integer(), (spec, seed) => {
        const input = toInput(spec);
        const shuffled: GraphInput = { nodes: shuffle(input.nodes, seed), edges: shuffle(input.edges, seed + 1) };
        expect(JSON.stringify(analyzeGraph(shuffled, { maxWidth: 3 }))).toBe(
          JSON.stringify(analyzeGraph(input, { maxWidth: 3 })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('strongly connected components match mutual reachability', () => {
    fc.assert(
      fc.property(graphArb, (spec) => {
        const g = indexGraph(toInput(spec));
        const { comp } = stronglyConnectedComponents(g);
        const pairs: [number, number][] = Array.from(g.src, (s, e) => [s, g.dst[e]!]);
        const r = reach(g.n, pairs);
        for (let i = 0; i < g.n; i++)
          for (let j = 0; j < g.n; j++) expect(comp[i] === comp[j]).toBe(r[i]![j]! && r[j]![i]!);
      }),
      { numRuns: 200 },
    );
  });

  it('lists exactly the elementary cycles of small graphs (against brute force)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.constant(0)), { maxLength: 14 }),
          }),
        ),
        (spec) => {
          const g = indexGraph(toInput(spec));
          const { cycles, truncated } = listCycles(g, 10_000);
          expect(truncated).toBe(false);
          const canon = (c: number[]): string => {
            const k = c.indexOf(Math.min(...c));
            return [...c.slice(k), ...c.slice(0, k)].join(',');
          };
          const found = cycles.map(canon).sort();
          expect(new Set(found).size).toBe(found.length);
          expect(found).toEqual(
            bruteCycles(
              g.n,
              Array.from(g.src, (s, e) => [s, g.dst[e]!]),
            ).sort(),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('balancing keeps the number of waves, keeps edges forward and respects the width when slack allows', () => {
    fc.assert(
      fc.property(graphArb, fc.integer({ min: 1, max: 4 }), (spec, width) => {
        const a = analyzeGraph(toInput(spec));
        const b = analyzeGraph(toInput(spec), { maxWidth: width });
        expect(b.waves.length).toBe(a.waves.length);
        const wave = new Map<string, number>();
        b.waves.forEach((w, i) => w.forEach((id) => wave.set(id, i)));
        expect(wave.size).toBe(spec.n);
        const cut = new Set(b.removedEdges.map((e) => `${e.from}>${e.to}`));
        for (const e of b.edges)
          if (!cut.has(`${e.from}>${e.to}`)) expect(wave.get(e.from)!).toBeLessThan(wave.get(e.to)!);
        b.waves.forEach((w, i) => {
          if (w.length > width) expect(b.stats.overfullWaves).toContain(i);
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('algorithms on known graphs', () => {
  it('cuts the type-only edge of a two-cycle rather than the call', () => {
    const a = analyzeGraph({
      nodes: [{ id: 'a' }, { id: 'b' }],
      edges: [
        { from: 'a', to: 'b', type: 'function_call' },
        { from: 'b', to: 'a', type: 'type' },
      ],
    });
    expect(a.removedEdges).toEqual([{ from: 'b', to: 'a', type: 'type', weight: 1 }]);
    expect(a.waves).toEqual([['a'], ['b']]);
    const flipped = analyzeGraph({
      nodes: [{ id: 'a' }, { id: 'b' }],
      edges: [
        { from: 'a', to: 'b', type: 'type' },
        { from: 'b', to: 'a', type: 'function_call' },
      ],
    });
    expect(flipped.removedEdges.map((e) => `${e.from}>${e.to}`)).toEqual(['a>b']);
  });

  it('cuts self-loops first and reports them as cycles of one node', () => {
    const a = analyzeGraph({ nodes: [{ id: 'x' }], edges: [{ from: 'x', to: 'x' }] });
    expect(a.cycles).toEqual([['x']]);
    expect(a.removedEdges).toHaveLength(1);
    expect(a.stats).toMatchObject({ selfLoops: 1, edgesRemoved: 1, waves: 1 });
  });

  it('computes statistics and the critical path', () => {
    const a = analyzeGraph({
      nodes: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id })),
      edges: [
        { from: 'a', to: 'b', type: 'import' },
        { from: 'b', to: 'c', type: 'function_call' },
        { from: 'a', to: 'd', type: 'type' },
        { from: 'c', to: 'a', type: 'variable' },
      ],
    });
    expect(a.cycles).toEqual([['a', 'b', 'c']]);
    expect(a.stats.edgesByType).toEqual({ function_call: 1, import: 1, type: 1, variable: 1 });
    expect(a.stats.edgesRemoved).toBe(1);
    expect(a.stats.waves).toBe(a.waves.length);
    expect(a.stats.meanParallelism).toBeCloseTo(5 / a.waves.length, 3);
    expect(a.criticalPath.length).toBe(a.waves.length);
  });

  it('handles a 300,000-node path and cycle without recursion limits', () => {
    const n = 300_000;
    const src = new Int32Array(n);
    const dst = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      src[i] = i;
      dst[i] = (i + 1) % n;
    }
    const ring = indexedFromPairs(n, src, dst);
    expect(stronglyConnectedComponents(ring).count).toBe(1);
    const fas = feedbackArcSet(ring);
    expect(fas.edges).toHaveLength(1);
    const path = indexedFromPairs(n, src.subarray(0, n - 1), dst.subarray(0, n - 1));
    const levels = kahnLevels(path);
    expect(levels.count).toBe(n);
    expect(balanceLevels(path, levels, 1).overfull).toEqual([]);
    expect(dfsBackEdges(ring)).toHaveLength(1);
  });

  it('stops listing cycles at the bound and says so', () => {
    // A complete digraph on 7 nodes has Σ C(7,k)(k−1)! = 2,365 elementary cycles.
    const nodes = Array.from({ length: 7 }, (_, i) => ({ id: `k${i}` }));
    const edges = nodes.flatMap((a) => nodes.filter((b) => b !== a).map((b) => ({ from: a.id, to: b.id })));
    const listing = listCycles(indexGraph({ nodes, edges }), 50);
    expect(listing.cycles).toHaveLength(50);
    expect(listing.truncated).toBe(true);
    expect(listCycles(indexGraph({ nodes, edges }), 5000).cycles).toHaveLength(2365);
  });
});

function bruteCycles(n: number, edges: [number, number][]): string[] {
  const adj = Array.from({ length: n }, () => new Set<number>());
  for (const [a, b] of edges) adj[a]!.add(b);
  const out: string[] = [];
  const path: number[] = [];
  const on = new Set<number>();
  const dfs = (start: number, v: number): void => {
    for (const w of [...adj[v]!].sort((x, y) => x - y)) {
      if (w === start) out.push([...path].join(','));
      else if (w > start && !on.has(w)) {
        path.push(w);
        on.add(w);
        dfs(start, w);
        path.pop();
        on.delete(w);
      }
    }
  };
  for (let s = 0; s < n; s++) {
    path.push(s);
    on.add(s);
    dfs(s, s);
    path.pop();
    on.delete(s);
  }
  return out;
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed | 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = Math.abs(x) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
