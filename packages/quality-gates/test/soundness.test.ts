import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect } from 'vitest';
import { findPreset, renderQualityConfig, runGates, type GateRunResult } from '../src/index.js';
import { commitAll, git, itWithTools, tempDir, TOOL_PATH, write } from './helpers.js';

/**
 * Issue 14.1/14.2: on the same tree, `auto` never passes a gate that `project` scope fails — for changes of
 * code (cross-file type breakage, deletions, reverts) and of config (tool config files, quality.yaml).
 * Real git repositories, the real tools: ruff, flake8, mypy, pyright, tsc, eslint.
 */
const env = { ...process.env, PATH: TOOL_PATH };
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** The seed's v1.1 way of writing a gate: no scope_mode, no config_files (auto adds importers of changed files). */
const LEGACY_MYPY = `  legacy_mypy:
    name: "Types (v1.1 style)"
    execution: { command: [mypy, --no-error-summary], timeout_seconds: 300 }
    capabilities:
      file_types: [".py"]
      supports_autofix: false
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<severity>error|warning|note): (?P<message>.+?)(?:\\s+\\[(?P<rule>[^\\]]+)\\])?$'
        severity_default: error
`;

function pythonConfig(presets: string[], legacy = true): string {
  const text = renderQualityConfig(presets);
  if (!legacy) return text;
  return `${text.replace('active_gates: [', 'active_gates: [ legacy_mypy, ')}${LEGACY_MYPY}`;
}

const PY = {
  '.gitignore': '.mypy_cache/\n.ruff_cache/\n__pycache__/\n.st3/state.json\n.st3/logs/\n',
  'pyproject.toml': '[tool.ruff]\nline-length = 100\n',
  'pyrightconfig.json': '{ "include": ["pkg"] }\n',
  'pkg/__init__.py': '',
  'pkg/good.py': 'def good() -> int:\n    return 1\n',
  'pkg/user.py': 'from pkg.good import good\n\n\ndef use() -> int:\n    return good() + 1\n',
  'pkg/other.py': 'def other(x: int) -> int:\n    return x * 2\n\n\ndef loose(y):\n    return y\n',
};
const BROKEN_GOOD = 'def good() -> str:\n    return "1"\n';

function pythonRepo(presets: string[], legacy = true): string {
  const t = tempDir('st3-sound-');
  cleanups.push(t.cleanup);
  write(t.dir, { ...PY, '.st3/config/quality.yaml': pythonConfig(presets, legacy) });
  git(t.dir, 'init', '-q');
  commitAll(t.dir, 'base');
  return t.dir;
}

const isGreen = (status: string): boolean => status === 'passed' || status === 'skipped';

/**
 * Runs auto scope (recording state as the CLI does), then checks on the same tree that every gate auto
 * passed or skipped also passes on the whole project (without touching the state).
 */
async function autoThenProject(dir: string, label: string): Promise<GateRunResult> {
  const auto = await runGates({ cwd: dir, scope: 'auto', env, logOutput: false, concurrency: 3 });
  for (const g of auto.gates) expect(g.status, `${label}: ${g.id}: ${g.reason ?? ''}`).not.toBe('error');
  const green = auto.gates.filter((g) => isGreen(g.status)).map((g) => g.id);
  if (green.length > 0) {
    const project = await runGates({
      cwd: dir,
      scope: 'project',
      gates: green,
      env,
      updateState: false,
      logOutput: false,
      concurrency: 3,
    });
    for (const g of project.gates)
      expect(
        isGreen(g.status),
        `${label}: auto passed ${g.id} but the project fails it: ${JSON.stringify(g.violations.slice(0, 2))}`,
      ).toBe(true);
  }
  return auto;
}

const gate = (r: GateRunResult, id: string) => r.gates.find((g) => g.id === id)!;
const state = (dir: string) => JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8')).quality_gates;

