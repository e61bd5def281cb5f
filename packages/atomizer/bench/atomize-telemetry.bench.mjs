#!/usr/bin/env node
// `atomizeProject` over the same real JavaScript corpus with the telemetry handle off and on, same
// run, rounds interleaved (off, on, off, on, …) so load from other processes hits both alike. One
// thread and no cache, CPU time: the measure is what recording costs, not scheduling noise.
import { createCollector } from '@st3/telemetry';
import { atomizeProject } from '../dist/index.js';
import { statSync } from 'node:fs';
import { jsCorpus, mb, secs } from './corpus.mjs';

const ROUNDS = 6;
// Many ordinary files rather than a few huge bundles: the handle is called per file, so this is its worst case.
const files = [];
let bytes = 0;
for (const f of jsCorpus(200 * 1024 * 1024).files) {
  const size = statSync(f).size;
  if (size > 64 * 1024) continue;
  files.push(f);
  bytes += size;
  if (bytes >= 16 * 1024 * 1024) break;
}
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function run(telemetry) {
  let atoms = 0;
  const t = cpu();
  for await (const r of atomizeProject(files, { workers: 0, cache: false, ...(telemetry ? { telemetry } : {}) })) {
    if (r.ok) atoms += r.record.atoms.length;
  }
  return { ms: cpu() - t, atoms };
}

await run(undefined); // warm-up: parsers loaded, JIT settled
const off = [];
const on = [];
let collector;
let atoms = 0;
for (let i = 0; i < ROUNDS; i++) {
  // Alternate which goes first, so neither side always runs on a warmer heap.
  const offFirst = i % 2 === 0;
  if (offFirst) off.push((await run(undefined)).ms);
  collector = createCollector({ agent: 'bench' });
  const r = await run(collector);
  on.push(r.ms);
  atoms = r.atoms;
  if (!offFirst) off.push((await run(undefined)).ms);
}

// The calls alone: what the handle costs for this many files, replayed without the parsing around it.
const snapshot = collector.snapshot();
const recorded = snapshot.counters.reduce((n, c) => n + (c.name === 'atomizer.files' ? c.value : 0), 0);
const replay = createCollector({ agent: 'replay' });
const REPLAYS = 200;
let t = cpu();
for (let k = 0; k < REPLAYS; k++) {
  for (let i = 0; i < files.length; i++) {
    replay.count('atomizer.files', 1, { status: 'parsed' });
    replay.count('atomizer.bytes', 1000);
    replay.count('atomizer.atoms', 10);
    replay.observe('atomizer.parse_ms', 1.5);
  }
}
const callsMs = (cpu() - t) / REPLAYS;

const best = (xs) => Math.min(...xs);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length / 2;
  return s.length % 2 ? s[Math.floor(m)] : (s[m - 1] + s[m]) / 2;
};
const paired = on.map((x, i) => (x - off[i]) / off[i]);
const overhead = median(paired);
const bestOverhead = (best(on) - best(off)) / best(off);
const direct = callsMs / best(off);
const pct = (x) => `${(x * 100).toFixed(2)}%`;
console.log(`## atomizer: \`atomizeProject\` with the telemetry handle off and on

Corpus: ${files.length} files, ${mb(bytes)} MB of JavaScript from installed npm packages (${atoms} atoms); one thread,
no cache, CPU time, ${ROUNDS} interleaved rounds each, alternating which goes first (the machine is shared; best and median shown).
With telemetry the collector recorded ${recorded} files, \`atomizer.bytes\`, \`atomizer.atoms\` and the
\`atomizer.parse_ms\` histogram.

| run | best CPU time (s) | median CPU time (s) | overhead (best vs best) | overhead (median of paired rounds) |
|---|---:|---:|---:|---:|
| telemetry off | ${secs(best(off))} | ${secs(median(off))} | – | – |
| telemetry on (\`createCollector\`) | ${secs(best(on))} | ${secs(median(on))} | ${pct(bestOverhead)} | ${pct(overhead)} |
| the ${files.length * 4} handle calls alone (replayed ×${REPLAYS}) | ${(callsMs / 1000).toFixed(5)} | – | ${pct(direct)} | – |

Goal: overhead ≤ 2%: ${overhead <= 0.02 ? 'met' : 'not met'} (${pct(overhead)} end to end, median of ${ROUNDS} paired rounds, each round ${paired.map(pct).join(', ')}; the calls themselves cost ${pct(direct)} of the run).`);
