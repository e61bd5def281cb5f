#!/usr/bin/env node
// Engine overhead: this package's own gates (eslint + tsc, the repository's lint and typecheck
// commands) through the engine (`runGates`, scope project) against spawning the same commands
// directly, in parallel as the engine does. Goal: ratio ≤ 1.05.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listProjectFiles, runGates } from '../dist/index.js';

const pkgRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(pkgRoot, '../..');
const bin = (name) => join(repoRoot, 'node_modules/.bin', name);
const config = {
  version: '1.1',
  active_gates: ['eslint', 'tsc'],
  project_scope: { include_globs: ['src/**/*.ts', 'test/*.ts'] },
  gates: {
    eslint: {
      name: 'ESLint',
      execution: { command: [bin('eslint'), '-f', 'json', '--no-warn-ignored'] },
      success: { exit_codes_ok: [0] },
      capabilities: {
        file_types: ['.ts'],
        supports_autofix: true,
        parsing_strategy: 'json_violations',
        json_violations: {
          violations_path: '[]/messages',
          field_map: {
            file: '../filePath',
            line: 'line',
            col: 'column',
            rule: 'ruleId',
            message: 'message',
            severity: 'severity',
          },
          severity_map: { 1: 'warning', 2: 'error' },
          fixable_when: 'fix',
        },
      },
    },
    tsc: {
      name: 'TypeScript',
      execution: { command: [bin('tsc'), '--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'], pass_files: 'none' },
      success: { exit_codes_ok: [0] },
      capabilities: {
        file_types: ['.ts'],
        supports_autofix: false,
        parsing_strategy: 'text_violations',
        text_violations: {
          pattern:
            '^(?P<file>.+?)\\((?P<line>\\d+),(?P<col>\\d+)\\): (?P<severity>error|warning) (?P<rule>TS\\d+): (?P<message>.*)$',
        },
      },
    },
  },
};

const files = (await listProjectFiles(pkgRoot)).filter((f) => /^src\/.*\.ts$|^test\/[^/]*\.ts$/.test(f));
// detached like the engine's runner (its own session): on a loaded Linux machine the scheduler's
// autogroups would otherwise give the two sides different CPU shares.
const exec = (argv) =>
  new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: pkgRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true }).on(
      'close',
      resolve,
    );
    child.stdout.resume();
    child.stderr.resume();
  });
const direct = () =>
  Promise.all([exec([...config.gates.eslint.execution.command, ...files]), exec(config.gates.tsc.execution.command)]);
const engine = async () => {
  const r = await runGates({
    cwd: pkgRoot,
    config,
    scope: 'project',
    updateState: false,
    logOutput: false,
    concurrency: 2,
  });
  if (r.gates.some((g) => g.status === 'error' || g.skipped)) throw new Error(`gate did not run: ${r.summary}`);
  return r;
};

await direct(); // warm the file cache and tsc/eslint caches once
const a = [];
const b = [];
for (let i = 0; i < 4; i++) {
  let t = performance.now();
  await direct();
  b.push(performance.now() - t);
  t = performance.now();
  await engine();
  a.push(performance.now() - t);
}
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return (s[1] + s[2]) / 2;
};
const e = median(a);
const d = median(b);
const ratio = e / d;
console.log(`## Gates: engine overhead (eslint + tsc)

The gates of \`@st3/quality-gates\` itself (eslint with the repository config on its ${files.length} TypeScript files, \`tsc --noEmit\` on its tsconfig) run through \`runGates\` (scope project: file listing with .gitignore rules, filtering, argv building, output parsing into violations) against spawning the same two commands directly (also detached, output read and dropped), in parallel in both cases. Median of 4 after one warm-up.

| | time |
|---|---|
| the two commands, spawned directly | ${(d / 1000).toFixed(2)} s |
| \`runGates\` (same commands) | ${(e / 1000).toFixed(2)} s |
| ratio | ${ratio.toFixed(3)}× |

Goal: ≤ 1.05× — ${ratio <= 1.05 ? '**met**' : '**not met**'}.`);
