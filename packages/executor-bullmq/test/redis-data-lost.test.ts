import { describe, expect, it } from 'vitest';
import { execute, type RunNode } from '@st3/executor';
import { bullmqBackend } from '../src/index.js';
import { startRedisServer } from '../src/testing.js';
import { workers } from './helpers.js';

const graph = { nodes: Array.from({ length: 10 }, (_, i) => ({ id: `q${i}` })), edges: [] };

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Redis restarted without its data mid-run', () => {
  it('re-enqueues each lost job once: a node that was only waiting runs exactly once', async () => {
    const redis = await startRedisServer({ persistence: false });
    const calls = new Map<string, number>();
    const inFlight = new Set<string>();
    const runner: RunNode<unknown> = async (node) => {
      calls.set(node.id, (calls.get(node.id) ?? 0) + 1);
      inFlight.add(node.id);
      await new Promise((r) => setTimeout(r, 400));
      inFlight.delete(node.id);
      return { id: node.id };
    };
    // One worker running two jobs at once: at the crash most nodes are waiting in the queue, not running.
    const pool = await workers(redis.url, 1, runner, { queue: 'lost', lockDurationMs: 10_000 });
    const notices: string[] = [];
    try {
      const running = execute(graph, runner, {
        backend: bullmqBackend({
          redis: redis.url,
          queue: 'lost',
          // Frequent polls: several look at the jobs while Redis is away and all answer when it is back.
          pollMs: 100,
          unavailableAfterMs: 20_000,
          onNotice: (n) => notices.push(n.type === 'lost' ? `lost ${n.nodeId}` : n.type),
        }),
      });
      await until(() => inFlight.size >= 2);
      const runningAtCrash = new Set(inFlight);
      const startedBefore = new Set(calls.keys());
      await redis.kill();
      await new Promise((r) => setTimeout(r, 3000));
      await redis.start();
      const result = await running;
      expect(result.status).toBe('succeeded');
      // Jobs running at the crash may run again (at-least-once); every other node runs exactly once.
      for (const { id } of graph.nodes) {
        if (runningAtCrash.has(id) || startedBefore.has(id)) expect(calls.get(id)).toBeLessThanOrEqual(2);
        else expect(calls.get(id), `${id} ran ${calls.get(id)} times; notices: ${notices.join(', ')}`).toBe(1);
      }
      // Each node's job is lost once (with the data), never re-enqueued again for a job that was being added.
      const lost = notices.filter((n) => n.startsWith('lost '));
      expect(new Set(lost).size).toBe(lost.length);
    } finally {
      await Promise.all(pool.map((w) => w.close(true)));
      await redis.dispose();
    }
  }, 60_000);
});
