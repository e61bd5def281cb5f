#!/usr/bin/env node
// Full atomization (parse, measure, decompose, context, atomicity) against bare TypeScript
// `createSourceFile` parsing of the same ≥ 20 MB of real JavaScript, same run, one thread each.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { atomizeSource } from '../dist/index.js';
import { jsCorpus, mb, secs } from './corpus.mjs';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const { files, bytes } = jsCorpus();
const texts = files.map((f) => readFileSync(f, 'utf8'));
const cpu = () => process.cpuUsage().user / 1000;

// Interleave the two runs per file so load from other processes hits both alike; CPU time is the measure.
await atomizeSource('function warm() {}', 'warm.js');
let parseMs = 0;
let atomizeMs = 0;
let atoms = 0;
let functions = 0;
for (let i = 0; i < files.length; i++) {
  let t = cpu();
  ts.createSourceFile(files[i], texts[i], ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  parseMs += cpu() - t;
  t = cpu();
  const r = await atomizeSource(texts[i], files[i]);
  atomizeMs += cpu() - t;
  atoms += r.atoms.length;
  functions += r.functions.length;
}
const ratio = atomizeMs / parseMs;
console.log(`## atomizer: full atomization vs bare createSourceFile (JavaScript)

Corpus: ${files.length} files, ${mb(bytes)} MB of JavaScript from installed npm packages; one thread, CPU time (the machine is shared).

| run | CPU time (s) | MB/s | ratio |
|---|---:|---:|---:|
| \`ts.createSourceFile\` alone | ${secs(parseMs)} | ${(bytes / 1048576 / (parseMs / 1000)).toFixed(1)} | 1.00× |
| \`atomizeSource\` (parse + ${functions} functions + ${atoms} atoms with context and atomicity) | ${secs(atomizeMs)} | ${(bytes / 1048576 / (atomizeMs / 1000)).toFixed(1)} | ${ratio.toFixed(2)}× |

Goal: full atomization ≤ 1.5× the parse alone: ${ratio <= 1.5 ? 'met' : 'not met'} (${ratio.toFixed(2)}×).`);
