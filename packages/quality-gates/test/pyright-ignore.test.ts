import { describe, expect, it } from 'vitest';
import { renderQualityConfig, runGates, type RunGatesOptions } from '../src/index.js';
import { tomlPyrightTable } from '../src/run/pyright-config.js';
import { pyrightGlob } from '../src/run/pyright-ignore.js';
import { committedRepos, itWithTools, TOOL_PATH, write } from './helpers.js';

/**
 * pyright's `ignore` (analysed, counted in `filesAnalyzed`, diagnostics dropped) made a gate given only
 * ignored files pass what was never judged. The real pyright, real configs, real git repositories.
 */
const env = { ...process.env, PATH: TOOL_PATH };
const repo = committedRepos('st3-pyright-ignore-');
const run = (cwd: string, options: Partial<RunGatesOptions> = {}) =>
  runGates({ cwd, env, updateState: false, scope: 'project', ...options });

const BAD = 'x: int = "not a number"\n';
const files = (config: Record<string, string>) => ({
  '.st3/config/quality.yaml': renderQualityConfig(['pyright']),
  'src/ok.py': 'y: int = 1\n',
  'src/gen/bad.py': BAD,
  ...config,
});

describe("pyright's `ignore`: files it reports nothing on are not checked, never passed", () => {
  itWithTools(
    ['pyright'],
    'pyrightconfig.json: an ignored file is not_checked; only ignored files is skipped, or an error when named',
    async () => {
      const dir = repo(files({ 'pyrightconfig.json': '{\n  // generated code\n  "ignore": ["src/gen",],\n}\n' }));
      const project = await run(dir);
      expect(project.gates[0]).toMatchObject({ status: 'passed' });
      expect(project.gates[0]!.not_checked).toEqual([
        {
          file: 'src/gen/bad.py',
          reason: expect.stringContaining('pyright config `ignore` ("src/gen" in pyrightconfig.json)'),
        },
      ]);
      const named = await run(dir, { scope: { kind: 'files', files: ['src/gen/bad.py'] } });
      expect(named.overall_pass).toBe(false);
      expect(named.gates[0]).toMatchObject({ status: 'error' });
      expect(named.gates[0]!.reason).toContain('did not check what it was given: src/gen/bad.py (pyright config');
      write(dir, { 'pyrightconfig.json': '{ "ignore": ["src"] }\n' });
      const everyFile = await run(dir);
      expect(everyFile.gates[0]).toMatchObject({ status: 'skipped' });
      expect(everyFile.gates[0]!.not_checked?.map((n) => n.file)).toEqual(['src/gen/bad.py', 'src/ok.py']);
    },
    60_000,
  );

  itWithTools(
    ['pyright'],
    '[tool.pyright] in pyproject.toml, globs, and `extends` (paths relative to the config that sets them)',
    async () => {
      const dir = repo(
        files({
          'pyproject.toml': '[project]\nname = "p"\n\n[tool.pyright]\nignore = [\n  "src/**/b?d.py", # generated\n]\n',
        }),
      );
      const toml = await run(dir);
      expect(toml.gates[0]!.not_checked?.map((n) => n.file)).toEqual(['src/gen/bad.py']);
      write(dir, {
        'pyproject.toml': '[project]\nname = "p"\n',
        'pyrightconfig.json': '{ "extends": "./conf/base.json" }\n',
        'conf/base.json': '{ "ignore": ["../src/*/*.py"] }\n',
      });
      const extended = await run(dir);
      expect(extended.gates[0]!.not_checked?.map((n) => n.file)).toEqual(['src/gen/bad.py']);
      // A child's own `ignore` replaces its base's: nothing is ignored, the error is found.
      write(dir, { 'pyrightconfig.json': '{ "extends": "./conf/base.json", "ignore": [] }\n' });
      const replaced = await run(dir);
      expect(replaced.gates[0]).toMatchObject({ status: 'failed', violations: [{ file: 'src/gen/bad.py' }] });
    },
    60_000,
  );

  itWithTools(['pyright'], 'a [tool.pyright] the engine cannot read is a gate error, never a pass', async () => {
    const dir = repo(files({ 'pyproject.toml': '[tool]\npyright = { ignore = ["src/gen"] }\n' }));
    const r = await run(dir, { scope: { kind: 'files', files: ['src/gen/bad.py'] } });
    expect(r.gates[0]).toMatchObject({ status: 'error', passed: false });
    expect(r.gates[0]!.reason).toContain('inline table');
  });
});

describe('pyright file specs and [tool.pyright] reading', () => {
  it('`**` any folders, `*` and `?` within a segment, a folder covers what is under it', () => {
    const m = (pattern: string, path: string) => pyrightGlob('/w', pattern).test(path);
    expect(m('src/gen', '/w/src/gen/a/b.py')).toBe(true);
    expect(m('src/gen', '/w/src/generated/b.py')).toBe(false);
    expect(m('**/gen_*.py', '/w/a/b/gen_x.py')).toBe(true);
    expect(m('**/gen_*.py', '/w/gen_x.py')).toBe(true);
    expect(m('src/*.py', '/w/src/a/b.py')).toBe(false);
    expect(m('src/?.py', '/w/src/a.py')).toBe(true);
    expect(m('src/?.py', '/w/src/ab.py')).toBe(false);
    expect(m('../x', '/x/y.py')).toBe(true);
    expect(m('a.b', '/w/aXb')).toBe(false);
  });

  it('reads ignore and extends from [tool.pyright], dotted keys and multi-line arrays', () => {
    expect(tomlPyrightTable('[tool.ruff]\nignore = ["E1"]\n', 'p')).toBeUndefined();
    expect(
      tomlPyrightTable('[tool.pyright]\nignore = [\n "a", # c\n \'b\\\\\',\n]\nextends = "base.json"\n', 'p'),
    ).toEqual({ ignore: ['a', 'b\\\\'], extends: 'base.json' });
    expect(tomlPyrightTable('tool.pyright.ignore = ["x"]\n', 'p')).toEqual({ ignore: ['x'] });
    expect(tomlPyrightTable('[tool]\npyright.ignore = ["x"]\n', 'p')).toEqual({ ignore: ['x'] });
    expect(tomlPyrightTable('[tool.pyright]\nstrict = ["s"]\n', 'p')).toEqual({});
    expect(() => tomlPyrightTable('[tool.pyright]\nignore = """x"""\n', 'p')).toThrow(/cannot read/);
  });
});
