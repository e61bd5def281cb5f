import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changedLinesSince, planGateRun, runGates, type GateProgress, type RunGatesOptions } from '../src/index.js';
import { commitAll, git, itWithTools, tempDir, TOOL_PATH, write } from './helpers.js';

/**
 * Reviewer findings on `st3 gates`: --new-only calling new violations "pre-existing" (after a deletion, and
 * with no baseline), auto scope skipping a type-checker when only a `.pyi` stub changed, and a `files` run
 * passing while a listed file was checked by no gate. Real git repositories, real ruff and mypy.
 */
const env = { ...process.env, PATH: TOOL_PATH };
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** The reviewer's config: ruff and mypy (v1.1 style, importers scope), project scope src/**\/*.py. */
const CONFIG = `version: "1.1"
active_gates: [ruff_lint, mypy_types]
project_scope:
  include_globs: ["src/**/*.py"]
gates:
  ruff_lint:
    name: "Ruff lint"
    execution: {command: ["ruff", "check", "--isolated", "--output-format=json", "--select=E,F"], timeout_seconds: 60}
    success: {exit_codes_ok: [0]}
    capabilities:
      file_types: [".py"]
      supports_autofix: true
      parsing_strategy: "json_violations"
      json_violations:
        violations_path: null
        field_map: {file: "filename", line: "location/row", col: "location/column", rule: "code", message: "message"}
  mypy_types:
    name: "mypy"
    execution: {command: ["mypy", "--strict", "--no-error-summary"], timeout_seconds: 120}
    success: {exit_codes_ok: [0]}
    capabilities:
      file_types: [".py"]
      supports_autofix: false
      parsing_strategy: "text_violations"
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<severity>error|warning|note): (?P<message>.+?)(?:\\s+\\[(?P<rule>[^\\]]+)\\])?$'
        severity_default: "error"
`;

function repo(files: Record<string, string>): string {
  const t = tempDir('st3-truth-');
  cleanups.push(t.cleanup);
  write(t.dir, {
    '.gitignore': '.ruff_cache/\n.mypy_cache/\n__pycache__/\n.st3/state.json\n.st3/logs/\n.st3/cache/\n',
    '.st3/config/quality.yaml': CONFIG,
    ...files,
  });
  git(t.dir, 'init', '-q');
  commitAll(t.dir, 'init');
  return t.dir;
}
const state = (dir: string) => JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8')).quality_gates;
const run = (dir: string, extra: Partial<RunGatesOptions> = {}) =>
  runGates({ cwd: dir, env, logOutput: false, ...extra });

describe('--new-only: a violation is pre-existing only when it can be shown to have existed at the reference', () => {
  itWithTools(
    ['ruff', 'mypy', 'git'],
    'after a green baseline, nothing is pre-existing: deleting an import breaks an unchanged line, and --new-only fails',
    async () => {
      const dir = repo({ 'src/a.py': 'import os\n\n\ndef f(x: int) -> int:\n    return os.getpid() + x\n' });
      const green = await run(dir);
      expect(green.overall_pass).toBe(true);
      expect(state(dir).baseline_sha).toBe(git(dir, 'rev-parse', 'HEAD'));

      write(dir, { 'src/a.py': '\n\ndef f(x: int) -> int:\n    return os.getpid() + x\n' });
      const held = await run(dir, { newOnly: true, updateState: false });
      expect(held.overall_pass).toBe(false);
      expect(held.new_only).toEqual({ reference: state(dir).baseline_sha, method: 'baseline-hash', preexisting: 0 });
      const ruff = held.gates.find((g) => g.id === 'ruff_lint')!;
      expect(ruff.status).toBe('failed');
      expect(ruff.violations.map((v) => [v.line, v.rule])).toEqual([[4, 'F821']]);
      expect(held.gates.every((g) => (g.preexisting_violations ?? []).length === 0)).toBe(true);
      expect(held.summary).not.toMatch(/pre-existing/);
      // --new-only is never greener than a plain run of the same tree.
      expect((await run(dir, { updateState: false })).overall_pass).toBe(false);
    },
    300_000,
  );

  itWithTools(
    ['ruff', 'git'],
    'with no baseline there is no reference: every violation counts (never HEAD), and a warning says so',
    async () => {
      // Committed without ever being gated: no baseline in the state.
      const dir = repo({ 'src/a.py': 'def f(x):\n    return undefined_name + x\n' });
      const events: GateProgress[] = [];
      const r = await run(dir, { newOnly: true, updateState: false, onProgress: (e) => events.push(e) });
      expect(r.overall_pass).toBe(false);
      expect(r.new_only).toEqual({ reference: null, method: 'none', preexisting: 0 });
      const ruff = r.gates.find((g) => g.id === 'ruff_lint')!;
      expect(ruff.status).toBe('failed');
      expect(ruff.violations.map((v) => v.rule)).toEqual(['F821']);
      expect(events).toContainEqual({
        type: 'warning',
        message: '--new-only: no baseline (no green run recorded) to compare with: every violation counts as new',
      });
    },
    300_000,
  );

  itWithTools(
    ['ruff', 'mypy', 'git'],
    "a gate whose config changed since the baseline runs again at the reference: the new rule's old hits are pre-existing",
    async () => {
      const dir = repo({ 'src/a.py': 'import os\n\n\ndef f(x: int) -> int:\n    return x\n' });
      write(dir, { '.st3/config/quality.yaml': CONFIG.replace('--select=E,F', '--select=E') });
      commitAll(dir, 'lint E only');
      expect((await run(dir)).overall_pass).toBe(true);
      // F enabled since the baseline: the unused import at line 1 was there; the one added at line 5 is new.
      write(dir, {
        '.st3/config/quality.yaml': CONFIG,
        'src/a.py': 'import os\n\n\ndef f(x: int) -> int:\n    import sys\n    return x\n',
      });
      const r = await run(dir, { newOnly: true, updateState: false, gates: ['ruff_lint'] });
      const ruff = r.gates[0]!;
      expect(ruff.violations.map((v) => [v.line, v.rule])).toEqual([[5, 'F401']]);
      expect(ruff.preexisting_violations!.map((v) => [v.line, v.rule])).toEqual([[1, 'F401']]);
      expect(r.new_only).toEqual({ reference: state(dir).baseline_sha, method: 'reference-run', preexisting: 1 });
    },
    300_000,
  );

  it('a deletion changes the lines on either side of it', async () => {
    const dir = repo({ 'src/a.py': 'one\ntwo\nthree\nfour\nfive\n' });
    write(dir, { 'src/a.py': 'one\ntwo\nfour\nfive\n' });
    const changed = await changedLinesSince(dir, dir, git(dir, 'rev-parse', 'HEAD'), ['src/a.py']);
    expect([...(changed.get('src/a.py') as Set<number>)].sort()).toEqual([2, 3]);
    // Deleting the first line changes the new first line only.
    write(dir, { 'src/a.py': 'two\nthree\nfour\nfive\n' });
    const first = await changedLinesSince(dir, dir, git(dir, 'rev-parse', 'HEAD'), ['src/a.py']);
    expect([...(first.get('src/a.py') as Set<number>)]).toEqual([1]);
  });

  it('a line changed only in bytes that are not UTF-8 is changed; a file gone or unreadable is all new', async () => {
    const dir = repo({ 'src/a.py': 'one\n' });
    writeFileSync(join(dir, 'src/b.py'), Buffer.from([0x78, 0x0a, 0x79, 0xfe, 0x0a]));
    commitAll(dir, 'b');
    writeFileSync(join(dir, 'src/b.py'), Buffer.from([0x78, 0x0a, 0x79, 0xff, 0x0a]));
    rmSync(join(dir, 'src/a.py'));
    const head = git(dir, 'rev-parse', 'HEAD');
    const changed = await changedLinesSince(dir, dir, head, ['src/a.py', 'src/b.py']);
    // A replaced line: it and the line before it (a removal touches both sides), as for any edit.
    expect([...(changed.get('src/b.py') as Set<number>)].sort()).toEqual([1, 2]);
    expect(changed.get('src/a.py')).toBe('all');
  });
});

