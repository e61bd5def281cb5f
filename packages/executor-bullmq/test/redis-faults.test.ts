import { describe, expect, it } from 'vitest';
import { createFileRunStore, execute, type RunNode } from '@st3/executor';
import { bullmqBackend } from '../src/index.js';
import { startRedisServer } from '../src/testing.js';
import { tempDir, workers } from './helpers.js';

const graph = {
  nodes: Array.from({ length: 40 }, (_, i) => ({ id: `r${String(i).padStart(2, '0')}` })),
  edges: Array.from({ length: 39 }, (_, i) => ({
    from: `r${String(i).padStart(2, '0')}`,
    to: `r${String(i + 1).padStart(2, '0')}`,
  })).filter((_, i) => i % 4 !== 3),
};

function slowRunner(calls: Map<string, number>, ms: number, inFlight = new Set<string>()): RunNode<unknown> {
  return async (node) => {
    calls.set(node.id, (calls.get(node.id) ?? 0) + 1);
    inFlight.add(node.id);
    await new Promise((r) => setTimeout(r, ms));
    inFlight.delete(node.id);
    return { id: node.id };
  };
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Redis restarted mid-run', () => {
  it('continues when Redis comes back within the grace period (append-only file kept)', async () => {
    const redis = await startRedisServer({ persistence: true });
    const calls = new Map<string, number>();
    const inFlight = new Set<string>();
    const runner = slowRunner(calls, 60, inFlight);
    const pool = await workers(redis.url, 2, runner, {
      queue: 'restart',
      // Long enough that a worker slowed by a loaded machine keeps its locks: a rerun here must come from the
      // restart, not from a lock that lapsed while the worker's event loop was busy.
      lockDurationMs: 10_000,
      stalledIntervalMs: 2000,
    });
    const notices: string[] = [];
    try {
      const running = execute(graph, runner, {
        concurrency: 4,
        backend: bullmqBackend({
          redis: redis.url,
          queue: 'restart',
          pollMs: 200,
          unavailableAfterMs: 20_000,
          onNotice: (n) => notices.push(n.type),
        }),
      });
      await until(() => calls.size >= 8);
      await redis.stop();
      // Longer than one health check may wait (2 s): a shorter outage is absorbed by ioredis' offline queue
      // and the coordinator rightly never reports it.
      await new Promise((r) => setTimeout(r, 3500));
      await redis.start();
      const result = await running;
      expect(result.status).toBe('succeeded');
      expect(notices).toContain('redis-down');
      expect(notices).toContain('redis-up');
      // Every node ran to success. Jobs may run more than once around an outage (BullMQ is at-least-once; the
      // change checkpoints make a rerun safe). Under heavy load a job that had finished before the outage has
      // been seen to run again (open finding on issue 19), so which jobs rerun is not asserted here; the
      // no-redo guarantee is the resume test below.
      expect(calls.size).toBe(graph.nodes.length);
      expect(Object.values(result.nodes).every((s) => s.status === 'succeeded')).toBe(true);
    } finally {
      await Promise.all(pool.map((w) => w.close(true)));
      await redis.dispose();
    }
  });

  it('stops with E_REDIS_UNAVAILABLE and a resumable record when Redis stays away; --resume finishes without redoing', async () => {
    await using tmp = await tempDir();
    const store = createFileRunStore(tmp.dir);
    const redis = await startRedisServer({ persistence: true });
    const calls = new Map<string, number>();
    const runner = slowRunner(calls, 60);
    const pool = await workers(redis.url, 2, runner, { queue: 'down' });
    try {
      const running = execute(graph, runner, {
        runId: 'run-down-1',
        store,
        concurrency: 4,
        backend: bullmqBackend({ redis: redis.url, queue: 'down', pollMs: 200, unavailableAfterMs: 2000 }),
      });
      await until(() => calls.size >= 8);
      await redis.kill();
      const started = Date.now();
      await expect(running).rejects.toMatchObject({
        code: 'E_REDIS_UNAVAILABLE',
        hint: expect.stringContaining('st3 execute --resume run-down-1'),
      });
      expect(Date.now() - started).toBeLessThan(15_000);
      const saved = await store.load('run-down-1');
      const done = Object.entries(saved.nodes).filter(([, s]) => s.status === 'succeeded');
      expect(done.length).toBeGreaterThan(0);
      expect(done.length).toBeLessThan(graph.nodes.length);

      await redis.start();
      const before = new Map(calls);
      const resumed = await execute(graph, runner, {
        store,
        resume: saved,
        concurrency: 4,
        backend: bullmqBackend({ redis: redis.url, queue: 'down', pollMs: 200 }),
      });
      expect(resumed.status).toBe('succeeded');
      for (const [id] of done) expect(calls.get(id)).toBe(before.get(id));
      expect(resumed.stats.reused).toBe(done.length);
    } finally {
      await Promise.all(pool.map((w) => w.close(true)));
      await redis.dispose();
    }
  });
});
