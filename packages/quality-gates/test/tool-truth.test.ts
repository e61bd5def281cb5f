import { describe, expect, it } from 'vitest';
import {
  parseQualityConfig,
  processResult,
  renderQualityConfig,
  evaluateGate,
  runGates,
  toText,
  type RunGatesOptions,
} from '../src/index.js';
import { committedRepos, itWithTools, TOOL_PATH, write } from './helpers.js';

/**
 * Reviewer findings: a gate passed what its tool never checked (a file its own config ignores or
 * excludes), a crash whose exit code was listed as ok, a missing Python module exiting 1 under
 * `exit_codes_ok: [0, 1]`, and violations lost past a cut stderr. Real git repositories, the real tools.
 */
const env = { ...process.env, PATH: TOOL_PATH };
const repo = committedRepos('st3-tool-truth-');

const run = (cwd: string, options: Partial<RunGatesOptions> = {}) =>
  runGates({ cwd, env, updateState: false, scope: 'project', ...options });

/** One gate running `command` with a text parser for `file:line:col: RULE message` lines. */
const textGate = (command: string[], extra = '') => `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: lint
    execution: {command: ${JSON.stringify(command)}, timeout_seconds: 60${extra}}
    success: {exit_codes_ok: [0, 1], max_violations: 50}
    capabilities:
      file_types: [".py"]
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+):(?P<col>\\d+): (?P<rule>\\w+) (?P<message>.+)$'
`;

