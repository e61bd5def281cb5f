import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { GraphInput } from '@st3/schemas';
import { createVirtualClock, execute } from '../src/index.js';

/** A random DAG: edges only go from a lower to a higher rank; ids are shuffled so rank ≠ id order. */
const dagArb = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc.record({
    ids: fc.shuffledSubarray(
      Array.from({ length: n }, (_, i) => `n${i}`),
      { minLength: n, maxLength: n },
    ),
    pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 }),
    failing: fc.array(fc.nat(n - 1), { maxLength: 3 }),
    durations: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: n, maxLength: n }),
    concurrency: fc.integer({ min: 1, max: 6 }),
    mode: fc.constantFrom('eager' as const, 'waves' as const),
  }),
);

function build(ids: string[], pairs: [number, number][]): GraphInput {
  const edges = pairs
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => ({ from: ids[Math.min(a, b)]!, to: ids[Math.max(a, b)]! }));
  return { nodes: ids.map((id) => ({ id })), edges };
}

async function runOnce(c: {
  ids: string[];
  pairs: [number, number][];
  failing: number[];
  durations: number[];
  concurrency: number;
  mode: 'eager' | 'waves';
}) {
  const graph = build(c.ids, c.pairs);
  const failing = new Set(c.failing.map((i) => c.ids[i]!));
  const deps = new Map<string, string[]>();
  for (const e of graph.edges) deps.set(e.to, [...(deps.get(e.to) ?? []), e.from]);
  const clock = createVirtualClock({ auto: true });
  const finishedOk = new Set<string>();
  const calls: string[] = [];
  const violations: string[] = [];
  const result = await execute(
    graph,
    async (node, ctx) => {
      calls.push(node.id);
      for (const d of deps.get(node.id) ?? [])
        if (!finishedOk.has(d)) violations.push(`${node.id} started before ${d} succeeded`);
      await clock.sleep(c.durations[c.ids.indexOf(node.id)]!, ctx.signal);
      if (failing.has(node.id)) throw new Error('AssertionError: planned failure');
      finishedOk.add(node.id);
    },
    { clock, retries: 0, concurrency: c.concurrency, mode: c.mode },
  );
  return { graph, failing, deps, calls, violations, result };
}

describe('execute on random DAGs (property)', () => {
  it('runs every node at most once, after its dependencies; skips exactly the dependents of failures', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, async (c) => {
        const { graph, failing, deps, calls, violations, result } = await runOnce(c);
        expect(violations).toEqual([]);
        expect(new Set(calls).size).toBe(calls.length);
        // Expected outcome, computed independently: a node is skipped iff one of its ancestors failed.
        const status = new Map<string, string>();
        const resolveStatus = (id: string): string => {
          const known = status.get(id);
          if (known) return known;
          const blocked = (deps.get(id) ?? []).some((d) => resolveStatus(d) !== 'succeeded');
          const s = blocked ? 'skipped' : failing.has(id) ? 'failed' : 'succeeded';
          status.set(id, s);
          return s;
        };
        for (const n of graph.nodes) expect(result.nodes[n.id]!.status).toBe(resolveStatus(n.id));
        expect(calls.length).toBe(result.stats.succeeded + result.stats.failed);
        expect(result.stats.succeeded + result.stats.failed + result.stats.skipped).toBe(graph.nodes.length);
        expect(result.stats.peakConcurrency).toBeLessThanOrEqual(c.concurrency);
      }),
      { numRuns: 150 },
    );
  });

  it('is deterministic: the same graph and durations give the same start order and makespan', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, async (c) => {
        const a = await runOnce(c);
        const b = await runOnce(c);
        expect(b.calls).toEqual(a.calls);
        expect(b.result.stats.durationMs).toBe(a.result.stats.durationMs);
      }),
      { numRuns: 60 },
    );
  });

  it('eager scheduling never takes longer than wave barriers without failures', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, async (c) => {
        const eager = await runOnce({ ...c, failing: [], mode: 'eager', concurrency: 1000 });
        const waves = await runOnce({ ...c, failing: [], mode: 'waves', concurrency: 1000 });
        expect(eager.result.stats.durationMs).toBeLessThanOrEqual(waves.result.stats.durationMs);
      }),
      { numRuns: 80 },
    );
  });

  it('a resumed run runs exactly the nodes that did not succeed, and then all succeed', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb, async (c) => {
        const first = await runOnce(c);
        const calls: string[] = [];
        const clock = createVirtualClock({ auto: true });
        const second = await execute(first.graph, async (node) => void calls.push(node.id), {
          clock,
          resume: first.result.state,
          retries: 0,
        });
        const notSucceeded = first.graph.nodes
          .map((n) => n.id)
          .filter((id) => first.result.nodes[id]!.status !== 'succeeded');
        expect(calls.sort()).toEqual(notSucceeded.sort());
        expect(second.status).toBe('succeeded');
        expect(second.stats.reused).toBe(first.result.stats.succeeded);
      }),
      { numRuns: 80 },
    );
  });
});
