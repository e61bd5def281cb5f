import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gateConfigInputs, loadQualityConfig, renderQualityConfig, runGates } from '../src/index.js';
import { commitAll, git, itWithTools, tempDir, TOOL_PATH, write } from './helpers.js';

/**
 * A config shared from a sibling of the workspace (neither in it nor above it), reached through the
 * workspace's own config (`extends`, ruff's `extend`, an ESLint config's import): making it stricter must
 * not leave auto "nothing changed" while project scope fails (ADR 0044).
 */
const env = { ...process.env, PATH: TOOL_PATH };
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** A repository with the workspace in `svc/` and `files` (paths from the repository's top). */
function monorepo(files: Record<string, string>, presets: string[]): { top: string; ws: string } {
  const t = tempDir('st3-refs-');
  cleanups.push(t.cleanup);
  write(t.dir, {
    ...files,
    'svc/.gitignore': '.st3/state.json\n.st3/cache/\n.ruff_cache/\n',
    'svc/.st3/config/quality.yaml': renderQualityConfig(presets),
  });
  git(t.dir, 'init', '-q');
  commitAll(t.dir, 'base');
  return { top: t.dir, ws: join(t.dir, 'svc') };
}

async function autoAndProject(ws: string) {
  const auto = await runGates({ cwd: ws, scope: 'auto', env, logOutput: false });
  const project = await runGates({ cwd: ws, scope: 'project', env, logOutput: false, updateState: false });
  return { auto: auto.gates[0]!, project: project.gates[0]! };
}

describe('config files referenced from outside the workspace', () => {
  itWithTools(['ruff', 'git'], 'ruff: `extend = "../shared/ruff.toml"` made stricter', async () => {
    const { top, ws } = monorepo(
      {
        'shared/ruff.toml': '[lint]\nselect = ["E"]\n',
        'svc/ruff.toml': 'extend = "../shared/ruff.toml"\n',
        'svc/a.py': 'import os\nx = 1\n',
      },
      ['ruff'],
    );
    expect((await runGates({ cwd: ws, scope: 'auto', env, logOutput: false })).overall_pass).toBe(true);

    write(top, { 'shared/ruff.toml': '[lint]\nselect = ["E", "F"]\n' }); // F401: os unused
    const { auto, project } = await autoAndProject(ws);
    expect(project.status).toBe('failed');
    expect(auto).toMatchObject({ status: 'failed', scope: { mode: 'project' } });
    expect(auto.scope!.reason).toBe('its tool config ../shared/ruff.toml changed');

    // Committed, on another branch: branch scope sees it in the diff (no hash there).
    git(top, 'checkout', '-q', '-b', 'stricter');
    commitAll(top, 'stricter shared ruff');
    const branch = await runGates({ cwd: ws, scope: { kind: 'branch', parentBranch: 'main' }, env, logOutput: false });
    expect(branch.gates[0]).toMatchObject({ status: 'failed', scope: { mode: 'project' } });
  });

  itWithTools(['tsc', 'git'], 'tsc: `"extends": "../shared/tsconfig.base.json"` made stricter', async () => {
    const base = (strict: boolean) =>
      JSON.stringify({ compilerOptions: { strict, noEmit: true, skipLibCheck: true, target: 'es2022' } });
    const { top, ws } = monorepo(
      {
        'shared/tsconfig.base.json': base(false),
        // The array form, and `.json` left out, as tsc allows.
        'svc/tsconfig.json': JSON.stringify({ extends: ['../shared/tsconfig.base'], include: ['src'] }),
        'svc/src/a.ts': 'export function f(x) {\n  return x;\n}\n',
      },
      ['tsc'],
    );
    expect((await runGates({ cwd: ws, scope: 'auto', env, logOutput: false })).overall_pass).toBe(true);

    write(top, { 'shared/tsconfig.base.json': base(true) }); // noImplicitAny: f(x) fails
    const { auto, project } = await autoAndProject(ws);
    expect(project.status).toBe('failed');
    expect(auto).toMatchObject({ status: 'failed', scope: { mode: 'project' } });
    expect(auto.scope!.reason).toBe('its tool config ../shared/tsconfig.base.json changed');
  });

  it('follows pyproject [tool.ruff] extend, tsconfig packages and ESLint config imports into the hash', async () => {
    const t = tempDir('st3-refs-');
    cleanups.push(t.cleanup);
    write(t.dir, {
      'shared/ruff.toml': '[lint]\nselect = ["E"]\n',
      'shared/eslint-rules.mjs': "export default { 'no-var': 'error' };\n",
      'shared/more.mjs': 'export default {};\n',
      'svc/pyproject.toml': '[project]\nname = "x"\n\n[tool.ruff]\nextend = "../shared/ruff.toml"\n',
      'svc/eslint.config.mjs': "import rules from '../shared/eslint-rules.mjs';\nexport default [{ rules }];\n",
      'svc/tsconfig.json': '{\n  // a comment\n  "extends": "@tsconfig/strictest"\n}\n',
      'svc/node_modules/@tsconfig/strictest/tsconfig.json': '{ "compilerOptions": { "strict": true } }\n',
      'svc/.st3/config/quality.yaml': renderQualityConfig(['ruff', 'eslint', 'tsc']),
    });
    const ws = join(t.dir, 'svc');
    const config = (await loadQualityConfig(join(ws, '.st3/config/quality.yaml'))).value!;
    expect(gateConfigInputs(ws, config, 'ruff').referenced).toEqual(['../shared/ruff.toml']);
    expect(gateConfigInputs(ws, config, 'tsc').referenced).toEqual(['node_modules/@tsconfig/strictest/tsconfig.json']);
    const eslint = gateConfigInputs(ws, config, 'eslint');
    const tsconfigBase = 'node_modules/@tsconfig/strictest/tsconfig.json'; // the preset reads tsconfig*.json too
    expect(eslint.referenced).toEqual(['../shared/eslint-rules.mjs', tsconfigBase]);

    // A file the imported one imports is followed too.
    write(t.dir, { 'shared/eslint-rules.mjs': "import more from './more.mjs';\nexport default { ...more };\n" });
    const deeper = gateConfigInputs(ws, config, 'eslint');
    expect(deeper.referenced).toEqual(['../shared/eslint-rules.mjs', tsconfigBase, '../shared/more.mjs']);
    expect(deeper.hash).not.toBe(eslint.hash);
    write(t.dir, { 'shared/more.mjs': "export default { 'prefer-const': 'error' };\n" });
    expect(gateConfigInputs(ws, config, 'eslint').hash).not.toBe(deeper.hash);
  });
});
