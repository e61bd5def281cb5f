import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

// `st3 gates init` and `st3 test` load and write through the library functions the MCP tools
// init_gates and run_tests call (initQualityConfig, requireQualityConfig): the same documents and errors.

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-gates-init-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.st3'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

async function run(dir: string, ...argv: string[]) {
  const m = memoryIO({ cwd: dir, env: { NO_COLOR: '1' } });
  const code = await runCli(cli, [...argv, '--json'], m.io);
  return { code, doc: JSON.parse(m.stdout()) as Record<string, unknown> };
}

describe('st3 gates init', () => {
  it('writes quality.yaml and its schema, keeps logs and state out of git; refuses to overwrite', async () => {
    const dir = workspace({ 'pyproject.toml': '[tool.ruff]\n' });
    const r = await run(dir, 'gates', 'init');
    expect(r.code).toBe(0);
    expect(r.doc).toEqual({
      ok: true,
      path: join(dir, '.st3/config/quality.yaml'),
      presets: ['ruff', 'mypy', 'pyright'],
      reasons: expect.objectContaining({ ruff: expect.any(String) }),
      gitignore: { added: ['.st3/logs/', '.st3/state.json'], created: true },
    });
    expect(readFileSync(join(dir, '.st3/config/quality.schema.json'), 'utf8')).toContain('"$schema"');
    const again = await run(dir, 'gates', 'init');
    expect(again.code).toBe(2);
    expect(again.doc).toMatchObject({
      error: {
        code: 'E_CONFIG_EXISTS',
        message: '.st3/config/quality.yaml already exists',
        hint: 'pass --force to overwrite it',
      },
    });
    const forced = await run(dir, 'gates', 'init', '--force', '--preset', 'ruff');
    expect(forced.doc).toMatchObject({ presets: ['ruff'], reasons: {}, gitignore: { added: [], created: false } });
    expect((await run(dir, 'gates', 'init', '--force', '--preset', 'nope')).doc).toMatchObject({
      error: { code: 'E_USAGE', message: 'unknown preset "nope"' },
    });
  });
});

describe('st3 test', () => {
  it('without quality.yaml: the E_FILE_NOT_FOUND of the shared loader (as run_tests and gates list)', async () => {
    const dir = workspace();
    const r = await run(dir, 'test');
    expect(r.code).toBe(2);
    expect(r.doc).toEqual({
      ok: false,
      error: {
        code: 'E_FILE_NOT_FOUND',
        message: `no quality config at ${join(dir, '.st3/config/quality.yaml')}`,
        file: join(dir, '.st3/config/quality.yaml'),
        hint: 'run `st3 gates init` to write one',
      },
    });
  });
  it('a runner killed by a signal after its report is a runtime failure (exit 3), whatever the report says', async () => {
    const dir = workspace();
    const report = JSON.stringify({ numTotalTests: 1, numPassedTests: 1, numFailedTests: 0, testResults: [] });
    const script = `console.log(${JSON.stringify(report)}); process.kill(process.pid, 'SIGKILL');`;
    const m = memoryIO({ cwd: dir, env: { NO_COLOR: '1' } });
    const code = await runCli(cli, ['test', '--json', '--format', 'jest', '--', process.execPath, '-e', script], m.io);
    const doc = JSON.parse(m.stdout()) as Record<string, unknown>;
    expect(doc).toMatchObject({ ok: false, passed: 1, failed: 0, exit_code: null });
    expect(doc.summary).toMatch(/but the test command was killed by SIGKILL/);
    expect(code).toBe(3);
  });
});
