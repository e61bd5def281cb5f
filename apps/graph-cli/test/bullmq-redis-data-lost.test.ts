import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startRedisServer } from '@st3/executor-bullmq/testing';
import { st3Graph } from './run-bin.js';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

const started = (dir: string): string[] => {
  let text = '';
  try {
    text = readFileSync(join(dir, 'runs.log'), 'utf8');
  } catch {
    // not written yet
  }
  return text
    .split('\n')
    .filter((l) => l.endsWith(' start'))
    .map((l) => l.split(' ')[0]!);
};

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('st3 execute --backend bullmq when Redis restarts without its data', () => {
  it('runs each waiting node once and says which running nodes run again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st3-bullmq-lost-'));
    mkdirSync(join(dir, '.st3'));
    const nodes = Array.from({ length: 8 }, (_, i) => ({ id: `q${i}` }));
    writeFileSync(join(dir, 'graph.json'), JSON.stringify({ nodes, edges: [] }));
    writeFileSync(
      join(dir, 'gen.mjs'),
      "import { appendFileSync } from 'node:fs';\n" +
        "appendFileSync('runs.log', `${process.argv[2]} start\\n`);\n" +
        'await new Promise((r) => setTimeout(r, 1200));\n',
    );
    const redis = await startRedisServer({ persistence: false });
    // One worker process running two nodes at once: at the crash the other nodes wait in the queue.
    const worker = spawn(process.execPath, [bin, 'worker', '--redis', redis.url, '--concurrency', '2'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let workerOut = '';
    worker.stdout.setEncoding('utf8').on('data', (c: string) => (workerOut += c));
    worker.stderr.resume();
    try {
      await until(() => /serving/.test(workerOut));
      const run = st3Graph(dir, [
        ...['execute', 'graph.json', '--run', 'node gen.mjs {id}', '--backend', 'bullmq'],
        ...['--redis', redis.url, '--json'],
      ]);
      await until(() => started(dir).length >= 2);
      const runningAtCrash = started(dir);
      await redis.kill();
      await new Promise((r) => setTimeout(r, 4000));
      await redis.start();
      const result = await run;
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).status).toBe('succeeded');
      const log = started(dir);
      for (const { id } of nodes) {
        const times = log.filter((x) => x === id).length;
        if (runningAtCrash.includes(id)) expect(times).toBeLessThanOrEqual(2);
        else expect(times, `${id} ran ${times} times\n${result.stderr}`).toBe(1);
      }
      // The reruns of the nodes that were running are told, not hidden behind "1 attempt".
      for (const id of runningAtCrash)
        expect(result.stderr).toContain(`${id}: its job is gone from Redis (restarted without its data?)`);
    } finally {
      worker.kill('SIGKILL');
      await redis.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
