#!/usr/bin/env node
// Whole process: `st3 validate` on a 1.4 MB YAML file of 100,000 keys (valid as `--kind state`, and with
// 100,000 schema errors as `--kind quality`), against PyYAML's `safe_load` (libyaml) of the same file in
// python3 — the loader must be linear in the number of keys (issue 20: the quadratic one took 79 s).
// Prints one markdown section. Needs a build (`pnpm build`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const st3 = join(root, 'apps/st3/dist/bin.js');
const dir = mkdtempSync(join(tmpdir(), 'st3-bench-keys-'));
const RUNS = 5;

function flat(keys) {
  const parts = [];
  for (let i = 0; i < keys; i++) parts.push(`k${i}: v${i}\n`);
  return parts.join('');
}

/** Best wall time of RUNS runs of a whole command, and its CPU time (user + sys) in that run. */
function time(argv) {
  let best = { wall: Infinity, cpu: 0 };
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', ...argv], { encoding: 'utf8' });
    const [wall, user, sys] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
    if (wall < best.wall) best = { wall, cpu: user + sys };
  }
  return best;
}

const rows = [];
for (const keys of [10_000, 30_000, 100_000]) {
  const file = join(dir, `keys-${keys}.yaml`);
  const text = flat(keys);
  writeFileSync(file, text);
  const valid = time([process.execPath, st3, 'validate', '--kind', 'state', file, '--json']);
  const invalid = time([process.execPath, st3, 'validate', '--kind', 'quality', file, '--json']);
  const py = time(['/usr/bin/python3', '-c', 'import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)', file]);
  rows.push(
    `| ${keys.toLocaleString('en')} | ${(text.length / 1e6).toFixed(2)} MB | ${valid.wall.toFixed(2)} s (${valid.cpu.toFixed(2)} CPU) | ${invalid.wall.toFixed(2)} s (${invalid.cpu.toFixed(2)} CPU) | ${py.wall.toFixed(2)} s | ${(valid.wall / py.wall).toFixed(2)}x |`,
  );
}
rmSync(dir, { recursive: true, force: true });

process.stdout.write(`## Loader: 100,000 keys, whole process (\`st3 validate\`)

Flat YAML files of N keys (\`k1: v1\` lines). \`st3 validate --kind state\` accepts them; \`--kind quality\` finds every
key unknown (the first 500 errors are located with line and column). Peer: PyYAML's C loader in python3 on the same
file. Best of ${RUNS} runs, process start included; CPU is user + system time of that run.

| keys | size | st3 validate (valid) | st3 validate (100% invalid) | PyYAML CSafeLoader | st3 / PyYAML |
| ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Cost per key stays flat from 10,000 to 100,000 keys (linear); before issue 20 the same 100,000-key file took 79 s.
`);
