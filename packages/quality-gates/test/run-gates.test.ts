import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseQualityConfig, planGateRun, runGates, toMcpContent, type GateProgress } from '../src/index.js';
import { GateRunResultSchema } from '@st3/schemas';
import { commitAll, git, tempDir, write } from './helpers.js';
import { itWithFixtures, realWorld } from '@st3/tooling/fixtures';

const node = JSON.stringify(process.execPath);
/** A tiny linter: reports every line containing BAD in the files it is given (args or stdin), as JSON. */
const TOOL = `
const fs = require('fs');
let files = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (process.argv.includes('--stdin')) files = fs.readFileSync(0, 'utf8').split('\\n').filter(Boolean);
if (process.env.CALLS) fs.appendFileSync(process.env.CALLS, files.length + '\\n');
const out = [];
for (const f of files) fs.readFileSync(f, 'utf8').split('\\n').forEach((l, i) => { if (l.includes('BAD')) out.push({ path: f, row: i + 1, code: 'NO_BAD', text: 'bad line' }); });
process.stdout.write(JSON.stringify(out));
process.exit(out.length ? 1 : 0);
`;

function config(extra = ''): string {
  return `version: "1.1"
active_gates: [lint_py, lint_js, stdin_py]
artifact_logging: { enabled: true, output_dir: logs, max_files: 3 }
gates:
  lint_py:
    name: "Lint Python"
    execution: { command: [${node}, tool.cjs], timeout_seconds: 30 }
    capabilities:
      file_types: [".py"]
      parsing_strategy: json_violations
      json_violations: { field_map: { file: path, line: row, rule: code, message: text } }
    scope: { exclude_globs: ["vendor/**"] }
  lint_js:
    name: "Lint JS"
    execution: { command: [${node}, tool.cjs] }
    capabilities:
      file_types: [".js"]
      parsing_strategy: json_violations
      json_violations: { field_map: { file: path, line: row, rule: code, message: text } }
  stdin_py:
    name: "Stdin Python"
    execution: { command: [${node}, tool.cjs, --stdin], pass_files: stdin }
    capabilities:
      file_types: [".py"]
      parsing_strategy: json_violations
      json_violations: { field_map: { file: path, line: row, rule: code, message: text } }
${extra}`;
}

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function workspace(files: Record<string, string>, cfg = config()): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  write(t.dir, {
    'tool.cjs': TOOL,
    '.st3/config/quality.yaml': cfg,
    '.st3/state.json': JSON.stringify({ branch: 'x' }),
    ...files,
  });
  return t.dir;
}
const clock = () => {
  let t = Date.UTC(2026, 0, 1);
  return () => new Date((t += 1000));
};

