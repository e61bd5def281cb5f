import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '@st3/executor-bullmq/testing';
import { startFakeOpenAi } from '../../packages/executor/test/fake-openai.js';
import { json, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

/**
 * `st3 execute --backend bullmq` with `st3 worker` processes, through the built binary, on a real
 * redis-server this file starts on 127.0.0.1 and a free port (missing redis-server fails the file).
 */

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer({ persistence: false });
});
afterAll(async () => {
  await redis?.dispose();
});

interface Worker {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

/** An `st3 worker` process on `dir` (ready once it printed its serving line). */
async function startWorker(dir: string, queue: string, extra: string[] = []): Promise<Worker> {
  const child = spawn(
    process.execPath,
    [st3Bin, 'worker', '--redis', redis.url, '--queue', queue, '--cwd', dir, ...extra],
    { env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  await until(async () => /serving/.test(stdout) || child.exitCode !== null);
  if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}: ${stderr}`);
  return { child, stdout: () => stdout, stderr: () => stderr };
}

async function stopAll(workers: Worker[]): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((r) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return r();
          w.child.once('close', () => r());
          w.child.kill('SIGKILL');
        }),
    ),
  );
}

async function until(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A deterministic graph of `n` nodes, each with up to two dependencies among the earlier ones. */
function graphOf(n: number) {
  const id = (i: number) => `n${String(i).padStart(3, '0')}`;
  const nodes = Array.from({ length: n }, (_, i) => ({ id: id(i) }));
  const edges: { from: string; to: string }[] = [];
  for (let i = 1; i < n; i++) {
    edges.push({ from: id((i * 7919) % i), to: id(i) });
    if (i % 3 === 0 && i > 2) edges.push({ from: id(i - 2), to: id(i) });
  }
  return { nodes, edges };
}

const lines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

/** What must not depend on the backend: per node status, attempts, error and skip reason; the counts. */
function comparable(doc: any, record: any) {
  const nodes = Object.fromEntries(
    Object.entries(record.nodes as Record<string, any>).map(([id, s]) => [
      id,
      {
        status: s.status,
        attempts: s.attempts.map((a: any) => ({ ok: a.ok, params: a.params, category: a.error?.category })),
        error: s.error ? { category: s.error.category, code: s.error.code } : undefined,
        skipped: s.skipped,
      },
    ]),
  );
  const { succeeded, failed, skipped, attempts, retries, total } = doc.stats;
  return { status: doc.status, nodes, stats: { succeeded, failed, skipped, attempts, retries, total } };
}

describe('st3 execute --backend bullmq with st3 worker processes', () => {
  it('runs a 500-node graph on 3 workers to the same run record as the local backend; the totals add up', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3'));
      await writeFile(join(dir, 'graph.json'), JSON.stringify(graphOf(500)));
      // Nodes ending in 7 fail every attempt (their dependents are skipped); the others succeed.
      const run = `expr {id} : '.*[^7]$'`;
      const common = ['execute', 'graph.json', '--run', run, '--retries', '1', '--backoff', '0', '--json'];
      const local = await runSt3([...common, '--cwd', dir]);
      expect(local.code, local.stderr).toBe(1);
      const workers = await Promise.all([1, 2, 3].map(() => startWorker(dir, 'big', ['--concurrency', '4'])));
      try {
        const remote = await runSt3([
          ...common,
          '--cwd',
          dir,
          '--backend',
          'bullmq',
          '--redis',
          redis.url,
          '--queue',
          'big',
        ]);
        expect(remote.code, remote.stderr).toBe(1);
        const [l, r] = [json(local), json(remote)];
        const [lr, rr] = await Promise.all(
          [l, r].map(async (d) => JSON.parse(await readFile(d.stateFile, 'utf8')) as any),
        );
        expect(rr.options.backend).toBe('bullmq');
        expect(comparable(r, rr)).toEqual(comparable(l, lr));
        expect(r.stats.succeeded).toBeGreaterThan(300);
        expect(r.stats.failed).toBe(50);
        // Every run adds to the execution totals; nothing resets.
        const totals = JSON.parse(await readFile(join(dir, '.st3/telemetry/execution-metrics.json'), 'utf8'));
        const counter = (name: string) =>
          totals.counters.filter((c: any) => c.name === name).reduce((s: number, c: any) => s + c.value, 0);
        expect(counter('st3_v2_atoms_generated_total')).toBe(2 * l.stats.succeeded);
        expect(counter('st3_v2_atoms_failed_total')).toBe(2 * l.stats.failed);
        expect(counter('st3_v2_runs_total')).toBe(2);
        expect(
          totals.counters.find((c: any) => c.name === 'st3_v2_runs_total' && c.labels.backend === 'bullmq'),
        ).toBeTruthy();
      } finally {
        await stopAll(workers);
      }
    });
  }, 240_000);

  it("finishes a SIGKILLed worker's jobs on the other workers (stalled-job recovery)", async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3'));
      const nodes = Array.from({ length: 12 }, (_, i) => ({ id: `k${i}` }));
      await writeFile(join(dir, 'graph.json'), JSON.stringify({ nodes, edges: [] }));
      const run = `sh -c "echo {id} >> runs.log; sleep 0.6"`;
      // The victim is alone on the queue at first, so it surely holds jobs when it dies.
      const victim = await startWorker(dir, 'kill', ['--concurrency', '2', '--stalled-after', '5']);
      const coordinator = runSt3([
        ...['execute', 'graph.json', '--run', run, '--backend', 'bullmq', '--redis', redis.url, '--queue', 'kill'],
        ...['--json', '--cwd', dir],
      ]);
      const others: Worker[] = [];
      try {
        await until(async () => (await lines(join(dir, 'runs.log'))).length >= 2);
        const heldByVictim = await lines(join(dir, 'runs.log'));
        victim.child.kill('SIGKILL');
        for (let i = 0; i < 2; i++)
          others.push(await startWorker(dir, 'kill', ['--concurrency', '3', '--stalled-after', '5']));
        const result = await coordinator;
        expect(result.code, result.stderr + result.stdout.slice(-3000)).toBe(0);
        const doc = json(result);
        expect(doc.stats.succeeded).toBe(12);
        const log = await lines(join(dir, 'runs.log'));
        // The killed worker's nodes ran again elsewhere; every node ran.
        for (const id of heldByVictim) expect(log.filter((x) => x === id).length).toBeGreaterThanOrEqual(2);
        expect(new Set(log).size).toBe(12);
      } finally {
        await stopAll([victim, ...others]);
      }
    });
  }, 90_000);

  it('resumes after the coordinator is SIGKILLed without redoing succeeded nodes; serves live /metrics', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3'));
      const nodes = Array.from({ length: 10 }, (_, i) => ({ id: `c${i}` }));
      const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id }));
      await writeFile(join(dir, 'graph.json'), JSON.stringify({ nodes, edges }));
      const run = `sh -c "echo {id} >> runs.log; sleep 0.4"`;
      const workers = [await startWorker(dir, 'resume', ['--concurrency', '2', '--metrics-port', '0'])];
      try {
        const child = spawn(
          process.execPath,
          [st3Bin, 'execute', 'graph.json', '--run', run, '--backend', 'bullmq', '--redis', redis.url].concat([
            '--queue',
            'resume',
            '--metrics-port',
            '0',
            '--cwd',
            dir,
          ]),
          { env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
        child.stderr!.resume();
        await until(async () => (await lines(join(dir, 'runs.log'))).length >= 4);
        // Live metrics of the running coordinator.
        const url = /metrics: (http:\S+)/.exec(stdout)?.[1];
        if (!url) throw new Error(`no metrics URL on stdout: ${stdout}`);
        const page = await (await fetch(url!)).text();
        expect(page).toMatch(/^st3_v2_run_progress_ratio \d/m);
        expect(page).toMatch(/^st3_v2_parallel_atoms \d/m);
        expect(page).toMatch(/^st3_v2_atoms_generated_total\{outcome="command"\} [1-9]/m);
        const check = spawnSync('promtool', ['check', 'metrics'], { input: page, encoding: 'utf8' });
        if (check.error && process.env.CI) throw check.error;
        if (!check.error) expect(check.status, check.stderr + check.stdout).toBe(0);
        // The worker's own metrics.
        const workerUrl = /metrics: (http:\S+)/.exec(workers[0]!.stdout())?.[1];
        if (!workerUrl) throw new Error(`no worker metrics URL: ${workers[0]!.stdout()}`);
        const workerPage = await (await fetch(workerUrl)).text();
        expect(workerPage).toMatch(/^st3_worker_jobs_total\{outcome="succeeded"\} [1-9]/m);
        expect(workerPage).toMatch(/^st3_worker_concurrency 2$/m);
        const record = async () => {
          const { readdir } = await import('node:fs/promises');
          const name = (await readdir(join(dir, '.st3/runs'))).find((n) => n.endsWith('.json'))!;
          return JSON.parse(await readFile(join(dir, '.st3/runs', name), 'utf8')) as any;
        };
        child.kill('SIGKILL');
        await new Promise((r) => child.once('close', r));
        const before = await record();
        const doneBefore = Object.entries(before.nodes as Record<string, any>)
          .filter(([, s]) => s.status === 'succeeded')
          .map(([id]) => id);
        expect(doneBefore.length).toBeGreaterThanOrEqual(2);
        const logBefore = await lines(join(dir, 'runs.log'));
        const resumed = await runSt3(['execute', '--resume', before.id, '--redis', redis.url, '--json', '--cwd', dir]);
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(json(resumed).stats.succeeded, JSON.stringify(json(resumed).stats)).toBe(10);
        const after = (await lines(join(dir, 'runs.log'))).slice(logBefore.length);
        for (const id of doneBefore) expect(after).not.toContain(id);
        expect(new Set([...logBefore, ...after]).size).toBe(10);
      } finally {
        await stopAll(workers);
      }
    });
  }, 90_000);

  it('runs agent nodes on workers: prompts, a retry with the failure, validation, apply; cost from reported tokens; the patch as task evidence', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3', 'config'), { recursive: true });
      await mkdir(join(dir, 'src'));
      const fns = ['add', 'sub', 'mul'];
      const op: Record<string, string> = { add: '+', sub: '-', mul: '*' };
      await writeFile(
        join(dir, 'src', 'calc.ts'),
        fns
          .map(
            (f) =>
              `export function ${f}(a: number, b: number): number {\n  // TODO: ${f}\n  throw new Error('TODO');\n}\n`,
          )
          .join('\n'),
      );
      const task = await readFile(
        join(__dirname, '../../examples/tasks/TASK-0002-implement-todo-atoms.task.yaml'),
        'utf8',
      );
      await mkdir(join(dir, 'tasks'));
      await writeFile(join(dir, 'tasks', 'TASK-0042-calc.task.yaml'), task.replace('TASK-0002', 'TASK-0042'));
      // 2 USD per million prompt tokens, 4 per million completion tokens, for any agent.
      await writeFile(
        join(dir, '.st3', 'config', 'executor.yaml'),
        'version: 1\nprices:\n  "*": {prompt_per_million: 2, completion_per_million: 4}\n',
      );
      const server = await startFakeOpenAi((body) => {
        const prompt = body.messages[1]!.content;
        const f = /export function (\w+)/.exec(prompt)![1]!;
        // The first answer for add does not parse: the worker retries it with the failure in the prompt.
        if (f === 'add' && !prompt.includes('previous attempt failed'))
          return '```ts\nexport function add(a: number {\n```';
        return `\`\`\`ts\nexport function ${f}(a: number, b: number): number {\n  return a ${op[f]} b;\n}\n\`\`\``;
      });
      const workers = await Promise.all([1, 2].map(() => startWorker(dir, 'agents', ['--concurrency', '2'])));
      try {
        const r = await runSt3(
          [
            ...['execute', 'src', '--agent-url', server.url, '--agent-model', 'coder', '--only-matching', 'TODO'],
            ...['--instruction', 'Implement the TODO.', '--backoff', '0', '--json', '--task', 'TASK-0042'],
            ...['--backend', 'bullmq', '--redis', redis.url, '--queue', 'agents'],
          ],
          { cwd: dir },
        );
        expect(r.code, r.stderr + r.stdout.slice(-2000)).toBe(0);
        const doc = json(r);
        expect(doc.stats, JSON.stringify(doc.stats)).toMatchObject({ total: 3, succeeded: 3 });
        expect(doc.stats.retriesByCategory.syntax).toBe(1);
        const record = JSON.parse(await readFile(doc.stateFile, 'utf8'));
        const contextErrors = Object.values(record.nodes as Record<string, any>).flatMap((s) =>
          s.attempts.filter((a: any) => a.error?.category === 'context').map((a: any) => a.error.message as string),
        );
        // Atoms of one file applied by different worker processes: each rebases exactly over the others'
        // edits (the shared .st3/edits log), so none is refused and regenerated.
        expect(contextErrors).toEqual([]);
        const code = await readFile(join(dir, 'src', 'calc.ts'), 'utf8');
        for (const f of fns) expect(code).toContain(`return a ${op[f]} b;`);
        expect(code).not.toContain('TODO');
        // The workers wrote the file; the coordinator's patch of the run still holds every change, and is
        // the task's diff evidence.
        const patch = await readFile(doc.patchFile, 'utf8');
        for (const f of fns) expect(patch).toContain(`+  return a ${op[f]} b;`);
        expect(doc.evidence).toMatchObject({ task: 'TASK-0042' });
        const index = JSON.parse(await readFile(join(dir, '.st3/tasks/TASK-0042/evidence/index.json'), 'utf8'));
        expect(index.entries.map((e: { type: string }) => e.type)).toContain('diff');
        const totals = JSON.parse(await readFile(join(dir, '.st3/telemetry/execution-metrics.json'), 'utf8'));
        const cost = totals.counters.find((c: any) => c.name === 'st3_v2_cost_usd_total');
        expect(cost?.value).toBeGreaterThan(0);
        expect(totals.lastRun.costUsd).toBeCloseTo(cost.value, 9);
        expect(totals.lastRun.precisionPercent).toBe(100);
      } finally {
        await stopAll(workers);
        await server.close();
      }
    });
  }, 120_000);

  it('takes the backend from .st3/config/executor.yaml; refuses a missing URL, an unreachable Redis, a bad config', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3', 'config'), { recursive: true });
      await writeFile(join(dir, 'graph.json'), JSON.stringify({ nodes: [{ id: 'a' }], edges: [] }));
      const exec = ['execute', 'graph.json', '--run', 'true', '--json'];
      const noUrl = await runSt3([...exec, '--backend', 'bullmq'], { cwd: dir, env: { ST3_REDIS_URL: '' } });
      expect(noUrl.code).toBe(2);
      expect(json(noUrl).error.code).toBe('E_REDIS_URL');
      const worker = await runSt3(['worker', '--json'], { cwd: dir, env: { ST3_REDIS_URL: '' } });
      expect(worker.code).toBe(2);
      expect(json(worker).error.code).toBe('E_REDIS_URL');
      // The config file chooses bullmq and a Redis nobody listens on: the run says so, exit 3.
      const config = join(dir, '.st3', 'config', 'executor.yaml');
      await writeFile(config, 'version: 1\nbackend: bullmq\nredis:\n  url: redis://127.0.0.1:1\n');
      const down = await runSt3(exec, { cwd: dir, env: { ST3_REDIS_URL: '' } });
      expect(down.code).toBe(3);
      expect(json(down).error.code).toBe('E_REDIS_UNAVAILABLE');
      // ST3_REDIS_URL wins over the file: the real server answers and the run succeeds.
      const envWorker = await startWorker(dir, 'env');
      try {
        const viaEnv = await runSt3([...exec, '--queue', 'env'], { cwd: dir, env: { ST3_REDIS_URL: redis.url } });
        expect(viaEnv.code, viaEnv.stderr).toBe(0);
        expect(json(viaEnv).stats.succeeded).toBe(1);
      } finally {
        await stopAll([envWorker]);
      }
      await writeFile(config, 'version: 1\nbackend: sideways\n');
      const bad = await runSt3(exec, { cwd: dir });
      expect(bad.code).toBe(2);
      expect(json(bad).error.code).toBe('E_CONFIG_INVALID');
    });
  }, 60_000);
});
