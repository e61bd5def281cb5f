#!/usr/bin/env node
// `st3 tasks validate` over the 149 real task files (the built CLI, process start included) against
// PyYAML's safe_load of the same files (the parser the original Python task CLI uses), same run.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const tasksDir = resolve(repo, '../shared/fixtures/real-world/tasks');
const files = readdirSync(tasksDir)
  .filter((f) => f.endsWith('.task.yaml'))
  .sort()
  .map((f) => join(tasksDir, f));
const st3 = join(repo, 'apps/st3/dist/bin.js');

const best = (fn, runs = 5) => {
  let min = Infinity;
  let last;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = fn();
    min = Math.min(min, performance.now() - t);
  }
  return { ms: min, last };
};

const ours = best(() =>
  spawnSync(process.execPath, [st3, 'tasks', 'validate', '--json', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  }),
);
const doc = JSON.parse(ours.last.stdout);
const pyCode =
  'import sys, yaml\nbad = 0\nfor f in sys.argv[1:]:\n    try:\n        yaml.safe_load(open(f, encoding="utf-8"))\n    except Exception:\n        bad += 1\nprint(bad)';
const python = ['/usr/bin/python3', 'python3'].find(
  (p) => spawnSync(p, ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0,
);
const peer = python ? best(() => spawnSync(python, ['-c', pyCode, ...files], { encoding: 'utf8' })) : undefined;

const lines = [
  '## Evidence: `st3 tasks validate` over the 149 real task files',
  '',
  `Input: ${files.length} task files of ../shared/fixtures/real-world/tasks (schema 1.0 and 1.1). Best of 5 runs, process start included.`,
  '',
  '| tool | what it does | time | ratio |',
  '|---|---|---:|---:|',
];
if (peer) lines.push(`| PyYAML \`safe_load\` (${python}) | parse only | ${peer.ms.toFixed(0)} ms | 1.00× |`);
lines.push(
  `| \`st3 tasks validate --json\` | parse with line:col, shape (1.0/1.1), completeness rules | ${ours.ms.toFixed(0)} ms | ${peer ? `${(ours.ms / peer.ms).toFixed(2)}×` : 'n/a'} |`,
);
lines.push(
  '',
  `Verdict: ${doc.checked} checked, ${doc.checked - doc.failed} ok, ${doc.failed} with errors (${peer ? `PyYAML fails to parse ${peer.last.stdout.trim()}` : 'no PyYAML peer on this machine'}). Goal: record the figure (the issue sets no ratio); ${(ours.ms / files.length).toFixed(1)} ms per file.`,
);
process.stdout.write(`${lines.join('\n')}\n`);
