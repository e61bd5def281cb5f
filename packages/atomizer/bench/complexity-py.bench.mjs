#!/usr/bin/env node
// Python complexity against mccabe (flake8 C901) on Debian's CPython 3.11 standard library, same
// run: agreement on every graph mccabe computes, and speed against `python3 -m mccabe` (one
// process for all files, mccabe's own visitor) and flake8 --select C901.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { atomizeProject, measureSource } from '../dist/index.js';
import { mb, pyCorpus, secs } from './corpus.mjs';

const { files, bytes } = pyCorpus();
const capture = fileURLToPath(new URL('../scripts/mccabe-capture.py', import.meta.url));
const now = () => performance.now();
import { rmSync } from 'node:fs';
rmSync('/tmp/st3-mccabe-cli.out', { force: true });

// CPU seconds, not wall time: the machine is shared, and CPU time is what each tool costs.
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let t = now();
const mccabeRun = spawnSync('/usr/bin/python3', [capture, ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
const mccabeWall = now() - t;
const out = mccabeRun.stdout;
const mccabeMs = 1000 * Number(/cpu-seconds ([\d.]+)/.exec(mccabeRun.stderr)[1]);
t = now();
const flake8 = spawnSync(
  'bash',
  [
    '-c',
    '/usr/bin/python3 -m flake8 --select C901 --max-complexity 0 --jobs 2 "$@" > /tmp/st3-flake8.out; times',
    'bash',
    ...files,
  ],
  { encoding: 'utf8', env: { ...process.env, PATH: `/usr/bin:${process.env.PATH}` } },
);
const flake8Wall = now() - t;
const childTimes = flake8.stdout
  .trim()
  .split('\n')
  .pop()
  .match(/(\d+)m([\d.]+)s/g)
  .map((x) => {
    const [, m, s] = /(\d+)m([\d.]+)s/.exec(x);
    return Number(m) * 60 + Number(s);
  });
const flake8Ms = 1000 * (childTimes[0] + childTimes[1]);
// `python3 -m mccabe` as its command line works: one file per run.
t = now();
const perFile = spawnSync(
  'bash',
  [
    '-c',
    'for f; do /usr/bin/python3 -m mccabe --min 1 "$f" >> /tmp/st3-mccabe-cli.out 2>/dev/null; done; times',
    'bash',
    ...files,
  ],
  { encoding: 'utf8' },
);
const cliWall = now() - t;
const cliTimes = perFile.stdout
  .trim()
  .split('\n')
  .pop()
  .match(/(\d+)m([\d.]+)s/g)
  .map((x) => {
    const [, m, s] = /(\d+)m([\d.]+)s/.exec(x);
    return Number(m) * 60 + Number(s);
  });
const cliMs = 1000 * (cliTimes[0] + cliTimes[1]);
const flake8Lines = readFileSync('/tmp/st3-flake8.out', 'utf8')
  .split('\n')
  .filter((l) => l.includes(' C901 ')).length;

const expected = new Map();
let syntaxErrors = 0;
for (const line of out.split('\n')) {
  if (!line || line.startsWith('#')) continue;
  const [path, lineNo, col, entity, c] = line.split('\t');
  if (lineNo === 'SYNTAX-ERROR') {
    syntaxErrors++;
    continue;
  }
  (expected.get(path) ?? expected.set(path, []).get(path)).push(`${lineNo}:${Number(col) + 1} '${entity}' ${c}`);
}

await measureSource('def warm(): pass', 'warm.py');
const texts = files.map((f) => readFileSync(f, 'utf8'));
let c = cpuMs();
t = now();
const ours = [];
for (let i = 0; i < files.length; i++) {
  const r = await measureSource(texts[i], files[i]);
  ours.push(
    r.functions
      .filter((f) => f.reported)
      .map((f) => `${f.reportLine}:${f.reportColumn} ${f.reportName} ${f.complexity}`),
  );
}
const oneWall = now() - t;
const oneMs = cpuMs() - c;
c = cpuMs();
t = now();
let pooled = 0;
for await (const r of atomizeProject(files, { mode: 'complexity', cache: false, workers: 2 }))
  pooled += r.ok ? r.record.functions.filter((f) => f.reported).length : 0;
const poolWall = now() - t;
const poolMs = cpuMs() - c;

let compared = 0;
let agree = 0;
const misses = [];
files.forEach((f, i) => {
  const exp = expected.get(f);
  if (!exp) return;
  const mine = new Set(ours[i]);
  for (const e of exp) {
    compared++;
    if (mine.has(e)) agree++;
    else if (misses.length < 5) misses.push(`${f.replace('/usr/lib/python3.11/', '')} ${e}`);
  }
});
const best = oneMs;
const vsMccabe = mccabeMs / best;
const vsFlake8 = flake8Ms / best;
const vsCli = cliMs / best;
const met = (ok) => (ok ? 'met' : 'not met');
console.log(`## atomizer: Python complexity vs mccabe / flake8 C901

Corpus: Debian's CPython standard library, ${files.length} files, ${mb(bytes)} MB (${syntaxErrors} files Python itself cannot parse are left out of the agreement).

Times are CPU seconds of each run (user + system, children included for flake8); wall seconds beside them move with the load of the shared machine.

| run | CPU (s) | wall (s) | graphs | CPU ratio vs mccabe |
|---|---:|---:|---:|---:|
| \`python3\` + mccabe 0.7 visitor, one process for all files | ${secs(mccabeMs)} | ${secs(mccabeWall)} | ${compared} | 1.0× |
| \`python3 -m mccabe FILE\`, once per file (its command line) | ${secs(cliMs)} | ${secs(cliWall)} | — | ${(mccabeMs / cliMs).toFixed(2)}× |
| \`flake8 --select C901 --max-complexity 0 --jobs 2\` | ${secs(flake8Ms)} | ${secs(flake8Wall)} | ${flake8Lines} | ${(mccabeMs / flake8Ms).toFixed(2)}× |
| ST3 \`measureSource\`, 1 thread | ${secs(oneMs)} | ${secs(oneWall)} | ${ours.reduce((s, o) => s + o.length, 0)} | ${(mccabeMs / oneMs).toFixed(2)}× |
| \`st3 complexity\` path (\`atomizeProject\`, 2 workers, no cache) | ${secs(poolMs)} | ${secs(poolWall)} | ${pooled} | ${(mccabeMs / poolMs).toFixed(2)}× |

Agreement with mccabe (same line, column, name, complexity): ${agree}/${compared} = ${(compared ? (100 * agree) / compared : 0).toFixed(3)}% — goal 100%: ${met(agree === compared)}.${misses.length ? ` First differences: ${misses.join('; ')}.` : ''}
Speed goal ≥ 1.5× faster than \`python3 -m mccabe\` / flake8 C901: ${met(vsCli >= 1.5 && vsFlake8 >= 1.5)} (${vsCli.toFixed(1)}× less CPU than \`python3 -m mccabe\` per file, ${vsFlake8.toFixed(1)}× less than flake8, one thread). Against mccabe's visitor driven from one Python process over all files (the most favourable form for mccabe, CPython's C parser): ${vsMccabe >= 1.5 ? 'met' : 'not met'} (${vsMccabe.toFixed(2)}×).`);