describe('runGates', () => {
  it('runs gates in parallel, reports in config order, skips gates without files, updates the baseline', async () => {
    const dir = workspace({ 'a.py': 'ok\nBAD\n', 'vendor/v.py': 'BAD', 'b.py': 'fine' });
    git(dir, 'init', '-q');
    writeFileSync(join(dir, '.gitignore'), 'logs/\n');
    const head = commitAll(dir, 'init');
    const events: GateProgress[] = [];
    const now = clock();
    const r = await runGates({ cwd: dir, scope: 'project', concurrency: 3, onProgress: (e) => events.push(e), now });
    expect(r.gates.map((g) => [g.id, g.status])).toEqual([
      ['lint_py', 'failed'],
      ['lint_js', 'skipped'],
      ['stdin_py', 'failed'],
    ]);
    expect(r.overall_pass).toBe(false);
    expect(r.gates[0]!.violations).toEqual([
      { file: 'a.py', line: 2, col: null, rule: 'NO_BAD', message: 'bad line', severity: 'error', fixable: false },
    ]);
    expect(r.gates[2]!.violations.map((v) => v.file)).toEqual(['a.py', 'vendor/v.py']);
    expect(r.gates[1]).toMatchObject({ passed: true, skipped: true, duration_ms: 0, violations: [] });
    expect(r.gates[1]!.reason).toBe('no files in the project (gate takes file types .js)');
    expect(r.summary).toMatch(/^✗ 2\/3 gates failed \(lint_py: 1, stdin_py: 2\) · 1 skipped · \d+\.\ds$/);
    expect(Object.keys(r)).toEqual(['overall_pass', 'summary', 'gates']);
    // The result is exactly what the one schema of the gate-run contract describes (no stray keys).
    expect(GateRunResultSchema.parse(r)).toEqual(r);
    expect(Object.keys(r.gates[0]!)).toEqual([
      'id',
      'name',
      'passed',
      'skipped',
      'status',
      'duration_ms',
      'violations',
      'reason',
      'scope',
    ]);
    expect(r.gates[0]!.scope).toEqual({ mode: 'project', files: 2, reason: 'whole project' });
    expect(events[0]).toMatchObject({ type: 'scope', scope: { mode: 'project' } });
    const state = JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8'));
    expect(state).toEqual({
      branch: 'x',
      quality_gates: {
        baseline_sha: null,
        failed_files: ['a.py', 'vendor/v.py'],
        gates: {
          lint_py: { failed_files: ['a.py'] },
          lint_js: { failed_files: [] },
          stdin_py: { failed_files: ['a.py', 'vendor/v.py'] },
        },
      },
    });

    // Fix the files: auto scope re-checks the failed files, all pass, the baseline moves to HEAD.
    write(dir, { 'a.py': 'ok', 'vendor/v.py': 'ok' });
    const fixedHead = commitAll(dir, 'fix');
    expect(fixedHead).not.toBe(head);
    const again = await runGates({ cwd: dir, scope: 'auto', now });
    expect(again.overall_pass).toBe(true);
    const hash = expect.stringMatching(/^[0-9a-f]{16}$/);
    expect(JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8')).quality_gates).toEqual({
      baseline_sha: fixedHead,
      failed_files: [],
      gates: {
        lint_py: { failed_files: [], config_hash: hash },
        lint_js: { failed_files: [], config_hash: hash },
        stdin_py: { failed_files: [], config_hash: hash },
      },
      unverified_files: [],
    });

    // Nothing changed, nothing failed: every gate skipped at once.
    const idle = await runGates({ cwd: dir, scope: 'auto' });
    expect(idle.gates.every((g) => g.status === 'skipped')).toBe(true);
    expect(idle.gates[0]!.reason).toBe(`nothing changed since ${fixedHead.slice(0, 8)} and nothing failed`);
    expect(idle.summary).toMatch(/^✓ 0\/3 gates run · 3 skipped/);

    // Raw output is logged and rotated at max_files.
    expect(readdirSync(join(dir, 'logs')).length).toBe(3);
  });

  it('chunks long file lists under the command-line budget and merges the results', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`src/file_${String(i).padStart(3, '0')}.py`] = i % 10 === 0 ? 'BAD' : 'ok';
    const dir = workspace(files);
    const calls = join(dir, 'calls.txt');
    const r = await runGates({
      cwd: dir,
      scope: 'project',
      gates: ['lint_py'],
      commandLineBudget: 400,
      env: { ...process.env, CALLS: calls },
      updateState: false,
      logOutput: false,
    });
    const chunkSizes = readFileSync(calls, 'utf8').trim().split('\n').map(Number);
    expect(chunkSizes.length).toBeGreaterThan(1);
    expect(chunkSizes.reduce((a, b) => a + b, 0)).toBe(40);
    expect(r.gates[0]!.violations.map((v) => v.file)).toEqual([
      'src/file_000.py',
      'src/file_010.py',
      'src/file_020.py',
      'src/file_030.py',
    ]);
  });

  it('a missing tool is a clear gate error; other gates still run', async () => {
    const dir = workspace(
      { 'a.py': 'ok' },
      config(`  missing:
    name: Missing
    execution: { command: [st3-no-such-linter] }
    capabilities: { file_types: [".py"], parsing_strategy: exit_code }
`).replace('active_gates: [lint_py, lint_js, stdin_py]', 'active_gates: [missing, lint_py]'),
    );
    const r = await runGates({ cwd: dir, scope: 'project' });
    expect(r.gates[0]).toMatchObject({ id: 'missing', status: 'error', passed: false });
    expect(r.gates[0]!.reason).toBe(
      'tool not found: st3-no-such-linter (install st3-no-such-linter or correct the command in configuration)',
    );
    expect(r.gates[1]).toMatchObject({ id: 'lint_py', status: 'passed' });
    expect(r.summary).toMatch(/^✗ 1\/2 gates failed \(missing: error\)/);
    // It could not check anything on the project: auto scope runs it on the project until it passes.
    const state = JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8')).quality_gates;
    expect(state.gates.missing).toEqual({ failed_files: [], project_failed: true });
  });

  it("quality.yaml's warnings reach the run (and its plan), located, as `st3 gates list` shows them", async () => {
    const cfg = config().replace('field_map: { file: path,', 'field_map: { fiel: path, file: path,');
    const dir = workspace({ 'a.py': 'fine' }, cfg);
    const events: GateProgress[] = [];
    await runGates({ cwd: dir, scope: 'project', updateState: false, onProgress: (e) => events.push(e) });
    const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings).toEqual([
      expect.stringMatching(/quality\.yaml:\d+:\d+: field_map key "fiel" is not a violation field/),
    ]);
    expect(warnings[0]).not.toContain('warning:');
    const plan = await planGateRun({ cwd: dir, scope: 'project', cacheConfig: false });
    expect(plan.configWarnings.map((d) => d.message)).toEqual([expect.stringContaining('field_map key "fiel"')]);
  });

  it('output past the cap is a clear gate error, not a crash or a pass', async () => {
    const dir = workspace(
      {
        'a.py': 'ok',
        'flood.cjs': 'process.stdout.write("[" + \'{"path":"a.py","row":1},\'.repeat(200000)); process.exitCode = 1',
      },
      config(`  flood:
    name: Flood
    execution: { command: [${node}, flood.cjs], max_output_bytes: 100000 }
    capabilities:
      file_types: [".py"]
      parsing_strategy: json_violations
      json_violations: { field_map: { file: path, line: row } }
`).replace('active_gates: [lint_py, lint_js, stdin_py]', 'active_gates: [flood]'),
    );
    const r = await runGates({ cwd: dir, scope: 'project', updateState: false });
    expect(r.gates[0]).toMatchObject({ id: 'flood', status: 'error', passed: false });
    expect(r.gates[0]!.reason).toContain('output was cut at 100000 bytes of 4800001');
  });

  it('cancels through an AbortSignal: running tools are killed, the run rejects with E_INTERRUPTED', async () => {
    const dir = workspace(
      { 'a.py': 'ok', 'slow.cjs': 'setTimeout(() => {}, 60000)' },
      config(`  slow:
    name: Slow
    execution: { command: [${node}, slow.cjs] }
    capabilities: { file_types: [".py"], parsing_strategy: exit_code }
`).replace('active_gates: [lint_py, lint_js, stdin_py]', 'active_gates: [slow]'),
    );
    const controller = new AbortController();
    const started = Date.now();
    const promise = runGates({
      cwd: dir,
      scope: 'project',
      signal: controller.signal,
      onProgress: (e) => {
        if (e.type === 'gate-start') setTimeout(() => controller.abort(), 50);
      },
    });
    await expect(promise).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("log rotation leaves the application's own logs in a shared log folder alone", async () => {
    const user = {
      'logs/2024-05-01.log': 'd1',
      'logs/2024-05-02.log': 'd2',
      'logs/server.log': 's',
      'logs/2024-05-01T00-00-00-000Z-app.log': 'an app log named like ST3 writes them',
    };
    const dir = workspace({ 'a.py': 'ok', ...user });
    const now = clock();
    for (let i = 0; i < 3; i++) await runGates({ cwd: dir, scope: 'project', updateState: false, concurrency: 1, now });
    const left = readdirSync(join(dir, 'logs')).sort();
    for (const [path, text] of Object.entries(user)) expect(readFileSync(join(dir, path), 'utf8')).toBe(text);
    // lint_py and stdin_py log each run (lint_js has no files): the 3 newest of 6 are kept (max_files: 3).
    expect(left.filter((n) => !(`logs/${n}` in user))).toEqual([
      '2026-01-01T00-00-04-000Z-stdin_py.log',
      '2026-01-01T00-00-05-000Z-lint_py.log',
      '2026-01-01T00-00-06-000Z-stdin_py.log',
    ]);
  });

  it('a listed file that does not exist is E_FILE_NOT_FOUND: nothing runs, nothing is logged or recorded', async () => {
    const dir = workspace({ 'a.py': 'BAD', 'b.js': 'ok' });
    const calls = join(dir, 'calls.txt');
    for (const files of [['typo.py'], ['a.py', 'typo.py'], ['b.js', 'a.py', 'typo.js']]) {
      await expect(
        runGates({ cwd: dir, scope: { kind: 'files', files }, env: { ...process.env, CALLS: calls } }),
      ).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND', file: files.at(-1) });
    }
    expect(existsSync(calls)).toBe(false);
    expect(existsSync(join(dir, 'logs'))).toBe(false);
    expect(readFileSync(join(dir, '.st3/state.json'), 'utf8')).toBe(JSON.stringify({ branch: 'x' }));
  });

  it('--gate runs only the named gates and never moves the baseline; unknown ids are refused', async () => {
    const dir = workspace({ 'a.py': 'ok' });
    await expect(runGates({ cwd: dir, gates: ['nope'] })).rejects.toMatchObject({ code: 'E_GATE_UNKNOWN' });
    const r = await runGates({ cwd: dir, scope: 'project', gates: ['stdin_py', 'lint_py'] });
    expect(r.gates.map((g) => g.id)).toEqual(['lint_py', 'stdin_py']);
  });

  itWithFixtures(
    'runs the real v1.1 quality.yaml unchanged: absent Python tools are "tool not found" gate errors',
    async () => {
      const real = readFileSync(join(realWorld, 'st3-config/quality.yaml'), 'utf8');
      expect(parseQualityConfig(real).errors).toEqual([]);
      const t = tempDir();
      cleanups.push(t.cleanup);
      write(t.dir, {
        '.st3/config/quality.yaml': real,
        'mcp_server/app.py': 'x = 1\n',
        'backend/dtos/dto.py': 'y = 2\n',
        'pyrightconfig.json': '{}',
      });
      const r = await runGates({ cwd: t.dir, scope: 'project', env: { PATH: process.env.PATH ?? '' } });
      expect(r.gates.map((g) => g.id)).toEqual([
        'gate0_ruff_format',
        'gate1_formatting',
        'gate2_imports',
        'gate3_line_length',
        'gate4_types',
        'gate4_pyright',
        'gate4_types_mcp',
      ]);
      for (const g of r.gates) {
        expect(g.status, g.id).toBe('error');
        expect(g.reason, g.id).toMatch(/tool not found/);
      }
      expect(existsSync(join(t.dir, 'mcp_server/logs/qa_logs'))).toBe(true);
      const mcp = toMcpContent(r);
      expect(mcp.content).toHaveLength(2);
      expect(mcp.content[0].text).toBe(r.summary);
      expect(JSON.parse(mcp.content[1].text)).toEqual(r);
    },
  );
});
