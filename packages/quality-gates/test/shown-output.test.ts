import { describe, expect, it } from 'vitest';
import { parseQualityConfig, renderQualityConfig, runGates, toText, type RunGatesOptions } from '../src/index.js';
import { committedRepos, itWithTools, TOOL_PATH, write } from './helpers.js';

/**
 * The ruff-format preset runs `ruff format --verbose` so that ST3 can read which files ruff formatted
 * (checked_files_pattern). That debug log is ST3's, not the user's: a failed or errored gate's reason
 * shows the tool's own messages without it (`hidden_output_patterns`), while the checked-files reading
 * still sees every line. Real git repositories, the real tools.
 */
const env = { ...process.env, PATH: TOOL_PATH };
const repo = committedRepos('st3-shown-output-');

const run = (cwd: string, options: Partial<RunGatesOptions> = {}) =>
  runGates({ cwd, env, updateState: false, logOutput: false, scope: 'project', ...options });

/** Formatted modules, enough for ruff's debug log to fill a 20-line excerpt many times over. */
const formatted = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`pkg/ok${i}.py`, 'x = 1\n']));

describe('hidden_output_patterns: the log ST3 asked for is not shown as the tool output', () => {
  itWithTools(['ruff'], "ruff format: a syntax error is shown without ruff's debug log", async () => {
    const dir = repo({
      '.st3/config/quality.yaml': renderQualityConfig(['ruff-format']),
      'pyproject.toml': '[tool.ruff]\nline-length = 100\n',
      'broken.py': 'def f(:\n    pass\n',
      ...formatted,
    });
    const files = ['broken.py', ...Object.keys(formatted)];
    const r = await run(dir, { scope: { kind: 'files', files } });
    const gate = r.gates[0]!;
    expect(gate.status).toBe('error');
    expect(gate.reason).toContain('error: Failed to parse broken.py:1:7');
    expect(gate.reason).toMatch(/stderr \(\d+ log lines not shown: hidden_output_patterns\):/);
    expect(gate.reason).not.toContain('[DEBUG]');
    expect(gate.reason).not.toContain('format_path');
    const text = toText(r);
    expect(text).toContain('error: Failed to parse broken.py:1:7');
    expect(text).not.toContain('[DEBUG]');
    expect(JSON.stringify(r)).not.toContain('[DEBUG]');
  });

  itWithTools(['ruff'], 'ruff format: the hidden log still says which files ruff formatted', async () => {
    const dir = repo({
      '.st3/config/quality.yaml': renderQualityConfig(['ruff-format']),
      'pyproject.toml': '[tool.ruff]\nforce-exclude = true\n[tool.ruff.format]\nexclude = ["pkg/gen/**"]\n',
      'pkg/gen/bad.py': 'x=[1,\n  2]\n',
      ...formatted,
    });
    const r = await run(dir, { scope: { kind: 'files', files: ['pkg/gen/bad.py', 'pkg/ok0.py'] } });
    expect(r.gates[0]).toMatchObject({ status: 'error' });
    expect(r.gates[0]!.reason).toContain('pkg/gen/bad.py (excluded by ruff');
    expect(r.gates[0]!.reason).not.toContain('pkg/ok0.py');
  });

  itWithTools(['python3'], 'a config-driven gate: its log lines are hidden, its messages shown', async () => {
    const lint = [
      'import sys',
      'for f in sys.argv[1:]:',
      '    print(f"[LOG] checking {f}", file=sys.stderr)',
      'print("fatal: cannot read settings.ini line 3", file=sys.stderr)',
      'print("[LOG] done", file=sys.stderr)',
      'sys.exit(2)',
    ].join('\n');
    const config = `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: lint
    execution: {command: [python3, lint], timeout_seconds: 60}
    capabilities:
      file_types: [".py"]
      parsing_strategy: text_violations
      text_violations: {pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<message>.+)$'}
      checked_files_pattern: '^\\[LOG\\] checking (?P<file>.+)$'
      hidden_output_patterns: ['^\\[LOG\\] ']
`;
    const dir = repo({ '.st3/config/quality.yaml': config, lint, ...formatted });
    const gate = (await run(dir)).gates[0]!;
    expect(gate.status).toBe('error');
    expect(gate.reason).toContain('stderr (31 log lines not shown: hidden_output_patterns):\nfatal: cannot read');
    expect(gate.reason).not.toContain('[LOG]');
    // A tool that wrote nothing but its log says so, rather than showing an empty excerpt.
    write(dir, { lint: lint.replace(/^print\("fatal.*$/m, '') });
    const quiet = (await run(dir)).gates[0]!;
    expect(quiet.status).toBe('error');
    expect(quiet.reason).toContain('stderr: nothing but log lines (31 log lines not shown: hidden_output_patterns)');
  });

  it('reports a hidden_output_patterns regex that does not compile, at its line', () => {
    const r = parseQualityConfig(`version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: Lint
    execution: {command: [tool]}
    capabilities:
      file_types: [".py"]
      parsing_strategy: exit_code
      hidden_output_patterns: ['^ok', '^(DEBUG']
`);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      code: 'E_CONFIG_INVALID',
      line: 10,
      path: ['gates', 'lint', 'capabilities', 'hidden_output_patterns', 1],
    });
    expect(r.errors[0]!.message).toContain('regex does not compile');
  });
});
