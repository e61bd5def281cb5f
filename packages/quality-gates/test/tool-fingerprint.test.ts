import { chmodSync, existsSync, mkdirSync, renameSync, utimesSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runGates, type GateRunResult } from '../src/index.js';
import { findExecutable } from '@st3/process';
import { toolFingerprint } from '../src/scope/tool-fingerprint.js';
import { commitAll, git, itWithTools, tempDir, write } from './helpers.js';

/**
 * A tool upgraded outside the workspace (pip, a global npm install) changes no file auto scope diffs: the
 * tool's fingerprint in the gate's config hash puts the gate on project scope (ADR 0044).
 */
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

const GATE = (command: string) => `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: lint
    execution: { command: ${command}, timeout_seconds: 30 }
    capabilities:
      file_types: [".py"]
      supports_autofix: false
      scope_mode: files
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<message>.+)$'
        severity_default: error
`;
const PASSES = '#!/bin/sh\nexit 0\n';
const FAILS = '#!/bin/sh\nfor f in "$@"; do echo "$f:1: rule R1 (new in v2)"; done\nexit 1\n';

function scratch(): string {
  const t = tempDir('st3-tool-');
  cleanups.push(t.cleanup);
  return t.dir;
}

function repo(dir: string, quality: string): void {
  write(dir, {
    '.gitignore': '.st3/state.json\n.st3/cache/\n',
    'a.py': 'x = 1\n',
    '.st3/config/quality.yaml': quality,
  });
  git(dir, 'init', '-q');
  commitAll(dir, 'base');
}

function executable(path: string, text: string): void {
  write(path.slice(0, path.lastIndexOf('/')), { [path.slice(path.lastIndexOf('/') + 1)]: text });
  chmodSync(path, 0o755);
}

const lint = (r: GateRunResult) => r.gates[0]!;

