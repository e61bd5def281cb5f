#!/usr/bin/env node
// CLI startup: `st3 --version` and `st3 validate` on the 149 real task files, against `node -e 0`
// in the same run. Prints one markdown section. Needs a build (`pnpm build`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'apps/st3/dist/bin.js');
const tasksDir = join(root, '../shared/fixtures/real-world/tasks');
if (!existsSync(bin)) {
  console.error('build first: pnpm build');
  process.exit(1);
}
const taskFiles = readdirSync(tasksDir)
  .filter((f) => f.endsWith('.task.yaml'))
  .map((f) => join(tasksDir, f));

function timeRun(args, runs, expectCode) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== expectCode)
      throw new Error(`${args.join(' ')} exited ${r.status}, expected ${expectCode}\n${r.stderr}`);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

// Interleave so that machine noise hits every command alike.
const rounds = 5;
const acc = { node: [], version: [], help: [], validate: [] };
for (let i = 0; i < rounds; i++) {
  acc.node.push(timeRun(['-e', '0'], 5, 0).median);
  acc.version.push(timeRun([bin, '--version'], 5, 0).median);
  acc.help.push(timeRun([bin, '--help'], 3, 0).median);
  acc.validate.push(timeRun([bin, 'validate', '--quiet', ...taskFiles], 1, 1).median);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const node = median(acc.node);
const version = median(acc.version);
const help = median(acc.help);
const validate = median(acc.validate);
const ratio = version / node;
const goal = 2.5;
const f = (ms) => `${ms.toFixed(1)} ms`;

console.log(`## CLI startup (\`st3 --version\`, \`st3 validate\` on ${taskFiles.length} task files)

Median wall time of ${rounds} interleaved rounds (each the median of several runs), child processes spawned from Node.

| command | wall time | vs \`node -e 0\` |
|---|---|---|
| \`node -e 0\` | ${f(node)} | 1.00× |
| \`st3 --version\` | ${f(version)} | ${ratio.toFixed(2)}× |
| \`st3 --help\` | ${f(help)} | ${(help / node).toFixed(2)}× |
| \`st3 validate\` ${taskFiles.length} task files (exit 1: 10 are invalid) | ${f(validate)} | ${(validate / node).toFixed(2)}× (${((validate - node) / taskFiles.length).toFixed(2)} ms/file over bare node) |

Goal: \`st3 --version\` ≤ ${goal}× bare node — **${ratio <= goal ? 'met' : 'not met'}** (${ratio.toFixed(2)}×).`);
