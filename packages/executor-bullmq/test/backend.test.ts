import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileRunStore, execute, type RunNode } from '@st3/executor';
import { bullmqBackend, startWorker } from '../src/index.js';
import { startRedisServer, type RedisServer } from '../src/testing.js';
import { comparableRun } from '@st3/executor/testing';
import { deterministicRunner, graphOf, tempDir, workers } from './helpers.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.dispose();
});

const fast = { backoff: { baseMs: 20 }, random: () => 0.5 };

describe('bullmqBackend', () => {
  it('runs a graph on workers with the same outcome, attempts and statistics as the local backend', async () => {
    const graph = graphOf(80, 7);
    const local = await execute(graph, deterministicRunner(graph), { ...fast, concurrency: 8 });
    const pool = await workers(redis.url, 3, deterministicRunner(graph), { queue: 'same-as-local' });
    try {
      const remote = await execute(graph, deterministicRunner(graph), {
        ...fast,
        concurrency: 8,
        backend: bullmqBackend({ redis: redis.url, queue: 'same-as-local', pollMs: 200 }),
      });
      expect(remote.stats.failed).toBeGreaterThan(0);
      expect(remote.stats.retries).toBeGreaterThan(0);
      expect(comparableRun(remote, { backoff: false })).toEqual(comparableRun(local, { backoff: false }));
    } finally {
      await Promise.all(pool.map((w) => w.close()));
    }
  });

  it('runs wave by wave with --mode waves', async () => {
    const graph = graphOf(30, 3);
    const order: string[] = [];
    const runner: RunNode<unknown> = async (node) => {
      order.push(node.id);
      return { id: node.id };
    };
    const pool = await workers(redis.url, 2, runner, { queue: 'waves' });
    try {
      const waves: number[] = [];
      const result = await execute(graph, runner, {
        mode: 'waves',
        backend: bullmqBackend({ redis: redis.url, queue: 'waves', pollMs: 200 }),
        onEvent: (e) => void (e.type === 'wave:start' && waves.push(e.wave)),
      });
      expect(result.status).toBe('succeeded');
      expect(waves.length).toBe(result.stats.waves);
      // Every node ran after all of its dependencies.
      for (const e of graph.edges) expect(order.indexOf(e.from)).toBeLessThan(order.indexOf(e.to));
    } finally {
      await Promise.all(pool.map((w) => w.close()));
    }
  });

  it('saves the run record before the first job and records what workers checkpoint', async () => {
    await using tmp = await tempDir();
    const store = createFileRunStore(tmp.dir);
    const graph = { nodes: [{ id: 'a', path: 'a.ts' }], edges: [] };
    const seen: string[] = [];
    const runner: RunNode<unknown> = async (node, ctx) => {
      // The record exists when the worker starts, and the checkpoint reaches it before the node ends.
      seen.push((await store.load(runId)).nodes.a!.status);
      const change = { file: 'a.ts', outcome: 'applying' as const, beforeSha256: 'x', afterSha256: 'y', diff: '' };
      await ctx.checkpoint(change);
      await new Promise((r) => setTimeout(r, 400));
      seen.push((await store.load(runId)).nodes.a!.change?.outcome ?? '-');
      return { change: { ...change, outcome: 'applied' as const } };
    };
    const runId = 'run-checkpoint-1';
    const pool = await workers(redis.url, 1, runner, { queue: 'checkpoint' });
    try {
      const result = await execute(graph, runner, {
        runId,
        store,
        backend: bullmqBackend({ redis: redis.url, queue: 'checkpoint', pollMs: 100 }),
      });
      expect(result.status).toBe('succeeded');
      // The record existed when the worker started (the node's "running" may still be on its way).
      expect(['pending', 'running']).toContain(seen[0]);
      expect(seen[1]).toBe('applying');
      expect((await store.load(runId)).nodes.a!.change?.outcome).toBe('applied');
    } finally {
      await Promise.all(pool.map((w) => w.close()));
    }
  });

  it('adopts on resume the job a worker finished while no coordinator recorded it (nothing runs twice)', async () => {
    const graph = graphOf(12, 5);
    const calls = new Map<string, number>();
    const runner = deterministicRunner(graph, calls);
    const pool = await workers(redis.url, 2, runner, { queue: 'adopt' });
    try {
      const backend = () => bullmqBackend({ redis: redis.url, queue: 'adopt', pollMs: 100 });
      const first = await execute(graph, runner, { ...fast, runId: 'run-adopt-1', backend: backend() });
      // As if the coordinator had died before recording n003 and n004: their state says "running".
      const state = structuredClone(first.state);
      for (const id of ['n003', 'n004']) state.nodes[id] = { status: 'running', attempts: [] };
      const before = new Map(calls);
      const resumed = await execute(graph, runner, { ...fast, resume: state, backend: backend() });
      expect(resumed.nodes.n003!.status).toBe(first.nodes.n003!.status);
      expect(resumed.nodes.n004!.attempts.length).toBe(first.nodes.n004!.attempts.length);
      // Nodes that had succeeded were taken from the queue, not run again; failed ones ran again.
      for (const id of ['n003', 'n004'])
        if (first.nodes[id]!.status === 'succeeded') expect(calls.get(id)).toBe(before.get(id));
      const failed = Object.entries(first.nodes).filter(([, s]) => s.status === 'failed');
      for (const [id] of failed) expect(calls.get(id)).toBeGreaterThan(before.get(id) ?? 0);
    } finally {
      await Promise.all(pool.map((w) => w.close()));
    }
  });

  it('cancels: waiting jobs are removed, running attempts are aborted, the run ends cancelled', async () => {
    const graph = { nodes: Array.from({ length: 10 }, (_, i) => ({ id: `c${i}` })), edges: [] };
    let started = 0;
    let aborted = 0;
    const runner: RunNode<unknown> = (_node, ctx) =>
      new Promise((_, reject) => {
        started++;
        ctx.signal.addEventListener('abort', () => {
          aborted++;
          reject(new Error('aborted'));
        });
      });
    const pool = await workers(redis.url, 1, runner, { queue: 'cancel' });
    const controller = new AbortController();
    try {
      const running = execute(graph, runner, {
        signal: controller.signal,
        backend: bullmqBackend({ redis: redis.url, queue: 'cancel', pollMs: 100 }),
      });
      while (started < 2) await new Promise((r) => setTimeout(r, 20));
      controller.abort(new Error('stop'));
      const result = await running;
      expect(result.status).toBe('cancelled');
      expect(aborted).toBe(2);
      expect(started).toBeLessThanOrEqual(4);
      expect(Object.values(result.nodes).every((s) => s.status === 'cancelled')).toBe(true);
    } finally {
      await Promise.all(pool.map((w) => w.close()));
    }
  });

  it('fails a node whose worker cannot serve its run, without retrying it', async () => {
    const graph = { nodes: [{ id: 'x' }, { id: 'y' }], edges: [{ from: 'x', to: 'y' }] };
    const worker = await startWorker({
      redis: redis.url,
      queue: 'refuse',
      runnerFor: async () => {
        throw Object.assign(new Error('this workspace has no run'), { code: 'E_WORKER_WORKSPACE' });
      },
    });
    await worker.ready;
    try {
      const result = await execute(graph, async () => 'never', {
        backend: bullmqBackend({ redis: redis.url, queue: 'refuse', pollMs: 100 }),
      });
      expect(result.nodes.x!.status).toBe('failed');
      expect(result.nodes.x!.error?.category).toBe('dependency');
      expect(result.nodes.x!.error?.code).toBe('E_WORKER_JOB');
      expect(result.nodes.x!.error?.message).toMatch(/E_WORKER_WORKSPACE: this workspace has no run/);
      expect(result.nodes.y!.status).toBe('skipped');
    } finally {
      await worker.close();
    }
  });

  it('refuses a bad URL (E_REDIS_URL) and an unreachable Redis (E_REDIS_UNAVAILABLE) with clear errors', async () => {
    expect(() => bullmqBackend({ redis: 'http://127.0.0.1:6379' })).toThrow(
      expect.objectContaining({ code: 'E_REDIS_URL' }),
    );
    const dead = await startRedisServer({ persistence: false });
    const url = dead.url;
    await dead.dispose();
    const started = Date.now();
    await expect(
      execute({ nodes: [{ id: 'a' }], edges: [] }, async () => 1, { backend: bullmqBackend({ redis: url }) }),
    ).rejects.toMatchObject({ code: 'E_REDIS_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