describe('the tool fingerprint in the config hash', () => {
  itWithTools(['git'], 'a linter on PATH upgraded between runs: auto re-checks the project', async () => {
    const top = scratch();
    const bin = join(top, 'bin');
    const ws = join(top, 'ws');
    executable(join(bin, 'fakelint'), PASSES);
    repo(ws, GATE('[fakelint]'));
    const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
    const run = (scope: 'auto' | 'project') =>
      runGates({ cwd: ws, scope, env, logOutput: false, updateState: scope === 'auto' });
    expect((await run('auto')).overall_pass).toBe(true);
    // Nothing changed, the same tool: auto skips (no needless project run).
    expect(lint(await run('auto'))).toMatchObject({ status: 'skipped' });

    executable(join(bin, 'fakelint'), FAILS); // the "upgrade": same path, new behaviour
    expect(lint(await run('project')).status).toBe('failed');
    const auto = lint(await run('auto'));
    expect(auto).toMatchObject({ status: 'failed', scope: { mode: 'project' } });
    expect(auto.scope!.reason).toBe('its config or tool changed since the baseline');
  });

  itWithTools(['git', 'python3'], '`python -m X`: X upgraded in the venv, the interpreter unchanged', async () => {
    const top = scratch();
    const venv = join(top, 'venv');
    const site = join(venv, 'lib', 'python3.11', 'site-packages');
    // A venv's python that runs the real one with the venv's site-packages (the interpreter never changes).
    write(venv, { 'pyvenv.cfg': 'home = /usr/bin\ninclude-system-site-packages = false\n' });
    executable(join(venv, 'bin', 'python3'), `#!/bin/sh\nPYTHONPATH="${site}" exec python3 "$@"\n`);
    write(site, {
      'fakelint/__init__.py': '',
      'fakelint/__main__.py': 'import sys\nsys.exit(0)\n',
      'fakelint-1.0.dist-info/METADATA': 'Name: fakelint\nVersion: 1.0\n',
    });
    const ws = join(top, 'ws');
    repo(ws, GATE(`[${join(venv, 'bin', 'python3')}, -m, fakelint]`));
    const env = { ...process.env };
    const run = (scope: 'auto' | 'project') =>
      runGates({ cwd: ws, scope, env, logOutput: false, updateState: scope === 'auto' });
    expect((await run('auto')).overall_pass).toBe(true);
    expect(lint(await run('auto'))).toMatchObject({ status: 'skipped' });

    // pip install -U fakelint: a new dist-info folder, new code; the module's files may keep old mtimes.
    renameSync(join(site, 'fakelint-1.0.dist-info'), join(site, 'fakelint-2.0.dist-info'));
    write(site, {
      'fakelint/__main__.py':
        'import sys\nfor f in sys.argv[1:]:\n    print(f"{f}:1: rule R1 (new in v2)")\nsys.exit(1)\n',
    });
    utimesSync(join(site, 'fakelint/__main__.py'), new Date(0), new Date(0));
    expect(lint(await run('project')).status).toBe('failed');
    expect(lint(await run('auto'))).toMatchObject({ status: 'failed', scope: { mode: 'project' } });
  });

  it('follows a pnpm node_modules/.bin shim to its package: a new version is a new fingerprint', () => {
    const ws = scratch();
    const pkg = join(ws, 'node_modules/.pnpm/fakelint@1.0.0/node_modules/fakelint');
    write(pkg, { 'package.json': '{ "name": "fakelint", "version": "1.0.0" }\n', 'bin/fakelint.js': 'run()\n' });
    executable(
      join(ws, 'node_modules/.bin/fakelint'),
      '#!/bin/sh\nbasedir=$(dirname "$0")\nexec node  "$basedir/../.pnpm/fakelint@1.0.0/node_modules/fakelint/bin/fakelint.js" "$@"\n',
    );
    const lookup = { cwd: ws, env: { PATH: join(ws, 'node_modules/.bin') } };
    const before = toolFingerprint(['fakelint'], lookup);
    expect(before.some((l) => l.includes(join(pkg, 'package.json')))).toBe(true);
    // npm's tarballs give every file one mtime and the bin script is the same: the manifest tells them apart.
    const shim = join(ws, 'node_modules/.bin/fakelint');
    write(pkg, { 'package.json': '{ "name": "fakelint", "version": "2.0.0" }\n' });
    utimesSync(shim, new Date(0), new Date(0));
    const after = toolFingerprint(['fakelint'], lookup);
    expect(after).not.toEqual(before);
    utimesSync(shim, new Date(1000), new Date(1000));
    expect(toolFingerprint(['fakelint'], lookup)).not.toEqual(after); // the shim rewritten: seen too
  });

  it('a program that cannot be found is one stable line, never a throw', () => {
    const ws = scratch();
    const lookup = { cwd: ws, env: { PATH: ws } };
    expect(findExecutable('no-such-tool-st3', lookup)).toBeUndefined();
    expect(toolFingerprint(['no-such-tool-st3', '-x'], lookup)).toEqual(['no-such-tool-st3: not found']);
    expect(toolFingerprint(['./missing/tool'], lookup)).toEqual(['./missing/tool: not found']);
  });

  it('resolves a runner to its tool (`npx X`, `uv run X`) and ruff where installed', () => {
    const ws = scratch();
    mkdirSync(join(ws, '.venv/bin'), { recursive: true });
    executable(join(ws, '.venv/bin/tool'), PASSES);
    executable(join(ws, 'bin/uv'), PASSES);
    const lookup = { cwd: ws, env: { PATH: join(ws, 'bin') } };
    const lines = toolFingerprint(['uv', 'run', '--frozen', 'tool', 'check'], lookup);
    expect(lines.some((l) => l.startsWith(`tool: ${join(ws, '.venv/bin/tool')}:`))).toBe(true);
    const ruff = join(dirname(fileURLToPath(import.meta.url)), '../../../.tools/bin/ruff');
    if (existsSync(ruff)) {
      const found = toolFingerprint(['ruff', 'check'], { cwd: ws, env: { PATH: join(ruff, '..') } });
      expect(found[0]).toMatch(/^ruff: \/.+\/bin\/ruff:\d+:\d+$/);
    }
  });
});
