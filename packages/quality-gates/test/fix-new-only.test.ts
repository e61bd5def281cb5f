import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GateRunResultSchema } from '@st3/schemas';
import { renderQualityConfig, runGates, toSarif } from '../src/index.js';
import { commitAll, git, itWithTools, missingTools, tempDir, TOOL_PATH, write } from './helpers.js';

const env = { ...process.env, PATH: TOOL_PATH };
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function repo(files: Record<string, string>, presets: string[]): string {
  const t = tempDir('st3-fix-');
  cleanups.push(t.cleanup);
  write(t.dir, {
    '.gitignore': '.ruff_cache/\n.st3/state.json\n',
    '.st3/config/quality.yaml': renderQualityConfig(presets),
    ...files,
  });
  git(t.dir, 'init', '-q');
  commitAll(t.dir, 'base');
  return t.dir;
}
const state = (dir: string) => JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8')).quality_gates;

describe('--new-only: hold the line (issue 14.8)', () => {
  itWithTools(
    ['ruff', 'git'],
    'reports only violations on lines changed since the reference; the others are counted, kept in state and in SARIF as unchanged',
    async () => {
      const dir = repo({ 'a.py': 'import os\n\n\ndef f(x: int) -> int:\n    return x\n' }, ['ruff']);
      // A feature branch measured from its merge base with main (never gated: no baseline).
      git(dir, 'checkout', '-q', '-b', 'feature');
      write(dir, { 'a.py': 'import os\n\n\ndef f(x: int) -> int:\n    import sys\n    return x\n' });
      const branch = { kind: 'branch', parentBranch: 'main' } as const;
      const r = await runGates({ cwd: dir, scope: branch, newOnly: true, env, logOutput: false });
      const ruff = r.gates[0]!;
      expect(r.new_only).toEqual({ reference: git(dir, 'rev-parse', 'main'), method: 'reference-run', preexisting: 1 });
      expect(ruff.status).toBe('failed');
      expect(ruff.violations.map((v) => [v.line, v.rule])).toEqual([[5, 'F401']]);
      expect(ruff.preexisting_violations!.map((v) => [v.line, v.rule])).toEqual([[1, 'F401']]);
      expect(r.summary).toMatch(/· 1 pre-existing ·/);
      expect(GateRunResultSchema.parse(r)).toEqual(r);
      const sarif = toSarif(r) as { runs: { results: { baselineState: string }[] }[] };
      expect(sarif.runs[0]!.results.map((x) => x.baselineState)).toEqual(['new', 'unchanged']);

      // The new violation fixed: the gate passes, the old one is still counted and still recorded as failing.
      write(dir, { 'a.py': 'import os\n\n\ndef f(x: int) -> int:\n    return x + 1\n' });
      const held = await runGates({ cwd: dir, scope: branch, newOnly: true, env, logOutput: false });
      expect(held.overall_pass).toBe(true);
      expect(held.gates[0]).toMatchObject({
        status: 'passed',
        violations: [],
        reason: '1 pre-existing violation (--new-only)',
      });
      expect(state(dir).failed_files).toEqual(['a.py']);
      expect(state(dir).baseline_sha).toBeNull();
      // Without --new-only the same tree fails: pre-existing violations never make a plain run green.
      expect((await runGates({ cwd: dir, env, logOutput: false, updateState: false })).overall_pass).toBe(false);
    },
    300_000,
  );
});

describe('--fix (issue 14.7)', () => {
  itWithTools(
    ['ruff', 'git'],
    "runs each failing gate's fix command on its files, runs the gates again and reports what changed",
    async () => {
      const before = 'import os\n\n\ndef f() -> int:\n    unused = 1\n    return 2\n';
      const dir = repo({ 'a.py': before, 'b.py': 'x=1\n', 'ok.py': 'y = 2\n' }, ['ruff', 'ruff-format']);
      // Nothing is fixed without fix: true.
      const plain = await runGates({ cwd: dir, env, logOutput: false, updateState: false });
      expect(plain.gates.map((g) => [g.id, g.status])).toEqual([
        ['ruff', 'failed'],
        ['ruff-format', 'failed'],
      ]);
      expect(plain.gates[0]!.violations.map((v) => [v.rule, v.fixable])).toEqual([
        ['F401', true],
        ['F841', false],
      ]);
      expect(readFileSync(join(dir, 'a.py'), 'utf8')).toBe(before);

      const fixed = await runGates({ cwd: dir, env, logOutput: false, fix: true });
      expect(fixed.fix).toMatchObject({
        fixers: [
          { gate: 'ruff', command: ['ruff', 'check', '--fix', '--quiet'], files: 3 },
          { gate: 'ruff-format', command: ['ruff', 'format', '--quiet'], files: 3 },
        ],
        files_changed: ['a.py', 'b.py'],
        violations_before: 3,
        violations_after: 1,
        fixed: 2,
      });
      // The unsafe fix (F841) is left alone and still fails the gate.
      expect(fixed.gates.map((g) => [g.id, g.status])).toEqual([
        ['ruff', 'failed'],
        ['ruff-format', 'passed'],
      ]);
      expect(fixed.gates[0]!.violations.map((v) => v.rule)).toEqual(['F841']);
      expect(readFileSync(join(dir, 'a.py'), 'utf8')).not.toContain('import os');
      expect(readFileSync(join(dir, 'b.py'), 'utf8')).toBe('x = 1\n');
      expect(state(dir).failed_files).toEqual(['a.py']);
      expect(GateRunResultSchema.parse(fixed)).toEqual(fixed);
    },
    300_000,
  );
});

describe('tools come from the workspace (issue 13.1)', () => {
  const eslintBin = TOOL_PATH.split(':')
    .map((d) => join(d, 'eslint'))
    .find((p) => missingTools(['eslint'], p.slice(0, -'/eslint'.length)).length === 0);

  it('a preset whose tool is not installed says "tool not found: X" with the install hint', async () => {
    const dir = repo({ 'a.js': 'export const a = 1;\n' }, ['eslint']);
    const r = await runGates({ cwd: dir, env: { PATH: '/usr/bin:/bin' }, logOutput: false, updateState: false });
    expect(r.gates[0]).toMatchObject({
      status: 'error',
      reason: 'tool not found: eslint (npm install --save-dev eslint)',
    });
  });

  it.skipIf(!eslintBin)("a bare tool name runs the workspace's node_modules/.bin copy", async () => {
    const dir = repo(
      {
        'a.js': 'var a = 1;\nexport { a };\n',
        'eslint.config.mjs': "export default [{ rules: { 'no-var': 'error' } }];\n",
      },
      ['eslint'],
    );
    mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
    // As a package manager would: a launcher in the workspace's node_modules/.bin.
    writeFileSync(join(dir, 'node_modules/.bin/eslint'), `#!/bin/sh\nexec ${JSON.stringify(eslintBin)} "$@"\n`, {
      mode: 0o755,
    });
    const r = await runGates({ cwd: dir, env: { PATH: '/usr/bin:/bin' }, logOutput: false, updateState: false });
    expect(r.gates[0]!.status, r.gates[0]!.reason).toBe('failed');
    expect(r.gates[0]!.violations[0]).toMatchObject({ file: 'a.js', line: 1, col: 1, rule: 'no-var', fixable: true });
  });
});
