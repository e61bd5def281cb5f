#!/usr/bin/env node
// Benchmark: judging 1,000 v1/v2 output pairs with @st3/parity against `git diff --no-index -w
// --ignore-blank-lines` (the usual "ignore whitespace" diff) on the same two folders, in one run.
// Prints one markdown section. Pairs differ by CRLF, trailing spaces, blank-line runs, import order,
// timestamps and provenance hashes; every 10th pair also has a real change.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareOutputs } from '../dist/index.js';

const N = 1000;
const dir = mkdtempSync(join(tmpdir(), 'st3-parity-bench-'));
const left = join(dir, 'v1');
const right = join(dir, 'v2');
mkdirSync(left);
mkdirSync(right);

function ts(i, variant) {
  const imports = [
    "import { z } from 'zod';",
    "import { helper } from './helper.js';",
    "import type { Ctx } from './ctx.js';",
  ];
  if (variant) imports.reverse();
  const header = `// src/dto/m${i}.ts\n// template=dto version=${variant ? 'cafebabe' : '1a2b3c4d'} created=2026-11-${variant ? '23' : '22'}T04:00:00Z updated=`;
  const body = Array.from(
    { length: 20 },
    (_, k) => `  field${k}: z.string()${k % 3 ? '.optional()' : ''},${variant && k % 4 === 0 ? '   ' : ''}`,
  ).join('\n');
  const change = variant && i % 10 === 0 ? '  extra: z.number(),\n' : '';
  const text = `${header}\n${imports.join('\n')}\n${variant ? '\n\n' : ''}\nexport const M${i} = z.object({\n${body}\n${change}});\nexport type M${i} = z.infer<typeof M${i}>;\n`;
  return variant ? text.replace(/\n/g, '\r\n') : text;
}

for (let i = 0; i < N; i++) {
  writeFileSync(join(left, `m${i}.ts`), ts(i, false));
  writeFileSync(join(right, `m${i}.ts`), ts(i, true));
}

let t = performance.now();
let st3Equal = 0;
for (let i = 0; i < N; i++) {
  const v = compareOutputs(
    readFileSync(join(left, `m${i}.ts`), 'utf8'),
    readFileSync(join(right, `m${i}.ts`), 'utf8'),
    { path: `m${i}.ts` },
  );
  if (v.kind !== 'different') st3Equal++;
}
const st3Ms = performance.now() - t;

t = performance.now();
const git = spawnSync(
  'git',
  ['diff', '--no-index', '--numstat', '-w', '--ignore-blank-lines', '--ignore-cr-at-eol', left, right],
  { encoding: 'utf8', maxBuffer: 1 << 28 },
);
const gitMs = performance.now() - t;
const gitDifferent = new Set(
  git.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t').pop()),
).size;
const gitEqual = N - gitDifferent;
rmSync(dir, { recursive: true, force: true });

const expectedEqual = N - N / 10;
const slowdown = st3Ms / gitMs;
const met = st3Equal === expectedEqual && slowdown <= 10;
console.log(`## Parity: judging ${N.toLocaleString('en')} v1/v2 output pairs (\`@st3/parity\` vs \`git diff -w\`)

| tool | time | pairs judged equal (expected ${expectedEqual}) |
|---|---:|---:|
| \`@st3/parity\` \`compareOutputs\` (in process, reads the files) | ${st3Ms.toFixed(0)} ms | ${st3Equal} |
| \`git diff --no-index -w --ignore-blank-lines --ignore-cr-at-eol\` (one process for both folders) | ${gitMs.toFixed(0)} ms | ${gitEqual} |

Pairs differ by CRLF, trailing spaces, blank-line runs, import order, provenance hash and timestamps; every
10th pair also adds a field. git's whitespace options cannot see through import order or a new version hash,
so it calls every pair different; \`@st3/parity\` also names, per pair, the rules that were needed (a
leave-one-out pass per used rule), which is most of its time. Goal: all ${expectedEqual} equivalent pairs
recognised, the 100 real changes reported, within 10× git's time (${slowdown.toFixed(1)}×): **${met ? 'met' : 'not met'}**.`);
