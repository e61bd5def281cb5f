import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startRedisServer } from '@st3/executor-bullmq/testing';
import { st3Graph } from './run-bin.js';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

interface WorkerProcess {
  child: ChildProcess;
  stdout: () => string;
}

function startWorker(dir: string, url: string, name: string): WorkerProcess {
  const child = spawn(
    process.execPath,
    [bin, 'worker', '--redis', url, '--concurrency', '3', '--stalled-after', '2', '--name', name, '--json'],
    { cwd: dir, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.resume();
  return { child, stdout: () => stdout };
}

/** Ctrl-C, then the worker's JSON summary: the jobs it counted per outcome. */
async function stop(worker: WorkerProcess): Promise<Record<string, number>> {
  const closed = new Promise((r) => worker.child.once('close', r));
  worker.child.kill('SIGINT');
  await closed;
  return (JSON.parse(worker.stdout()) as { jobs: Record<string, number> }).jobs;
}

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('st3 worker whose jobs were taken over while it was paused', () => {
  it('counts their discarded results as lost, not succeeded: the workers count each node once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st3-bullmq-paused-'));
    mkdirSync(join(dir, '.st3'));
    const nodes = [{ id: 's0' }, { id: 's1' }, { id: 's2' }];
    writeFileSync(join(dir, 'graph.json'), JSON.stringify({ nodes, edges: [] }));
    writeFileSync(
      join(dir, 'gen.mjs'),
      "import { appendFileSync } from 'node:fs';\n" +
        "appendFileSync('runs.log', `${process.argv[2]}\\n`);\n" +
        'await new Promise((r) => setTimeout(r, 1500));\n',
    );
    const started = () => (existsSync(join(dir, 'runs.log')) ? readFileSync(join(dir, 'runs.log'), 'utf8') : '');
    const redis = await startRedisServer({ persistence: false });
    const workers: WorkerProcess[] = [];
    try {
      // The victim is alone at first, so it holds every job when it is paused (a frozen VM, a stopped process).
      const victim = startWorker(dir, redis.url, 'victim');
      workers.push(victim);
      const run = st3Graph(dir, [
        ...['execute', 'graph.json', '--run', 'node gen.mjs {id}', '--backend', 'bullmq'],
        ...['--redis', redis.url, '--json'],
      ]);
      await until(() => started().split('\n').filter(Boolean).length >= nodes.length);
      victim.child.kill('SIGSTOP');
      const other = startWorker(dir, redis.url, 'other');
      workers.push(other);
      const result = await run;
      expect(result.code, result.stderr).toBe(0);
      victim.child.kill('SIGCONT');
      // The victim's attempts end after it resumes; give them time to report.
      await new Promise((r) => setTimeout(r, 3000));
      const [v, o] = [await stop(victim), await stop(other)];
      expect((v.succeeded ?? 0) + (o.succeeded ?? 0), JSON.stringify({ v, o })).toBe(nodes.length);
      expect(v.lost, JSON.stringify({ v, o })).toBe(nodes.length);
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await redis.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
