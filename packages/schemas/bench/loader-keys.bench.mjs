#!/usr/bin/env node
// Whole process: `st3 validate` on a 1.4 MB YAML file of 100,000 keys (valid as `--kind state`, and with
// 100,000 schema errors as `--kind quality`), against PyYAML's `safe_load` (libyaml) of the same file in
// python3 — the loader must be linear in the number of keys (issue 20: the quadratic one took 79 s).
// Prints one markdown section. Needs a build (`pnpm build`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLine, timeCommand } from '../../../tooling/bench/lib.mjs';

const root = new URL('../../..', import.meta.url).pathname;
const st3 = join(root, 'apps/st3/dist/bin.js');
const dir = mkdtempSync(join(tmpdir(), 'st3-bench-keys-'));
const RUNS = 5;

function flat(keys) {
  const parts = [];
  for (let i = 0; i < keys; i++) parts.push(`k${i}: v${i}\n`);
  return parts.join('');
}

/** Best wall time of RUNS runs of a whole command (checked exit status), and its CPU time (user + sys). */
const time = (argv, expectedStatus) => {
  const r = timeCommand(argv, { runs: RUNS, expectedStatus });
  return { wall: r.best, cpu: r.cpu };
};

const rows = [];
const perKey = [];
for (const keys of [10_000, 30_000, 100_000]) {
  const file = join(dir, `keys-${keys}.yaml`);
  const text = flat(keys);
  writeFileSync(file, text);
  const valid = time([process.execPath, st3, 'validate', '--kind', 'state', file, '--json'], 0);
  const invalid = time([process.execPath, st3, 'validate', '--kind', 'quality', file, '--json'], 1);
  perKey.push({ keys, bytes: text.length, wall: valid.wall, cpu: valid.cpu });
  const py = time([
    '/usr/bin/python3',
    '-c',
    'import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)',
    file,
  ]);
  rows.push(
    `| ${keys.toLocaleString('en')} | ${(text.length / 1e6).toFixed(2)} MB | ${valid.wall.toFixed(2)} s (${valid.cpu.toFixed(2)} CPU) | ${invalid.wall.toFixed(2)} s (${invalid.cpu.toFixed(2)} CPU) | ${py.wall.toFixed(2)} s | ${(valid.wall / py.wall).toFixed(2)}x |`,
  );
}
rmSync(dir, { recursive: true, force: true });
// Linear means the marginal CPU cost of a key does not grow with the file. Files above 256 KiB take the fast
// path (below it positions are kept as the file is parsed), so the marginal cost is taken between sizes on the
// same path; process start cancels out in the difference. The position-keeping path's linearity is checked by
// test/load-linear.test.ts.
const fast = perKey.filter((p) => p.bytes > 256 * 1024);
const marginal = (a, b) => ((b.cpu - a.cpu) / (b.keys - a.keys)) * 1e6;
const verdict =
  fast.length < 2
    ? 'not measured (fewer than two sizes on the fast path)'
    : `${marginal(fast[0], fast.at(-1)).toFixed(1)} µs of CPU per extra key from ${fast[0].keys.toLocaleString('en')} to ${fast.at(-1).keys.toLocaleString('en')} keys (fast path, above 256 KiB; ${perKey[0].keys.toLocaleString('en')} keys take the position-keeping path)`;
const big = perKey.at(-1);
process.stdout.write(`## Loader: 100,000 keys, whole process (\`st3 validate\`)

Flat YAML files of N keys (\`k1: v1\` lines). \`st3 validate --kind state\` accepts them; \`--kind quality\` finds every
key unknown (the first 500 errors are located with line and column). Peer: PyYAML's C loader in python3 on the same
file. Best of ${RUNS} runs, process start included; CPU is user + system time of that run.

| keys | size | st3 validate (valid) | st3 validate (100% invalid) | PyYAML CSafeLoader | st3 / PyYAML |
| ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Marginal cost: ${verdict}. Goal (issue 20.5): 100,000 keys within 2 s — ${big.wall <= 2 ? 'met' : 'not met'} (${big.wall.toFixed(2)} s wall, ${big.cpu.toFixed(2)} s CPU). Before issue 20 the same file took 79 s. Recorded under ${loadLine()}.
`);