describe('auto scope is sound (real git repositories, real tools)', () => {
  itWithTools(
    ['ruff', 'flake8', 'mypy', 'pyright', 'git'],
    'Python: cross-file breakage, tool config, quality.yaml, --gate, deletion and revert',
    async () => {
      const dir = pythonRepo(['ruff', 'flake8', 'mypy', 'pyright']);
      const first = await autoThenProject(dir, 'no baseline');
      expect(first.overall_pass).toBe(true);
      const base = git(dir, 'rev-parse', 'HEAD');
      expect(state(dir).baseline_sha).toBe(base);

      // good.py's return type breaks its caller user.py, which did not change (the first bug).
      write(dir, { 'pkg/good.py': BROKEN_GOOD });
      const broken = await autoThenProject(dir, 'good.py broken');
      for (const id of ['mypy', 'pyright', 'legacy_mypy']) {
        expect(gate(broken, id).status, id).toBe('failed');
        expect(
          gate(broken, id).violations.some((v) => v.file === 'pkg/user.py'),
          id,
        ).toBe(true);
      }
      expect(gate(broken, 'mypy').scope).toMatchObject({ mode: 'project' });
      expect(gate(broken, 'legacy_mypy').scope!.reason).toContain('importing them');
      expect(gate(broken, 'ruff').scope).toMatchObject({ mode: 'files', files: 1 });
      expect(state(dir).baseline_sha).toBe(base);
      expect(state(dir).gates.pyright.failed_files).toContain('pkg/user.py');

      // A --gate run that passes ruff leaves pyright's failures alone.
      await runGates({ cwd: dir, scope: 'auto', gates: ['ruff'], env, logOutput: false });
      expect(state(dir).failed_files).toContain('pkg/user.py');
      expect(state(dir).baseline_sha).toBe(base);

      write(dir, { 'pkg/good.py': PY['pkg/good.py'] });
      expect((await autoThenProject(dir, 'fixed')).overall_pass).toBe(true);
      expect(state(dir).failed_files).toEqual([]);

      // A stricter tool config, committed: gates that read it run on the project (unchanged files included).
      write(dir, { 'pyrightconfig.json': '{ "include": ["pkg"], "reportMissingParameterType": "error" }\n' });
      commitAll(dir, 'stricter pyright');
      const strict = await autoThenProject(dir, 'stricter pyrightconfig');
      expect(gate(strict, 'pyright')).toMatchObject({ status: 'failed', scope: { mode: 'project' } });
      expect(gate(strict, 'pyright').scope!.reason).toContain('pyrightconfig.json changed');
      write(dir, { 'pyrightconfig.json': PY['pyrightconfig.json'] });
      commitAll(dir, 'relax');
      expect((await autoThenProject(dir, 'relaxed')).overall_pass).toBe(true);

      // quality.yaml made stricter (not a git change: .st3 is ST3's own) — the config hash says so.
      const yaml = join(dir, '.st3/config/quality.yaml');
      const original = readFileSync(yaml, 'utf8');
      writeFileSync(
        yaml,
        original.replace('[mypy, --no-error-summary]', '[mypy, --no-error-summary, --disallow-untyped-defs]'),
      );
      const stricter = await autoThenProject(dir, 'stricter quality.yaml');
      expect(gate(stricter, 'legacy_mypy')).toMatchObject({ status: 'failed' });
      expect(gate(stricter, 'legacy_mypy').scope!.reason).toBe('its config or tool changed since the baseline');
      writeFileSync(yaml, original);

      // Deleting an imported file breaks its importers.
      expect((await autoThenProject(dir, 'quality.yaml restored')).overall_pass).toBe(true);
      rmSync(join(dir, 'pkg/good.py'));
      const deleted = await autoThenProject(dir, 'good.py deleted');
      expect(gate(deleted, 'mypy').status).toBe('failed');
      expect(gate(deleted, 'legacy_mypy').status).toBe('failed');
      git(dir, 'checkout', '--', 'pkg/good.py');

      // Revert: a broken commit checked while the work tree had the fix, then the fix is dropped.
      expect((await autoThenProject(dir, 'restored')).overall_pass).toBe(true);
      write(dir, { 'pkg/good.py': BROKEN_GOOD });
      commitAll(dir, 'broken commit');
      write(dir, { 'pkg/good.py': PY['pkg/good.py'] });
      expect((await autoThenProject(dir, 'fixed in the work tree')).overall_pass).toBe(true);
      expect(state(dir).unverified_files).toEqual(['pkg/good.py']);
      git(dir, 'checkout', '--', 'pkg/good.py');
      const reverted = await autoThenProject(dir, 'work tree reverted to the broken commit');
      expect(gate(reverted, 'mypy').status).toBe('failed');
    },
    600_000,
  );

  itWithTools(
    ['ruff', 'mypy', 'git'],
    'any sequence of code, config, commit, revert and delete steps (property)',
    async () => {
      type Step = (dir: string) => void;
      const yaml = (dir: string) => join(dir, '.st3/config/quality.yaml');
      const steps: Record<string, Step> = {
        breakGood: (d) => write(d, { 'pkg/good.py': BROKEN_GOOD }),
        fixGood: (d) => write(d, { 'pkg/good.py': PY['pkg/good.py'] }),
        lintOther: (d) => write(d, { 'pkg/other.py': `import os\n\n\n${PY['pkg/other.py']}` }),
        unlintOther: (d) => write(d, { 'pkg/other.py': PY['pkg/other.py'] }),
        strictRuff: (d) =>
          write(d, { 'pyproject.toml': `${PY['pyproject.toml']}[tool.ruff.lint]\nextend-select = ["ANN"]\n` }),
        relaxRuff: (d) => write(d, { 'pyproject.toml': PY['pyproject.toml'] }),
        strictYaml: (d) =>
          writeFileSync(
            yaml(d),
            readFileSync(yaml(d), 'utf8').replace('[mypy, --no-error-summary]', '[mypy, --no-error-summary, --strict]'),
          ),
        relaxYaml: (d) => writeFileSync(yaml(d), readFileSync(yaml(d), 'utf8').replace(', --strict]', ']')),
        commit: (d) => {
          git(d, 'add', '-A');
          git(d, 'commit', '-q', '--allow-empty', '-m', 'step');
        },
        revert: (d) => git(d, 'checkout', '--', '.'),
        deleteGood: (d) => rmSync(join(d, 'pkg/good.py'), { force: true }),
      };
      // Every sequence holds a step that breaks something (code, a deletion, a stricter config), with
      // random steps before and after it (commits, reverts, fixes): that is where an unsound scope shows.
      const breaking = ['breakGood', 'deleteGood', 'strictRuff', 'strictYaml', 'lintOther'];
      const any = fc.constantFrom(...Object.keys(steps));
      const sequence = fc
        .tuple(
          fc.array(any, { maxLength: 2 }),
          fc.constantFrom(...breaking),
          fc.array(any, { minLength: 1, maxLength: 3 }),
        )
        .map(([before, breaks, after]) => [...before, breaks, ...after]);
      await fc.assert(
        fc.asyncProperty(sequence, async (names) => {
          const dir = pythonRepo(['ruff', 'mypy']);
          await autoThenProject(dir, 'start');
          for (const [i, name] of names.entries()) {
            steps[name]!(dir);
            await autoThenProject(dir, `${names.slice(0, i + 1).join(' → ')}`);
          }
        }),
        { numRuns: 5, seed: 14, endOnFailure: true },
      );
    },
    900_000,
  );

  itWithTools(
    ['tsc', 'eslint', 'git'],
    'TypeScript: tsc runs on the project when a TS file changes; eslint config changes re-lint everything',
    async () => {
      const t = tempDir('st3-sound-ts-');
      cleanups.push(t.cleanup);
      const dir = t.dir;
      const eslintPreset = findPreset('eslint')!.gate;
      write(dir, {
        '.gitignore': '.st3/state.json\n',
        'tsconfig.json': JSON.stringify({
          compilerOptions: { strict: true, module: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: true },
          include: ['src'],
        }),
        'eslint.config.mjs':
          "export default [{ ignores: ['**/*.ts'] }, { files: ['**/*.js'], rules: { 'no-var': 'error' } }];\n",
        'src/good.ts': 'export function good(): number {\n  return 1;\n}\n',
        'src/user.ts': "import { good } from './good.js';\n\nexport const n: number = good() + 1;\n",
        'src/legacy.js': 'const x = 1;\nexport { x };\n',
        'src/other.js': 'let y = 2;\nexport { y };\n',
        // eslint's config ignores the TS files: its gate lists them as not checked (never cleared).
        '.st3/config/quality.yaml': renderQualityConfig(['tsc', 'eslint']),
      });
      expect(eslintPreset.capabilities.scope_mode).toBe('importers');
      git(dir, 'init', '-q');
      commitAll(dir, 'base');
      expect((await autoThenProject(dir, 'no baseline')).overall_pass).toBe(true);

      write(dir, { 'src/good.ts': "export function good(): string {\n  return '1';\n}\n" });
      const broken = await autoThenProject(dir, 'good.ts broken');
      expect(gate(broken, 'tsc')).toMatchObject({ status: 'failed', scope: { mode: 'project' } });
      expect(gate(broken, 'tsc').violations[0]).toMatchObject({ file: 'src/user.ts', line: 3, rule: 'TS2322' });
      write(dir, { 'src/good.ts': 'export function good(): number {\n  return 1;\n}\n' });
      expect((await autoThenProject(dir, 'fixed')).overall_pass).toBe(true);

      // An eslint config that forbids `let` now fails other.js, which did not change.
      write(dir, {
        'eslint.config.mjs':
          "export default [{ ignores: ['**/*.ts'] }, { files: ['**/*.js'], rules: { 'no-var': 'error', 'prefer-const': 'error' } }];\n",
      });
      const strict = await autoThenProject(dir, 'stricter eslint config');
      expect(gate(strict, 'eslint')).toMatchObject({ status: 'failed', scope: { mode: 'project' } });
      expect(gate(strict, 'eslint').violations[0]).toMatchObject({
        file: 'src/other.js',
        rule: 'prefer-const',
        fixable: true,
      });
    },
    600_000,
  );
});
