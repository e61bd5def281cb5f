#!/usr/bin/env node
// Engine overhead: this package's own gates (eslint + tsc, the repository's lint and typecheck
// commands) run by what the user runs — the whole `st3 gates --scope project` process — against
// spawning the same commands directly, in parallel as the engine does; the engine in process
// (`runGates`) beside it. Goal: ratio ≤ 1.05.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

// The whole CLI process: the same config as a file (JSON is YAML), the package as the workspace, no state.
const configDir = mkdtempSync(join(tmpdir(), 'st3-gates-bench-'));
const configFile = join(configDir, 'quality.yaml');
writeFileSync(configFile, JSON.stringify(config));
const st3 = join(repoRoot, 'apps/st3/dist/bin.js');
const cli = () =>
  new Promise((resolve, reject) => {
    const args = [st3, 'gates', '--scope', 'project', '--no-state', '--json', '--cwd', pkgRoot, '--config', configFile];
    const child = spawn(process.execPath, args, { cwd: pkgRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.resume();
    child.on('close', (code) => {
      const r = JSON.parse(out);
      if (code !== 0 || r.gates.some((g) => g.status !== 'passed'))
        reject(new Error(`st3 gates did not pass both gates (exit ${code}): ${r.summary}`));
      else resolve(r);
    });
  });

await direct(); // warm the file cache and tsc/eslint caches once
const a = [];
const b = [];
const c = [];
try {
  for (let i = 0; i < 4; i++) {
    let t = performance.now();
    await direct();
    b.push(performance.now() - t);
    t = performance.now();
    await cli();
    c.push(performance.now() - t);
    t = performance.now();
    await engine();
    a.push(performance.now() - t);
  }
} finally {
  rmSync(configDir, { recursive: true, force: true });
}
const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return (s[1] + s[2]) / 2;
};
const e = median(a);
const d = median(b);
const w = median(c);
const ratio = w / d;
const load = (await import('node:os')).loadavg()[0].toFixed(1);
console.log(`## Gates: engine overhead (eslint + tsc)

The gates of \`@st3/quality-gates\` itself (eslint with the repository config on its ${files.length} TypeScript files, \`tsc --noEmit\` on its tsconfig), run by what the user runs — the whole \`st3 gates --scope project --no-state --json\` process (Node start, module loading, quality.yaml, file listing with .gitignore rules, filtering, argv building, output parsing into violations, the JSON document) — against spawning the same two commands directly (detached, output read and dropped), in parallel in both cases; the engine in process (\`runGates\`) beside it. Interleaved, median of 4 after one warm-up. Load average at the end: ${load} on 2 cores (a shared machine: absolute times grow with it).

| | time | vs direct |
|---|---|---|
| the two commands, spawned directly | ${(d / 1000).toFixed(2)} s | 1.000× |
| \`st3 gates --scope project\` (whole process, same commands) | ${(w / 1000).toFixed(2)} s | ${ratio.toFixed(3)}× |
| in process: \`runGates\` (same commands) | ${(e / 1000).toFixed(2)} s | ${(e / d).toFixed(3)}× |

Goal: whole process ≤ 1.05× — ${ratio <= 1.05 ? '**met**' : '**not met**'}. The whole process costs ${((w - d) / 1000).toFixed(2)} s more than the two commands, the engine in process ${((e - d) / 1000).toFixed(2)} s; ${w > e ? `the difference between those two, ${((w - e) / 1000).toFixed(2)} s, is the \`st3\` process's own start (Node, module loading, quality.yaml)` : 'the process start does not show beside the engine run in this process (within run-to-run spread)'}. Spread of the four runs of the two commands alone: ${(Math.min(...b) / 1000).toFixed(2)}–${(Math.max(...b) / 1000).toFixed(2)} s; of the whole process: ${(Math.min(...c) / 1000).toFixed(2)}–${(Math.max(...c) / 1000).toFixed(2)} s.`);
