#!/usr/bin/env node
// `st3 execute --backend bullmq` with 1, 2 and 4 `st3 worker` processes (concurrency 1 each) on 2,000
// independent nodes whose command simulates a 50 ms agent call (`sleep 0.05`), against the local
// backend at concurrency 1 on the same graph: whole processes (`st3 …` as a user runs them), a real
// redis-server on a free loopback port. Throughput = nodes / wall time of the coordinator.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
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

/** CPU seconds (user + system) of this process's waited-for descendants, or of process `pid`, from /proc. */
function cpuSeconds(pid = 'self', field = 'children') {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  // After "(comm)": utime, stime are fields 12, 13 and cutime, cstime 14, 15 (0-based), in clock ticks (100/s).
  return field === 'children' ? (f[13] + f[14]) / 100 : (f[11] + f[12]) / 100;
}

/** What one `sleep` process costs on this machine: spawned and waited for 100 times from a bare Node process. */
function spawnFloor() {
  const script = `const {spawn}=require('node:child_process');(async()=>{const t=performance.now();for(let i=0;i<100;i++)await new Promise((r,j)=>spawn('sleep',['${LATENCY_S}'],{stdio:['ignore','pipe','pipe']}).on('error',j).on('close',(c)=>c===0?r():j(new Error('sleep exited '+c))));console.log((performance.now()-t)/100)})()`;
  const before = cpuSeconds();
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`spawn floor: exited ${r.status}: ${r.stderr}`);
  return { wallMs: Number(r.stdout), cpuMs: ((cpuSeconds() - before) * 1000) / 100 };
}

function execute(extra) {
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    [st3, 'execute', 'graph.json', '--run', command, '--json', '--cwd', dir, '--retries', '0', ...extra],
    { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`st3 execute exited ${r.status}: ${r.stdout.slice(0, 400)} ${r.stderr}`);
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

// A worker stopped by Ctrl-C finishes its jobs and exits 0 or 130; anything else fails the benchmark.
const stop = (workers) =>
  Promise.all(
    workers.map(
      (w) =>
        new Promise((resolve, reject) => {
          const check = () =>
            w.exitCode === 0 || w.exitCode === 130 ? resolve() : reject(new Error(`worker exited ${w.exitCode}`));
          if (w.exitCode !== null) check();
          else {
            w.once('exit', check);
            w.kill('SIGINT');
          }
        }),
    ),
  );

const loadBefore = loadavg()[0];
const redis = await startRedisServer({ persistence: false });
const load = () => loadavg()[0].toFixed(1);
try {
  const floor = spawnFloor();
  let cpu0 = cpuSeconds();
  const loadLocal = load();
  const local1 = execute(['--concurrency', '1']);
  const localCpuMs = ((cpuSeconds() - cpu0) * 1000) / N;
  const rows = [];
  for (const count of [1, 2, 4]) {
    const queue = `bench${count}`;
    const loadStart = load();
    cpu0 = cpuSeconds() + cpuSeconds(redis.pid, 'self');
    const workers = await startWorkers(redis.url, queue, count);
    let seconds;
    try {
      seconds = execute(['--backend', 'bullmq', '--redis', redis.url, '--queue', queue, '--concurrency', '100']);
    } finally {
      await stop(workers);
    }
    // Coordinator, workers (with their start), their commands and redis-server: all the CPU of the row.
    const cpuMs = ((cpuSeconds() + cpuSeconds(redis.pid, 'self') - cpu0) * 1000) / N;
    rows.push({ count, seconds, cpuMs, load: `${loadStart} → ${load()}` });
  }
  const one = rows[0].seconds;
  const four = rows.find((r) => r.count === 4).seconds;
  const speedup = one / four;
  const perJobLocal = (local1 * 1000) / N;
  const perJobBull = (one * 1000) / N;
  // Below zero the difference is the two rows' different loads, not a queue that costs less than nothing.
  const queueCost = (ms) =>
    ms >= 0
      ? `the queue adds **${ms.toFixed(1)} ms per job** (enqueue, hand-over to the worker, the completion event back to the coordinator, the run record update)`
      : `no queue cost is measurable in this run (${ms.toFixed(1)} ms: the rows ran under different loads, see the table)`;
  console.log(`## Executor on BullMQ workers: throughput with 1, 2 and 4 \`st3 worker\` processes

${N} independent nodes, each a command simulating a ${LATENCY_S * 1000} ms agent call (\`${command}\`); every figure is the wall time of the whole \`st3 execute … --json\` process (coordinator), with the workers already started (\`st3 worker --concurrency 1\`) on a real redis-server on 127.0.0.1. The local row is \`st3 execute --concurrency 1\` (the same work, one at a time, no queue).

| backend | worker processes | wall (s) | nodes/s | speed-up vs 1 worker | CPU per node (ms) | load (1 min) |
|---|---:|---:|---:|---:|---:|---|
| local (concurrency 1) | – | ${local1.toFixed(1)} | ${(N / local1).toFixed(1)} | – | ${localCpuMs.toFixed(1)} | ${loadLocal} |
${rows.map((r) => `| bullmq | ${r.count} | ${r.seconds.toFixed(1)} | ${(N / r.seconds).toFixed(1)} | ${(one / r.seconds).toFixed(2)}× | ${r.cpuMs.toFixed(1)} | ${r.load} |`).join('\n')}

CPU per node is the user + system time of every process of the row (the coordinator, the workers with their start, their \`sleep\` commands and redis-server) divided by the nodes. The simulated latency is a spawned \`sleep ${LATENCY_S}\` process, not a timer: on this machine one \`sleep\` spawned and waited for from a bare Node process takes ${floor.wallMs.toFixed(1)} ms of wall time and ${floor.cpuMs.toFixed(1)} ms of CPU (its own start included), so part of each node's CPU is the simulation's own process start, which a real agent call (an HTTP request) does not pay. With ${cpus().length} cores and ${rows.find((r) => r.count === 4).cpuMs.toFixed(1)} ms of CPU per node, 4 workers can do at most ${((cpus().length * 1000) / rows.find((r) => r.count === 4).cpuMs).toFixed(0)} nodes/s even with idle cores; 4× one worker would be ${((4 * N) / one).toFixed(1)} nodes/s.

Per-job cost: ${perJobLocal.toFixed(1)} ms local vs ${perJobBull.toFixed(1)} ms on one BullMQ worker: ${queueCost(perJobBull - perJobLocal)}, on top of the ${LATENCY_S * 1000} ms of work and the command's own start.

Goal: 4 workers ≥ 3.5× one worker — **${speedup >= 3.5 ? 'met' : 'not met'}** (${speedup.toFixed(2)}×). Load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end: on a 2-core machine every worker process, its command and the coordinator compete for the same cores, so the scaling measured here is bounded by CPU, not by the queue.`);
} finally {
  await redis.dispose();
  rmSync(dir, { recursive: true, force: true });
}
