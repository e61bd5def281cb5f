#!/usr/bin/env node
// Whole process, same run, same files: `st3 atomize` against a bare `ts.createSourceFile` pass
// (packages/atomizer/bench/bare-parse.mjs), and `st3 complexity` against ESLint running only the
// `complexity` rule, each timed from spawn to exit by /usr/bin/time; cold (no cache) and warm
// (second run with the cache) separately. Prints one markdown section.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { jsCorpus, mb } from '../../../packages/atomizer/bench/corpus.mjs';

const root = new URL('../../..', import.meta.url).pathname;
const st3 = join(root, 'apps/st3/dist/bin.js');
const bare = join(root, 'packages/atomizer/bench/bare-parse.mjs');
const eslint = join(root, 'node_modules/.bin/eslint');
const store = join(root, 'node_modules/.pnpm') + '/';

/** Runs a command under /usr/bin/time with stdout to a file; returns wall and CPU seconds and peak RSS (MiB). */
function timed(label, cmd, args, cwd, ok = [0]) {
  const outFile = join(cwd, '..', `${label}.out`);
  const fd = openSync(outFile, 'w');
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', fd, 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  closeSync(fd);
  const last = r.stderr.trim().split('\n').at(-1);
  if (!ok.includes(r.status)) throw new Error(`${label}: exit ${r.status}: ${r.stderr.slice(-2000)}`);
  const [wall, user, sys, rss] = last.split(' ').map(Number);
  return { wall, cpu: user + sys, rss: rss / 1024, out: outFile };
}

const { files, bytes } = jsCorpus();
const dir = mkdtempSync(join(tmpdir(), 'st3-bench-atomize-cli-'));
const work = join(dir, 'corpus');
// The files are copied out of node_modules (which walkers skip) keeping their package paths.
const rel = files.map((f) => f.slice(store.length).replace(/\/node_modules\//g, '/'));
files.forEach((f, i) => {
  mkdirSync(dirname(join(work, rel[i])), { recursive: true });
  copyFileSync(f, join(work, rel[i]));
});
const loadStart = loadavg()[0].toFixed(1);
const fmt = (r) => `${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.rss.toFixed(0)}`;
const best = (a, b) => (!a || b.wall < a.wall ? b : a);
try {
  // Atomize: bare parse and st3 atomize --no-cache interleaved, best of 2 by wall time.
  let parse;
  let cold;
  for (let i = 0; i < 2; i++) {
    parse = best(parse, timed('bare', process.execPath, [bare, ...rel], work));
    cold = best(cold, timed('atomize-cold', process.execPath, [st3, 'atomize', '.', '--no-cache'], work));
  }
  const atomsLine = readFileSync(join(dir, 'atomize-cold.out'), 'utf8')
    .split('\n')
    .find((l) => / files, .* atoms/.test(l));
  const first = timed('atomize-first', process.execPath, [st3, 'atomize', '.'], work);
  const warm = timed('atomize-warm', process.execPath, [st3, 'atomize', '.'], work);
  rmSync(join(work, '.st3'), { recursive: true, force: true });

  // Complexity: ESLint with only the complexity rule (max 0: every function reported) against st3 complexity.
  const rule = ['--no-config-lookup', '--rule', '{"complexity": ["error", 0]}'];
  const cacheFile = join(dir, 'eslintcache');
  const eslintCold = timed('eslint-cold', eslint, [...rule, '.'], work, [0, 1]);
  const cxCold = timed('complexity-cold', process.execPath, [st3, 'complexity', '.', '--no-cache'], work);
  const eslintFirst = timed(
    'eslint-first',
    eslint,
    [...rule, '--cache', '--cache-location', cacheFile, '.'],
    work,
    [0, 1],
  );
  const eslintWarm = timed(
    'eslint-warm',
    eslint,
    [...rule, '--cache', '--cache-location', cacheFile, '.'],
    work,
    [0, 1],
  );
  timed('complexity-first', process.execPath, [st3, 'complexity', '.'], work);
  const cxWarm = timed('complexity-warm', process.execPath, [st3, 'complexity', '.'], work);
  const eslintText = readFileSync(join(dir, 'eslint-cold.out'), 'utf8');
  const eslintFunctions = (eslintText.match(/ has a complexity of /g) ?? []).length;
  const eslintFatal = (eslintText.match(/Parsing error/g) ?? []).length;
  const st3Functions = readFileSync(join(dir, 'complexity-cold.out'), 'utf8')
    .split('\n')
    .filter((l) => /complexity/i.test(l)).length;

  const atomRatio = cold.wall / parse.wall;
  const atomCpu = cold.cpu / parse.cpu;
  const cxRatio = eslintCold.wall / cxCold.wall;
  const cxWarmRatio = eslintWarm.wall / cxWarm.wall;
  console.log(`## atomize-cli: \`st3 atomize\` and \`st3 complexity\`, whole process, against their peers

Corpus: ${files.length} files, ${mb(bytes)} MiB (${(bytes / 1e6).toFixed(1)} MB) of JavaScript from installed npm packages, copied to a temp folder;
every command timed from spawn to exit by \`/usr/bin/time\` (wall, user + system CPU of the process and its threads, peak RSS),
stdout to a file. The machine is shared with other agents (1-minute load average ${loadStart} at the start,
${loadavg()[0].toFixed(1)} at the end, 2 cores), so wall times carry their load; \`st3\` uses its default 2 worker threads, the peers one thread.

| command | wall (s) | CPU (s) | peak RSS (MiB) |
|---|---:|---:|---:|
| \`node bare-parse.mjs FILES\` (\`ts.createSourceFile\` per file, best of 2) | ${fmt(parse)} |
| \`st3 atomize . --no-cache\` (cold, best of 2) | ${fmt(cold)} |
| \`st3 atomize .\` (first run, writes the cache) | ${fmt(first)} |
| \`st3 atomize .\` (warm, cache) | ${fmt(warm)} |
| \`eslint --no-config-lookup --rule '{"complexity": ["error", 0]}' .\` (cold) | ${fmt(eslintCold)} |
| the same with \`--cache\` (first run) | ${fmt(eslintFirst)} |
| the same with \`--cache\` (warm) | ${fmt(eslintWarm)} |
| \`st3 complexity . --no-cache\` (cold) | ${fmt(cxCold)} |
| \`st3 complexity .\` (warm, cache) | ${fmt(cxWarm)} |

\`st3 atomize\` summary: ${atomsLine}
ESLint reported ${eslintFunctions} functions (${eslintFatal} parsing errors); \`st3 complexity\` printed ${st3Functions} lines.

- \`st3 atomize\` cold ≤ 1.5× the bare parse (wall): ${atomRatio <= 1.5 ? '**met**' : '**not met**'} (${atomRatio.toFixed(2)}× wall, ${atomCpu.toFixed(2)}× CPU); warm: ${(warm.wall / parse.wall).toFixed(2)}× wall.
- \`st3 complexity\` cold ≥ 5× faster than ESLint's \`complexity\` rule (wall): ${cxRatio >= 5 ? '**met**' : '**not met**'} (${cxRatio.toFixed(1)}× wall, ${(eslintCold.cpu / cxCold.cpu).toFixed(1)}× CPU); warm against \`eslint --cache\`: ${cxWarmRatio.toFixed(1)}× wall.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
