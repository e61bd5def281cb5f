#!/usr/bin/env node
// `st3 execute --backend bullmq` with 1, 2 and 4 `st3 worker` processes (concurrency 1 each) on 2,000
// independent nodes whose command simulates a 50 ms agent call (`sleep 0.05`), against the local
// backend at concurrency 1 on the same graph: whole processes (`st3 …` as a user runs them), a real
// redis-server on a free loopback port. Throughput = nodes / wall time of the coordinator.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startRedisServer } from '../dist/testing.js';

const N = Number(process.env.BENCH_NODES ?? 2000);
const LATENCY_S = 0.05;
const root = new URL('../../..', import.meta.url).pathname;
const st3 = join(root, 'apps/st3/dist/bin.js');
const env = { ...process.env, NO_COLOR: '1', CI: '1' };

const dir = mkdtempSync(join(tmpdir(), 'st3-bench-bullmq-'));
mkdirSync(join(dir, '.st3'));
const nodes = Array.from({ length: N }, (_, i) => ({ id: `n${String(i).padStart(5, '0')}` }));
writeFileSync(join(dir, 'graph.json'), JSON.stringify({ nodes, edges: [] }));
const command = `sleep ${LATENCY_S}`;

function execute(extra) {
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    [st3, 'execute', 'graph.json', '--run', command, '--json', '--cwd', dir, '--retries', '0', ...extra],
    { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const seconds = (performance.now() - start) / 1000;
  const doc = JSON.parse(r.stdout);
  if (doc.stats?.succeeded !== N) throw new Error(`run did not succeed: ${r.stdout.slice(0, 400)} ${r.stderr}`);
  return seconds;
}

async function startWorkers(url, queue, count) {
  const workers = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(
      process.execPath,
      [st3, 'worker', '--redis', url, '--queue', queue, '--concurrency', '1', '--cwd', dir],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c) => {
        out += c;
        if (/serving/.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
    });
    workers.push(child);
  }
  return workers;
}

const stop = (workers) =>
  Promise.all(
    workers.map((w) => new Promise((r) => (w.exitCode !== null ? r() : (w.once('exit', r), w.kill('SIGINT'))))),
  );

const loadBefore = loadavg()[0];
const redis = await startRedisServer({ persistence: false });
try {
  const local1 = execute(['--concurrency', '1']);
  const rows = [];
  for (const count of [1, 2, 4]) {
    const queue = `bench${count}`;
    const workers = await startWorkers(redis.url, queue, count);
    try {
      const seconds = execute(['--backend', 'bullmq', '--redis', redis.url, '--queue', queue, '--concurrency', '100']);
      rows.push({ count, seconds });
    } finally {
      await stop(workers);
    }
  }
  const one = rows[0].seconds;
  const four = rows.find((r) => r.count === 4).seconds;
  const speedup = one / four;
  const perJobLocal = (local1 * 1000) / N;
  const perJobBull = (one * 1000) / N;
  console.log(`## Executor on BullMQ workers: throughput with 1, 2 and 4 \`st3 worker\` processes

${N} independent nodes, each a command simulating a ${LATENCY_S * 1000} ms agent call (\`${command}\`); every figure is the wall time of the whole \`st3 execute … --json\` process (coordinator), with the workers already started (\`st3 worker --concurrency 1\`) on a real redis-server on 127.0.0.1. The local row is \`st3 execute --concurrency 1\` (the same work, one at a time, no queue).

| backend | worker processes | wall (s) | nodes/s | speed-up vs 1 worker |
|---|---:|---:|---:|---:|
| local (concurrency 1) | – | ${local1.toFixed(1)} | ${(N / local1).toFixed(1)} | – |
${rows.map((r) => `| bullmq | ${r.count} | ${r.seconds.toFixed(1)} | ${(N / r.seconds).toFixed(1)} | ${(one / r.seconds).toFixed(2)}× |`).join('\n')}

Per-job cost: ${perJobLocal.toFixed(1)} ms local vs ${perJobBull.toFixed(1)} ms on one BullMQ worker: the queue adds **${(perJobBull - perJobLocal).toFixed(1)} ms per job** (enqueue, hand-over to the worker, the completion event back to the coordinator, the run record update), on top of the ${LATENCY_S * 1000} ms of work and the command's own start.

Goal: 4 workers ≥ 3.5× one worker — **${speedup >= 3.5 ? 'met' : 'not met'}** (${speedup.toFixed(2)}×). Load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end: on a 2-core machine every worker process, its command and the coordinator compete for the same cores, so the scaling measured here is bounded by CPU, not by the queue.`);
} finally {
  await redis.dispose();
  rmSync(dir, { recursive: true, force: true });
}
