import { describe, expect, it } from 'vitest';
import { aggregate, createCollector } from '@st3/telemetry';
import type { GraphInput } from '@st3/schemas';
import { createVirtualClock, execute } from '../src/index.js';

const graph: GraphInput = {
  nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }],
  edges: [
    { from: 'a', to: 'b' },
    { from: 'c', to: 'd' },
  ],
};

describe('execute: telemetry handle', () => {
  it('reports nodes, attempts, retries, failures and durations to the collector passed in', async () => {
    const clock = createVirtualClock({ auto: true });
    const telemetry = createCollector({ agent: 'executor' });
    let flaky = 0;
    const r = await execute(
      graph,
      async (node, ctx) => {
        await clock.sleep(10, ctx.signal);
        if (node.id === 'a' && flaky++ === 0) throw new Error('ECONNRESET socket hang up');
        if (node.id === 'c') throw new Error('AssertionError: expected 1 to be 2');
      },
      { clock, retries: 1, random: () => 0.5, telemetry },
    );
    const agg = aggregate([telemetry.snapshot()]);
    const counter = (name: string) => agg.counters.get(name) ?? 0;
    // a: 2 attempts (retry), b: 1, c: 2 attempts (failed after its retry), d: skipped.
    expect(r.stats).toMatchObject({ attempts: 5, failed: 1, skipped: 1 });
    expect(counter('executor.attempts')).toBe(r.stats.attempts);
    expect(counter('executor.retries')).toBe(r.stats.retries);
    expect(counter('executor.nodes')).toBe(3);
    expect(counter('executor.failed')).toBe(1);
    expect(counter('executor.skipped')).toBe(1);
    const durations = agg.histograms.find((h) => h.name === 'executor.node_duration_ms');
    expect(durations?.count).toBe(2);
    expect(agg.histograms.find((h) => h.name === 'executor.run_duration_ms')?.sum).toBe(r.stats.durationMs);
  });

  it('passes every event on to onEvent when a handle is set', async () => {
    const run = async (withTelemetry: boolean) => {
      const seen: string[] = [];
      await execute(graph, async () => undefined, {
        onEvent: (e) => seen.push(e.type),
        ...(withTelemetry ? { telemetry: createCollector({ agent: 'x' }) } : {}),
      });
      return seen;
    };
    expect(await run(true)).toEqual(await run(false));
  });
});
