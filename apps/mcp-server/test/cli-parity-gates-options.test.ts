// The gate tools take what `st3 gates run` / `st3 gates list` / `st3 test` take: another quality.yaml
// (`config`), no state update (`no_state`), a dry run (plan_quality_gates, the document of `--dry-run --json`),
// a test command of one's own; and they return the config's warnings that the CLI prints on stderr.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, ok, workspaceSession } from './harness.js';
import { git, repoRoot } from './workspace.js';

// The gates CLI (a dev dependency, built before these tests; the st3 app depends on this server, not the reverse).
const GATES_CLI = join(repoRoot, 'apps/gates-cli/dist/bin.js');

/** Another config: the todo gate under another id, with a field_map key that is no field (a W_CONFIG warning). */
const OTHER = `version: "1.1"
active_gates: [other]
gates:
  other:
    name: "Other"
    execution: { command: [node, tools/todo-lint.mjs], timeout_seconds: 60 }
    success: { exit_codes_ok: [0] }
    capabilities:
      file_types: [".ts"]
      supports_autofix: false
      parsing_strategy: json_violations
      json_violations:
        field_map: { file: file, line: line, colour: col }
`;

/** `st3-gates <argv> --json` (the verbs of `st3 gates` and `st3 test`) in `dir` through the built binary (`--json` before a `--`): the exit code and the document. */
function gatesCli(dir: string, argv: string[]) {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  try {
    const stdout = execFileSync('node', [GATES_CLI, ...argv.slice(0, end), '--json', ...argv.slice(end)], {
      cwd: dir,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { code: 0, doc: JSON.parse(stdout) as Record<string, unknown> };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { code: e.status, doc: JSON.parse(e.stdout) as Record<string, unknown> };
  }
}

describe('gate tools take the CLI options', () => {
  const c = workspaceSession('stdio', {
    setup: async (dir) => {
      await mkdir(join(dir, 'conf'), { recursive: true });
      await writeFile(join(dir, 'conf/other.yaml'), OTHER);
      await writeFile(join(dir, 'src/todo.ts'), '// TODO one\nexport const t = 1;\n');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'todo');
    },
  });

  it('plan_quality_gates is `st3 gates run --dry-run --json`, and writes nothing', async () => {
    const cli = gatesCli(c.dir, ['gates', 'run', '--dry-run', '--scope', 'project']);
    expect(cli.code).toBe(0);
    const plan = await ok(c.client, 'plan_quality_gates', { scope: 'project' });
    const { ok: verdict, warnings, ...document } = plan;
    expect(verdict).toBe(true);
    expect(warnings).toEqual([]);
    expect(document).toEqual(cli.doc);
    expect(plan.gates[0]).toMatchObject({
      id: 'todo',
      mode: 'project',
      files: expect.arrayContaining(['src/todo.ts']),
    });
    expect(existsSync(join(c.dir, '.st3/state.json'))).toBe(false);
  }, 60_000);

  it('config: another quality.yaml, its warnings returned, as `st3 gates --config`', async () => {
    const plan = await ok(c.client, 'plan_quality_gates', { scope: 'project', config: 'conf/other.yaml' });
    expect(plan.gates.map((g: { id: string }) => g.id)).toEqual(['other']);
    expect(plan.warnings).toEqual([expect.stringMatching(/field_map key "colour" is not a violation field/)]);
    const listed = await ok(c.client, 'list_gates', { config: 'conf/other.yaml' });
    expect(listed.gates.map((g: { id: string }) => g.id)).toEqual(['other']);
    expect(listed.warnings).toEqual([expect.stringMatching(/colour/)]);
    const escape = await call(c.client, 'plan_quality_gates', { config: '../other.yaml' });
    expect(escape.isError).toBe(true);
    expect(JSON.stringify(escape.content)).toMatch(/E_PATH_ESCAPE/);
  }, 60_000);

  it('no_state: the run is reported and state.json is left as it was', async () => {
    const state = join(c.dir, '.st3/state.json');
    const run = await call(c.client, 'run_quality_gates', { scope: 'project', no_state: true });
    expect(run.isError).toBe(true);
    expect((run.structuredContent as { gates: { violations: unknown[] }[] }).gates[0]!.violations).toHaveLength(1);
    expect(existsSync(state)).toBe(false);
    await call(c.client, 'run_quality_gates', { scope: 'project' });
    const recorded = await readFile(state, 'utf8');
    expect(JSON.parse(recorded)).toMatchObject({ quality_gates: { failed_files: ['src/todo.ts'] } });
    await call(c.client, 'run_quality_gates', { scope: 'project', no_state: true, concurrency: 1 });
    expect(await readFile(state, 'utf8')).toBe(recorded);
  }, 60_000);

  it('run_tests with a command of its own is `st3 test --format jest -- CMD`', async () => {
    const cli = gatesCli(c.dir, ['test', '--format', 'jest', '--', 'node', 'tools/fake-tests.mjs']);
    const mcp = await ok(c.client, 'run_tests', { command: ['node', 'tools/fake-tests.mjs'], format: 'jest' });
    // The summary ends with the run's time (`· 0.1s`), as duration_ms: both differ from run to run.
    const strip = ({ duration_ms: _d, warnings: _w, ok: _o, summary, ...rest }: Record<string, unknown>) => ({
      ...rest,
      summary: String(summary).replace(/ · [\d.]+m?s$/, ''),
    });
    expect(strip(mcp)).toEqual(strip(cli.doc));
    expect(mcp.passed).toBe(2);
    const noFormat = await call(c.client, 'run_tests', { command: ['node', 'tools/fake-tests.mjs'] });
    expect(noFormat.isError).toBe(true);
    expect(JSON.stringify(noFormat.content)).toMatch(/E_USAGE/);
    const stray = await call(c.client, 'run_tests', { format: 'jest' });
    expect(JSON.stringify(stray.content)).toMatch(/format and report go with command/);
  }, 60_000);
});
