import { describe, expect, it } from 'vitest';
import { isSt3Error, type GraphInput } from '@st3/schemas';
import { createVirtualClock, execute, type ExecuteEvent } from '../src/index.js';

const g = (ids: string[], edges: [string, string][]): GraphInput => ({
  nodes: ids.map((id) => ({ id })),
  edges: edges.map(([from, to]) => ({ from, to })),
});
const noJitter = () => 0.5;

describe('execute: scheduling', () => {
  it('runs every node after its dependencies and reports statistics', async () => {
    const graph = g(
      ['a', 'b', 'c', 'd'],
      [
        ['a', 'b'],
        ['a', 'c'],
        ['b', 'd'],
        ['c', 'd'],
      ],
    );
    const order: string[] = [];
    const r = await execute(graph, async (node) => {
      order.push(node.id);
      return node.id.toUpperCase();
    });
    expect(r.status).toBe('succeeded');
    expect(order[0]).toBe('a');
    expect(order[3]).toBe('d');
    expect(r.stats).toMatchObject({
      total: 4,
      succeeded: 4,
      failed: 0,
      skipped: 0,
      attempts: 4,
      retries: 0,
      waves: 3,
      criticalPath: 3,
    });
    expect(r.nodes.d!.result).toBe('D');
  });

  it('eager mode starts a node as soon as its own dependencies finish; waves mode waits for the whole wave', async () => {
    // a (10) → c (10); b (100). Eager: c starts at 10; waves: c starts after b at 100.
    const graph = g(['a', 'b', 'c'], [['a', 'c']]);
    const durations: Record<string, number> = { a: 10, b: 100, c: 10 };
    for (const [mode, expected] of [
      ['eager', 100],
      ['waves', 110],
    ] as const) {
      const clock = createVirtualClock({ auto: true });
      const starts: Record<string, number> = {};
      const r = await execute(
        graph,
        async (node, ctx) => {
          starts[node.id] = clock.now();
          await clock.sleep(durations[node.id]!, ctx.signal);
        },
        { clock, mode },
      );
      expect(r.stats.durationMs).toBe(expected);
      expect(starts.c).toBe(mode === 'eager' ? 10 : 100);
    }
  });

  it('never runs more than `concurrency` nodes at once', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    const clock = createVirtualClock({ auto: true });
    let running = 0;
    let peak = 0;
    const r = await execute(
      g(ids, []),
      async (_n, ctx) => {
        peak = Math.max(peak, ++running);
        await clock.sleep(5, ctx.signal);
        running--;
      },
      { clock, concurrency: 3 },
    );
    expect(peak).toBe(3);
    expect(r.stats.peakConcurrency).toBe(3);
    expect(r.stats.durationMs).toBe(35); // ceil(20 / 3) rounds of 5 ms
  });

  it('isolates failures: dependents are skipped with the reason, independent work continues', async () => {
    const graph = g(
      ['a', 'b', 'c', 'x', 'y'],
      [
        ['a', 'b'],
        ['b', 'c'],
        ['x', 'y'],
      ],
    );
    const events: ExecuteEvent[] = [];
    const r = await execute(
      graph,
      async (node) => {
        if (node.id === 'a') throw new Error('AssertionError: expected 2 but got 3');
      },
      { retries: 0, onEvent: (e) => events.push(e) },
    );
    expect(r.status).toBe('failed');
    expect(r.nodes.a).toMatchObject({ status: 'failed', error: { category: 'logic' } });
    expect(r.nodes.b!.skipped).toEqual({
      because: 'a',
      via: 'a',
      reason: 'dependency a failed: AssertionError: expected 2 but got 3',
    });
    expect(r.nodes.c!.skipped).toMatchObject({ because: 'a', via: 'b' });
    expect(r.nodes.y!.status).toBe('succeeded');
    expect(r.stats).toMatchObject({ succeeded: 2, failed: 1, skipped: 2 });
    expect(
      events
        .filter((e) => e.type === 'node:skip')
        .map((e) => (e as { id: string }).id)
        .sort(),
    ).toEqual(['b', 'c']);
    expect(events.at(-1)).toMatchObject({ type: 'run:end', status: 'failed' });
  });

  it('rejects cycles, unknown nodes and duplicate ids with E_EXEC_GRAPH_INVALID', async () => {
    const run = (graph: GraphInput) => execute(graph, async () => undefined);
    for (const bad of [
      g(
        ['a', 'b'],
        [
          ['a', 'b'],
          ['b', 'a'],
        ],
      ),
      g(['a'], [['a', 'z']]),
      g(['a', 'a'], []),
      g(['a'], [['a', 'a']]),
    ]) {
      await expect(run(bad)).rejects.toSatisfy((e: unknown) => isSt3Error(e, 'E_EXEC_GRAPH_INVALID'));
    }
  });

  it('ignores edges that `st3 graph` removed to break cycles', async () => {
    const graph = {
      ...g(
        ['a', 'b'],
        [
          ['a', 'b'],
          ['b', 'a'],
        ],
      ),
      removedEdges: [{ from: 'b', to: 'a' }],
    };
    const r = await execute(graph, async () => undefined);
    expect(r.status).toBe('succeeded');
  });
});

describe('execute: timeouts and cancellation', () => {
  it('aborts an attempt at its timeout, classifies it and retries with twice the time', async () => {
    const clock = createVirtualClock({ auto: true });
    const seen: number[] = [];
    const r = await execute(
      g(['slow'], []),
      async (_n, ctx) => {
        seen.push(ctx.timeoutMs!);
        await clock.sleep(150, ctx.signal);
      },
      { clock, timeoutMs: 100, retries: 1, random: noJitter },
    );
    expect(seen).toEqual([100, 200]);
    expect(r.nodes.slow!.attempts.map((a) => a.ok)).toEqual([false, true]);
    expect(r.nodes.slow!.attempts[0]!.error).toMatchObject({ category: 'timeout', retryable: true });
  });

  it('a runNode that ignores its signal still times out', async () => {
    const clock = createVirtualClock({ auto: true });
    const r = await execute(g(['stuck'], []), () => new Promise(() => undefined), { clock, timeoutMs: 50, retries: 0 });
    expect(r.nodes.stuck).toMatchObject({ status: 'failed', error: { category: 'timeout' } });
  });

  it('cancelling the run aborts running nodes and leaves the rest cancelled', async () => {
    const clock = createVirtualClock({ auto: true });
    const controller = new AbortController();
    const graph = g(
      ['a', 'b', 'c'],
      [
        ['a', 'b'],
        ['b', 'c'],
      ],
    );
    const r = await execute(
      graph,
      async (node, ctx) => {
        if (node.id === 'b') controller.abort();
        await clock.sleep(10, ctx.signal);
      },
      { clock, signal: controller.signal },
    );
    expect(r.status).toBe('cancelled');
    expect(r.nodes.a!.status).toBe('succeeded');
    expect(r.nodes.b!.status).toBe('cancelled');
    expect(r.nodes.c!.status).toBe('cancelled');
    expect(r.stats.cancelled).toBe(2);
  });
});
