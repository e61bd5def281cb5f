#!/usr/bin/env node
// `pnpm bench`: runs every benchmark script (`packages/*/bench/*.bench.mjs`, `apps/*/bench/*.bench.mjs`,
// `tooling/bench/*.bench.mjs`), each a standalone program that prints one markdown section on stdout,
// and records each section in docs/benchmarks.md between `<!-- bench:NAME -->` markers.
// `node tooling/bench/run.mjs NAME...` runs only the named benchmarks (NAME = file name without .bench.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const docPath = join(root, 'docs/benchmarks.md');

function findBenches() {
  const out = [];
  const groups = [['packages'], ['apps'], ['tooling']];
  for (const [group] of groups) {
    const base = join(root, group);
    const dirs = group === 'tooling' ? [base] : readdirSync(base).map((d) => join(base, d));
    for (const dir of dirs) {
      const benchDir = join(dir, 'bench');
      if (!existsSync(benchDir)) continue;
      for (const f of readdirSync(benchDir).sort()) if (f.endsWith('.bench.mjs')) out.push(join(benchDir, f));
    }
  }
  return out;
}

function machine() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

function record(name, section) {
  let doc = existsSync(docPath)
    ? readFileSync(docPath, 'utf8')
    : '# Benchmarks\n\nRecorded by `pnpm bench` (each section by `node tooling/bench/run.mjs NAME`). Every benchmark runs the peer tool on the same input in the same run and reports the ratio.\n';
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${section.trim()}\n\n_Machine: ${machine()}._\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i !== -1 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(docPath, doc);
}

const only = process.argv.slice(2);
let failed = 0;
for (const file of findBenches()) {
  const name = basename(file, '.bench.mjs');
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench ${name} ...\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', file], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`bench ${name} failed with exit ${r.status}\n`);
    continue;
  }
  record(name, r.stdout);
  process.stdout.write(r.stdout);
}
process.exitCode = failed > 0 ? 1 : 0;