describe('auto scope: a changed .pyi stub re-checks the Python files that import it', () => {
  itWithTools(
    ['ruff', 'mypy', 'git'],
    'mypy runs on the importers of a changed stub, fails, and the baseline stays',
    async () => {
      const dir = repo({
        'src/b.pyi': 'def size() -> int: ...\n',
        'src/a.py': 'from b import size\n\n\ndef f() -> int:\n    return size() + 1\n',
      });
      expect((await run(dir)).overall_pass).toBe(true);
      const base = state(dir).baseline_sha;
      expect(base).toBe(git(dir, 'rev-parse', 'HEAD'));

      write(dir, { 'src/b.pyi': 'def size() -> str: ...\n' });
      commitAll(dir, 'change stub');
      const plan = await planGateRun({ cwd: dir });
      expect(plan.plans.find((p) => p.id === 'mypy_types')).toMatchObject({ mode: 'files', files: ['src/a.py'] });
      const auto = await run(dir);
      const mypy = auto.gates.find((g) => g.id === 'mypy_types')!;
      expect(mypy.status).toBe('failed');
      expect(mypy.violations.map((v) => v.file)).toContain('src/a.py');
      expect(auto.overall_pass).toBe(false);
      expect(state(dir).baseline_sha).toBe(base);
      // Auto again still fails: the break is remembered until fixed.
      expect((await run(dir)).overall_pass).toBe(false);
    },
    300_000,
  );
});

describe('files scope: a listed file no gate checks fails the run, naming it and why', () => {
  it('a Python file outside project_scope.include_globs is E_USAGE with the include globs; nothing runs', async () => {
    const dir = repo({ 'tool.py': 'x = (\n', 'src/ok.py': 'X = 1\n' });
    for (const files of [['tool.py'], ['src/ok.py', 'tool.py']]) {
      const r = run(dir, { scope: { kind: 'files', files }, updateState: false });
      await expect(r).rejects.toMatchObject({
        code: 'E_USAGE',
        file: 'tool.py',
        message: expect.stringContaining(
          'tool.py (ruff_lint, mypy_types: outside project_scope.include_globs (src/**/*.py))',
        ),
      });
    }
    // The dry run says the same, and nothing was recorded.
    await expect(planGateRun({ cwd: dir, scope: { kind: 'files', files: ['tool.py'] } })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    expect(() => state(dir)).toThrow();
  });

  it('a file of a type no gate takes names the file types', async () => {
    const dir = repo({ 'src/run.sh': 'echo hi\n', 'src/ok.py': 'X = 1\n' });
    await expect(run(dir, { scope: { kind: 'files', files: ['src/run.sh'] } })).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('src/run.sh (ruff_lint, mypy_types: takes only file types .py)'),
    });
  });
});
