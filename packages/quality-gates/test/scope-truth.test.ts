import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { gateConfigHash, loadQualityConfig, renderQualityConfig, runGates, type GateRunResult } from '../src/index.js';
import { commitAll, git, itWithTools, tempDir, TOOL_PATH, write } from './helpers.js';

/**
 * Scope truth with real git repositories and real ruff: what auto/branch scope passes, the project scope
 * passes too on the same tree, also when the workspace is a folder of its repository (a monorepo) and the
 * change is in a folder above it.
 */
const env = { ...process.env, PATH: TOOL_PATH };
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

const CLEAN = 'import os\n\n\ndef f(x):\n    return os.getcwd() if x is None else x\n';

/** A repository whose workspace (the folder holding .st3/) is `svc/`, with ruff's config at the top. */
function monorepo(): { top: string; ws: string } {
  const t = tempDir('st3-scope-truth-');
  cleanups.push(t.cleanup);
  write(t.dir, {
    '.gitignore': '.ruff_cache/\n.st3/state.json\n.st3/logs/\n',
    'ruff.toml': '[lint]\nselect = ["E", "F"]\n',
    'svc/pkg/a.py': CLEAN,
    'svc/.st3/config/quality.yaml': renderQualityConfig(['ruff']),
  });
  git(t.dir, 'init', '-q');
  commitAll(t.dir, 'base');
  return { top: t.dir, ws: join(t.dir, 'svc') };
}

const STRICTER = '[lint]\nselect = ["E", "F", "ANN"]\n';
const ruff = (r: GateRunResult) => r.gates.find((g) => g.id === 'ruff')!;

describe('a tool config above the workspace root', () => {
  itWithTools(
    ['ruff', 'git'],
    'auto: a changed ../ruff.toml re-checks the project, never "nothing changed"',
    async () => {
      const { top, ws } = monorepo();
      const green = await runGates({ cwd: ws, scope: 'auto', env, logOutput: false });
      expect(green.overall_pass).toBe(true); // the baseline moves
      write(top, { 'ruff.toml': STRICTER });
      const project = await runGates({ cwd: ws, scope: 'project', env, updateState: false, logOutput: false });
      expect(ruff(project).status).toBe('failed');
      const auto = await runGates({ cwd: ws, scope: 'auto', env, logOutput: false });
      expect(ruff(auto).status, ruff(auto).reason).toBe('failed');
      expect(ruff(auto).scope?.reason).toContain('../ruff.toml');
    },
  );

  itWithTools(['ruff', 'git'], 'branch: ../ruff.toml made stricter on the branch re-checks the project', async () => {
    const { top, ws } = monorepo();
    git(top, 'checkout', '-q', '-b', 'feature');
    write(top, { 'ruff.toml': STRICTER });
    commitAll(top, 'stricter');
    const branch = await runGates({ cwd: ws, scope: { kind: 'branch', parentBranch: 'main' }, env, logOutput: false });
    expect(ruff(branch).status, ruff(branch).reason).toBe('failed');
  });
});

describe('the config hash', () => {
  itWithTools(['git'], 'covers a tool config in a folder above the workspace root', async () => {
    const { top, ws } = monorepo();
    const config = (await loadQualityConfig(join(ws, '.st3/config/quality.yaml'))).value!;
    const before = gateConfigHash(ws, config, 'ruff');
    write(top, { 'ruff.toml': STRICTER });
    expect(gateConfigHash(ws, config, 'ruff')).not.toBe(before);
  });
});

describe('nested repositories (submodules, clones)', () => {
  itWithTools(['ruff', 'git'], 'a change inside one never makes auto pass what project fails', async () => {
    const sub = tempDir('st3-scope-sub-');
    cleanups.push(sub.cleanup);
    write(sub.dir, { 'lib.py': 'def g(x):\n    return x\n' });
    git(sub.dir, 'init', '-q');
    commitAll(sub.dir, 'sub');
    const t = tempDir('st3-scope-super-');
    cleanups.push(t.cleanup);
    write(t.dir, {
      '.gitignore': '.ruff_cache/\n.st3/state.json\n.st3/logs/\n',
      'a.py': 'def f(x):\n    return x\n',
      '.st3/config/quality.yaml': renderQualityConfig(['ruff']),
    });
    git(t.dir, 'init', '-q');
    git(t.dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.dir, 'vendor/sub');
    git(t.dir, 'clone', '-q', sub.dir, 'clone');
    commitAll(t.dir, 'base');
    expect((await runGates({ cwd: t.dir, scope: 'auto', env, logOutput: false })).overall_pass).toBe(true);
    const broken = 'import os\ndef g(x):\n    return x == None\n';
    write(t.dir, { 'vendor/sub/lib.py': broken, 'clone/lib.py': broken });
    const auto = await runGates({ cwd: t.dir, scope: 'auto', env, logOutput: false });
    const warnings: string[] = [];
    const project = await runGates({
      cwd: t.dir,
      scope: 'project',
      env,
      updateState: false,
      logOutput: false,
      onProgress: (e) => {
        if (e.type === 'warning') warnings.push(e.message);
      },
    });
    expect(ruff(auto).status).toBe('skipped');
    expect(ruff(project).status, JSON.stringify(ruff(project).violations[0])).toBe('passed');
    expect(warnings.join('\n')).toMatch(/clone\/ left out.*\n.*vendor\/sub\/ left out/);
  });
});
