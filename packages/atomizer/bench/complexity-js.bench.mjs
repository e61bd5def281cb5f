#!/usr/bin/env node
// `st3 complexity` against ESLint's `complexity` rule (only that rule, max 0 so every function is
// reported) on the same ≥ 20 MB of real JavaScript, in the same run: per-function agreement and speed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { atomizeProject, measureSource } from '../dist/index.js';
import { jsCorpus, mb, secs } from './corpus.mjs';

const require = createRequire(import.meta.url);
const { Linter } = require('eslint');
const { files, bytes } = jsCorpus();
const texts = files.map((f) => readFileSync(f, 'utf8'));

// ESLint: one Linter, the complexity rule alone.
const linter = new Linter({ configType: 'flat' });
// CPU seconds of this process (worker threads included): the machine is shared, wall time is noisy.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const config = (sourceType) => [
  {
    languageOptions: { ecmaVersion: 'latest', sourceType },
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' },
    rules: { complexity: ['error', 0] },
  },
];
let t = performance.now();
let c = cpuMs();
const eslint = [];
let fatal = 0;
for (let i = 0; i < files.length; i++) {
  const name = files[i].endsWith('.cjs') ? 'f.cjs' : 'f.js';
  let msgs = linter.verify(texts[i], config(files[i].endsWith('.cjs') ? 'commonjs' : 'module'), name);
  if (msgs.some((m) => m.fatal)) msgs = linter.verify(texts[i], config('script'), name);
  if (msgs.some((m) => m.fatal)) {
    fatal++;
    eslint.push(undefined);
    continue;
  }
  eslint.push(msgs.filter((m) => m.ruleId === 'complexity').map((m) => `${m.line}:${m.column} ${m.message}`));
}
const eslintWall = performance.now() - t;
const eslintMs = cpuMs() - c;

// ST3, one thread (the library call), then `st3 complexity`'s path (worker pool, no cache).
await measureSource('function warm() {}', 'warm.js');
t = performance.now();
c = cpuMs();
const ours = [];
for (let i = 0; i < files.length; i++) {
  const r = await measureSource(texts[i], files[i]);
  ours.push(
    r.functions.map(
      (f) =>
        `${f.reportLine}:${f.reportColumn} ${f.reportName} has a complexity of ${f.complexity}. Maximum allowed is 0.`,
    ),
  );
}
const oneWall = performance.now() - t;
const oneThreadMs = cpuMs() - c;
t = performance.now();
c = cpuMs();
let pooled = 0;
for await (const r of atomizeProject(files, { mode: 'complexity', cache: false, workers: 2 }))
  pooled += r.ok ? r.record.functions.length : 0;
const poolWall = performance.now() - t;
const poolMs = cpuMs() - c;

let compared = 0;
let agree = 0;
for (let i = 0; i < files.length; i++) {
  if (!eslint[i]) continue;
  const mine = new Map();
  for (const k of ours[i]) mine.set(k, (mine.get(k) ?? 0) + 1);
  for (const k of eslint[i]) {
    compared++;
    const n = mine.get(k) ?? 0;
    if (n > 0) {
      agree++;
      mine.set(k, n - 1);
    }
  }
}
const agreement = compared === 0 ? 0 : (100 * agree) / compared;
const speed = eslintMs / oneThreadMs;
const speedWall = eslintWall / poolWall;
const met = (ok) => (ok ? 'met' : 'not met');
console.log(`## atomizer: st3 complexity vs ESLint complexity rule (JavaScript)

Corpus: ${files.length} files, ${mb(bytes)} MB of JavaScript from installed npm packages (typescript, eslint, prettier, …); ESLint could not parse ${fatal} of them (excluded from agreement).

Times are CPU seconds (user + system, worker threads included); wall seconds beside them move with the load of the shared 2-core machine.

| run | CPU (s) | wall (s) | functions | CPU ratio vs ESLint |
|---|---:|---:|---:|---:|
| ESLint 9 \`Linter\`, only \`complexity\` (max 0), 1 thread | ${secs(eslintMs)} | ${secs(eslintWall)} | ${compared} | 1.0× |
| ST3 \`measureSource\`, 1 thread | ${secs(oneThreadMs)} | ${secs(oneWall)} | ${ours.reduce((s, o) => s + o.length, 0)} | ${speed.toFixed(1)}× less |
| \`st3 complexity\` path (\`atomizeProject\`, 2 workers, no cache) | ${secs(poolMs)} | ${secs(poolWall)} | ${pooled} | ${(eslintMs / poolMs).toFixed(1)}× less |

Per-function agreement (same line, column, name and complexity as ESLint's message): ${agree}/${compared} = ${agreement.toFixed(3)}% — goal 100%: ${met(agree === compared)}.
Speed goal ≥ 5× faster than ESLint: ${met(speed >= 5)} (${speed.toFixed(1)}× less CPU on one thread; wall time with 2 workers ${speedWall.toFixed(1)}× faster).`);