describe('a gate never passes what its tool did not check or could not say', () => {
  itWithTools(
    ['eslint'],
    'eslint: a file its config ignores, or has no config for, is E_GATE_NOT_CHECKED',
    async () => {
      const dir = repo({
        '.st3/config/quality.yaml': renderQualityConfig(['eslint']),
        'eslint.config.js':
          'module.exports = [{ ignores: ["legacy/**"] }, { files: ["**/*.js"], rules: { "no-unused-vars": "error" } }];\n',
        'src/ok.js': 'module.exports = 1;\n',
        'legacy/b.js': 'const unused = 1;\n',
        'src/c.ts': 'const unused: number = 1;\n',
      });
      for (const files of [['legacy/b.js'], ['src/c.ts']]) {
        const r = await run(dir, { scope: { kind: 'files', files } });
        expect(r.overall_pass, files[0]).toBe(false);
        expect(r.gates[0]).toMatchObject({ status: 'error' });
        expect(r.gates[0]!.reason).toContain(`did not check what it was given: ${files[0]} (File ignored`);
      }
      const ok = await run(dir, { scope: { kind: 'files', files: ['src/ok.js'] } });
      expect(ok.overall_pass).toBe(true);
    },
  );

  itWithTools(
    ['eslint'],
    'eslint: on project scope, files its config ignores are listed and never cleared',
    async () => {
      const dir = repo({
        '.st3/config/quality.yaml': renderQualityConfig(['eslint']),
        'eslint.config.js':
          'module.exports = [{ ignores: ["dist/**"] }, { files: ["**/*.js"], rules: { "no-unused-vars": "error" } }];\n',
        'src/ok.js': 'module.exports = 1;\n',
        'dist/built.js': 'const unused = 1;\n',
      });
      const r = await runGates({ cwd: dir, env, scope: 'project' });
      expect(r.overall_pass).toBe(true);
      expect(r.gates[0]).toMatchObject({
        status: 'passed',
        not_checked: [{ file: 'dist/built.js', reason: expect.stringMatching(/^File ignored/) }],
      });
      expect(toText(r)).toContain('1 file not checked');
      // A gate whose every file is ignored by the tool checked nothing: skipped, saying why.
      write(dir, { 'eslint.config.js': 'module.exports = [{ ignores: ["**/*.js"] }];\n' });
      const none = await run(dir);
      expect(none.gates[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining('ignores every file') });
    },
  );

  itWithTools(['ruff'], 'ruff: a file its config force-excludes is listed as not checked, never passed', async () => {
    const dir = repo({
      '.st3/config/quality.yaml': renderQualityConfig(['ruff']),
      'pyproject.toml': '[tool.ruff]\nextend-exclude = ["pkg/legacy"]\nforce-exclude = true\n',
      'pkg/legacy/b.py': 'import os\n',
      'pkg/ok.py': 'x = 1\n',
    });
    // Named: the run checks less than asked.
    const named = await run(dir, { scope: { kind: 'files', files: ['pkg/legacy/b.py'] } });
    expect(named.overall_pass).toBe(false);
    expect(named.gates[0]).toMatchObject({ status: 'error' });
    expect(named.gates[0]!.reason).toContain('pkg/legacy/b.py (excluded by ruff');
    // The project: the verdict covers what ruff checked; the excluded file is listed, not cleared.
    const project = await run(dir);
    expect(project.gates[0]).toMatchObject({
      status: 'passed',
      not_checked: [{ file: 'pkg/legacy/b.py', reason: expect.stringContaining('excluded by ruff') }],
    });
  });

  itWithTools(['flake8'], 'flake8: a file its config excludes is listed as not checked, never passed', async () => {
    const dir = repo({
      '.st3/config/quality.yaml': renderQualityConfig(['flake8']),
      // extend-ignore/select must not hide a checked file from the listing.
      'setup.cfg': '[flake8]\nextend-exclude = pkg/legacy/*\nextend-ignore = E501\nselect = F\n',
      'pkg/__init__.py': '',
      'pkg/legacy/b.py': 'import os\n',
      'pkg/ok.py': 'x = 1\n',
    });
    // Named: flake8 exits 0 without a word on pkg/legacy/b.py; the run checks less than asked.
    const named = await run(dir, { scope: { kind: 'files', files: ['pkg/legacy/b.py'] } });
    expect(named.overall_pass).toBe(false);
    expect(named.gates[0]).toMatchObject({ status: 'error' });
    expect(named.gates[0]!.reason).toContain('pkg/legacy/b.py (excluded by flake8');
    // The project: the excluded file is listed, not cleared; an empty __init__.py is not "not checked".
    const project = await run(dir);
    expect(project.gates[0]).toMatchObject({
      status: 'passed',
      not_checked: [{ file: 'pkg/legacy/b.py', reason: expect.stringContaining('excluded by flake8') }],
    });
    const empty = await run(dir, { scope: { kind: 'files', files: ['pkg/__init__.py', 'pkg/ok.py'] } });
    expect(empty.gates[0]).toMatchObject({ status: 'passed' });
    expect(empty.gates[0]!.not_checked).toBeUndefined();
  });

  itWithTools(
    ['tsc'],
    "tsc: a file outside its tsconfig's program is not checked, never passed",
    async () => {
      const dir = repo({
        '.st3/config/quality.yaml': renderQualityConfig(['tsc']),
        'package.json': '{"name": "t", "private": true}\n',
        'tsconfig.json': '{"compilerOptions": {"strict": true, "lib": ["es5"], "types": []}, "include": ["src"]}\n',
        'src/a.ts': 'export const a: number = 1;\n',
        'scripts/x.ts': 'export const x: number = "not a number";\n',
      });
      // Named: tsc never type-checks scripts/x.ts, so the run checks less than asked.
      const named = await run(dir, { scope: { kind: 'files', files: ['scripts/x.ts'] } });
      expect(named.overall_pass).toBe(false);
      expect(named.gates[0]).toMatchObject({ status: 'error' });
      expect(named.gates[0]!.reason).toContain('scripts/x.ts (excluded by tsc');
      // The project: the verdict covers tsc's program; the file outside it is listed, not cleared.
      const project = await run(dir);
      expect(project.gates[0]).toMatchObject({
        status: 'passed',
        not_checked: [{ file: 'scripts/x.ts', reason: expect.stringContaining('tsc --listFilesOnly') }],
      });
    },
    60_000,
  );

  itWithTools(['ruff'], 'ruff format: a file its format.exclude leaves out is not checked, never passed', async () => {
    const dir = repo({
      '.st3/config/quality.yaml': renderQualityConfig(['ruff-format']),
      'pyproject.toml': '[tool.ruff]\nforce-exclude = true\n[tool.ruff.format]\nexclude = ["pkg/gen/**"]\n',
      'pkg/gen/bad.py': 'x=[1,\n  2]\n',
      'pkg/ok.py': 'x = 1\n',
      'pkg/ugly.py': 'y={  "a":1}\n',
    });
    // `ruff check --show-files` lists pkg/gen/bad.py: format.exclude is the formatter's own.
    const named = await run(dir, { scope: { kind: 'files', files: ['pkg/gen/bad.py'] } });
    expect(named.overall_pass).toBe(false);
    expect(named.gates[0]).toMatchObject({ status: 'error' });
    expect(named.gates[0]!.reason).toContain('pkg/gen/bad.py (excluded by ruff');
    const project = await run(dir);
    expect(project.gates[0]).toMatchObject({
      status: 'failed',
      violations: [{ file: 'pkg/ugly.py', rule: 'format' }],
      not_checked: [{ file: 'pkg/gen/bad.py', reason: expect.stringContaining('excluded by ruff') }],
    });
  });

  itWithTools(
    ['pyright'],
    'pyright: a file its config excludes is not checked, never passed (it only counts what it analysed)',
    async () => {
      const dir = repo({
        '.st3/config/quality.yaml': renderQualityConfig(['pyright']),
        'pkg/__init__.py': '',
        'pkg/a.py': 'from pkg import b\n\nx: int = b.f()\n',
        'pkg/b.py': 'def f() -> int:\n    return 1\n',
      });
      // An ordinary project: filesAnalyzed counts the given files, not what they import.
      const imports = await run(dir, { scope: { kind: 'files', files: ['pkg/a.py'] } });
      expect(imports.gates[0]).toMatchObject({ status: 'passed' });
      expect(imports.gates[0]!.not_checked).toBeUndefined();
      write(dir, {
        'pyproject.toml': '[tool.pyright]\nexclude = ["scripts"]\n',
        'scripts/x.py': 'x: int = "not a number"\n',
      });
      // Named: pyright says filesAnalyzed 0 and exits 0; the run checks less than asked.
      const named = await run(dir, { scope: { kind: 'files', files: ['scripts/x.py'] } });
      expect(named.overall_pass).toBe(false);
      expect(named.gates[0]).toMatchObject({ status: 'error' });
      expect(named.gates[0]!.reason).toContain('scripts/x.py (pyright checked 0 of the 1 files');
      // The project: 3 of 4 analysed, which one not is unknown: none is cleared, the gate checked nothing provably.
      const project = await run(dir);
      expect(project.gates[0]).toMatchObject({ status: 'skipped' });
      expect(project.gates[0]!.not_checked?.map((n) => n.file)).toEqual([
        'pkg/__init__.py',
        'pkg/a.py',
        'pkg/b.py',
        'scripts/x.py',
      ]);
      // A file pyright reported on was checked: the verdict stands.
      write(dir, { 'pkg/b.py': 'def f() -> int:\n    return "one"\n' });
      const failed = await run(dir);
      expect(failed.gates[0]).toMatchObject({ status: 'failed', violations: [{ file: 'pkg/b.py' }] });
      expect(failed.gates[0]!.not_checked?.map((n) => n.file)).toEqual(['pkg/__init__.py', 'pkg/a.py', 'scripts/x.py']);
      expect(toText(failed)).toContain('pyright checked 3 of the 4 files it was given (summary/filesAnalyzed)');
    },
    60_000,
  );

  itWithTools(['python3'], 'checked_count_path: an output without the count is an error, never a pass', async () => {
    const tool = 'import json; print(json.dumps({"generalDiagnostics": [], "summary": {}}))';
    const config = `version: "1.1"
active_gates: [count]
gates:
  count:
    name: count
    execution: {command: [python3, "-c", ${JSON.stringify(tool)}], timeout_seconds: 60}
    capabilities:
      file_types: [".py"]
      parsing_strategy: json_violations
      json_violations: {violations_path: generalDiagnostics, field_map: {file: file, message: message}}
      checked_count_path: summary/filesAnalyzed
`;
    const dir = repo({ '.st3/config/quality.yaml': config, 'a.py': '' });
    const r = await run(dir);
    expect(r.gates[0]).toMatchObject({ status: 'error' });
    expect(r.gates[0]!.reason).toContain('cannot tell how many files python3 checked');
  });

  itWithTools(['python3'], 'checked_files_pattern: a file the output names or reports on is checked', async () => {
    const lint = [
      'import sys',
      'print("a.py:1:1: W100 long line")',
      'print("checked: b.py", file=sys.stderr)',
      'sys.exit(1)',
    ].join('\n');
    const config = `${textGate(['python3', 'lint.py'])}      checked_files_pattern: '^checked: (?P<file>.+)$'\n`;
    const dir = repo({ '.st3/config/quality.yaml': config, 'lint.py': lint, 'a.py': '', 'b.py': '', 'c.py': '' });
    const files = ['a.py', 'b.py', 'c.py'];
    const r = await run(dir, { scope: { kind: 'files', files } });
    expect(r.gates[0]).toMatchObject({ status: 'error', reason: expect.stringContaining('c.py (excluded by python3') });
    expect(r.gates[0]!.reason).not.toContain('a.py');
    // What it reported on was checked, even unnamed: the verdict stands.
    const reported = await run(dir, { scope: { kind: 'files', files: ['a.py'] } });
    expect(reported.gates[0]).toMatchObject({ status: 'passed', violations: [{ file: 'a.py' }] });
    expect(reported.gates[0]!.not_checked).toBeUndefined();
  });

  itWithTools(
    ['flake8', 'python3'],
    'a crash or a missing module exiting 1 under exit_codes_ok [0, 1] is no pass',
    async () => {
      const crash = repo({
        '.st3/config/quality.yaml': textGate(['flake8']),
        'setup.cfg': '[flake8]\nmax-line-length = abc\n',
        'a.py': 'x = 1\n',
      });
      const crashed = await run(crash);
      expect(crashed.gates[0]).toMatchObject({ status: 'error' });
      expect(crashed.gates[0]!.reason).toContain('listed in exit_codes_ok');
      const missing = repo({
        '.st3/config/quality.yaml': textGate(['python3', '-m', 'st3_no_such_linter']),
        'a.py': 'x = 1\n',
      });
      const notFound = (await run(missing)).gates[0]!;
      expect(notFound.status).toBe('error');
      expect(notFound.reason).toContain('tool not found: st3_no_such_linter');
      // A quiet exit 1 that is listed as ok still passes (grep's "no match").
      const quiet = repo({
        '.st3/config/quality.yaml': textGate(['python3', '-c', 'import sys; sys.exit(1)']),
        'a.py': 'x = 1\n',
      });
      expect((await run(quiet)).gates[0]).toMatchObject({ status: 'passed' });
    },
  );

  itWithTools(['python3'], 'violations past a cut stderr are not lost: the gate is an error', async () => {
    const lint = 'import sys\nfor i in range(1000):\n    print(f"a.py:{i + 1}:1: W100 long line", file=sys.stderr)\n';
    const dir = repo({
      '.st3/config/quality.yaml': textGate(['python3', 'lint.py'], ', max_output_bytes: 2000'),
      'lint.py': lint,
      'a.py': 'x = 1\n',
    });
    const r = await run(dir);
    expect(r.gates[0]).toMatchObject({ status: 'error' });
    expect(r.gates[0]!.reason).toContain('stderr was cut');
  });

  it('a crashed chunk is an error even when another chunk of the same gate parsed violations', () => {
    const config = parseQualityConfig(textGate(['flake8'])).value!;
    const gate = config.gates.lint!;
    const runs = [
      processResult({ exitCode: 1, stdout: 'a.py:1:1: F401 unused\n' }),
      processResult({ exitCode: 1, stderr: 'Traceback (most recent call last):\nValueError: abc\n' }),
    ];
    const e = evaluateGate(gate, runs, { root: '/r', cwd: '/r', supportsAutofix: false });
    expect(e.status).toBe('error');
    expect(e.reason).toContain('listed in exit_codes_ok');
  });
});
