import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import { restrictGraph } from '../src/index.js';

function reach(graph: GraphInput, from: string): Set<string> {
  const out = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const e of graph.edges)
      if (e.from === u && !out.has(e.to)) {
        out.add(e.to);
        stack.push(e.to);
      }
  }
  return out;
}

describe('restrictGraph (--only-matching)', () => {
  it('keeps exactly the selected nodes and every order between them, also through dropped nodes (property)', () => {
    const dag = fc.integer({ min: 1, max: 14 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 40 }),
        keep: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(dag, ({ n, edges, keep }) => {
        const graph: GraphInput = {
          nodes: Array.from({ length: n }, (_, i) => ({ id: `v${i}` })),
          // Lower index before higher: acyclic.
          edges: edges.filter(([a, b]) => a < b).map(([a, b]) => ({ from: `v${a}`, to: `v${b}` })),
        };
        const kept = graph.nodes.filter((_, i) => keep[i]).map((x) => x.id);
        const restricted = restrictGraph(graph, (node) => kept.includes(node.id));
        expect(restricted.nodes.map((x) => x.id)).toEqual(kept);
        for (const a of kept) {
          const before = [...reach(graph, a)].filter((x) => kept.includes(x)).sort();
          expect([...reach(restricted, a)].sort()).toEqual(before);
        }
        for (const e of restricted.edges) expect(kept.includes(e.from) && kept.includes(e.to)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an edge between kept nodes as it was, and marks a bridged order as a dependency', () => {
    const graph: GraphInput = {
      nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      edges: [
        { from: 'a', to: 'b', type: 'function_call' },
        { from: 'b', to: 'c', type: 'variable' },
      ],
    };
    expect(restrictGraph(graph, (x) => x.id !== 'b').edges).toEqual([{ from: 'a', to: 'c', type: 'dependency' }]);
    expect(restrictGraph(graph, (x) => x.id !== 'c').edges).toEqual([{ from: 'a', to: 'b', type: 'function_call' }]);
  });

  it('bridges a chain of 200,000 dropped nodes without recursion, and ends on a cycle of dropped nodes', () => {
    const n = 200_000;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
    const edges = nodes.slice(1).map((x, i) => ({ from: nodes[i]!.id, to: x.id }));
    const r = restrictGraph({ nodes, edges }, (x) => x.id === 'n0' || x.id === `n${n - 1}`);
    expect(r.edges).toEqual([{ from: 'n0', to: `n${n - 1}`, type: 'dependency' }]);
    const cyclic = restrictGraph(
      {
        nodes: [{ id: 'k' }, { id: 'x' }, { id: 'y' }, { id: 'z' }],
        edges: [
          { from: 'k', to: 'x' },
          { from: 'x', to: 'y' },
          { from: 'y', to: 'x' },
          { from: 'y', to: 'z' },
        ],
      },
      (x) => x.id === 'k' || x.id === 'z',
    );
    expect(cyclic.edges).toEqual([{ from: 'k', to: 'z', type: 'dependency' }]);
  });
});
