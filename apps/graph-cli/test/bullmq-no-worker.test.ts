// A bullmq run started before any worker (or against the wrong --redis/--queue) waited without a word:
// the coordinator says so once nodes have waited a few seconds with no worker, and again when one comes.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startRedisServer } from '@st3/executor-bullmq/testing';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('st3 execute --backend bullmq with no worker on the queue', () => {
  it('warns that no worker serves the queue, then that one does, and the run ends once a worker comes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st3-bullmq-no-worker-'));
    mkdirSync(join(dir, '.st3'));
    writeFileSync(join(dir, 'graph.json'), JSON.stringify({ nodes: [{ id: 'a' }, { id: 'b' }], edges: [] }));
    // Each node takes 2 s: the coordinator's queue polls (every second) see the worker while it works.
    writeFileSync(join(dir, 'gen.mjs'), 'await new Promise((r) => setTimeout(r, 2000));\n');
    const redis = await startRedisServer({ persistence: false });
    const env = { ...process.env, NO_COLOR: '1', CI: '1' };
    const run = spawn(
      process.execPath,
      [bin, 'execute', 'graph.json', '--run', 'node gen.mjs {id}', '--backend', 'bullmq', '--redis', redis.url],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    run.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    run.stdout!.resume();
    const exited = new Promise<number | null>((r) => run.once('close', r));
    let worker: ReturnType<typeof spawn> | undefined;
    try {
      await until(() => /no worker serves queue "st3" at /.test(stderr));
      expect(stderr).toMatch(/: 2 node\(s\) wait; start one with `st3 worker`/);
      worker = spawn(process.execPath, [bin, 'worker', '--redis', redis.url], { cwd: dir, env, stdio: 'ignore' });
      expect(await exited, stderr).toBe(0);
      expect(stderr).toMatch(/a worker serves queue "st3" at .* now/);
    } finally {
      if (run.exitCode === null) run.kill('SIGKILL');
      worker?.kill('SIGKILL');
      await redis.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
