import { join, resolve } from 'node:path';
import { memoryIO, runCommand } from '@st3/cli-kit';
import { describe, expect, it } from 'vitest';
import { command as validate } from '../src/commands/validate.js';
import { command as run } from '../src/commands/run.js';
import { chooseRunWorkspace, findBundledExample } from '../src/lib/workspace.js';
import { exitCodeOf } from '../src/lib/validate-files.js';
import { tempWorkspace } from './temp-workspace.js';

describe('validate command', () => {
  it('prints one line per error and a summary, exit 1', async () => {
    const root = tempWorkspace({ 'state.json': '{"branch": 3}' });
    const m = memoryIO({ cwd: root });
    expect(await runCommand(validate, ['state.json'], m.io)).toBe(1);
    expect(m.stdout()).toBe(
      'state.json:1:12: Invalid input: expected string, received number at branch\n1 file: 0 valid, 1 invalid\n',
    );
  });

  it('names a file it could not read apart from the invalid ones (not judged), exit 2', async () => {
    const root = tempWorkspace({ 'state.json': '{"branch": 3}' });
    const m = memoryIO({ cwd: root });
    expect(await runCommand(validate, ['state.json', 'missing.task.yaml'], m.io)).toBe(2);
    expect(m.stdout().trim().split('\n').at(-1)).toBe(
      '2 files: 0 valid, 2 invalid (1 not validated: missing.task.yaml E_FILE_NOT_FOUND)',
    );
    const j = memoryIO({ cwd: root });
    await runCommand(validate, ['state.json', 'missing.task.yaml', '--json'], j.io);
    expect(JSON.parse(j.stdout()).summary).toEqual({ files: 2, valid: 0, invalid: 2, not_validated: 1 });
  });

  it('keeps stdout to one JSON document under --json', async () => {
    const root = tempWorkspace({ 'state.json': '{}' });
    const m = memoryIO({ cwd: root });
    expect(await runCommand(validate, ['state.json', '--json'], m.io)).toBe(0);
    expect(JSON.parse(m.stdout())).toEqual({
      ok: true,
      files: [{ file: 'state.json', kind: 'state', valid: true, errors: [], warnings: [] }],
      summary: { files: 1, valid: 1, invalid: 0, not_validated: 0 },
    });
  });
  it('warns of each mistyped key of quality.yaml, located, with the closest known key; still valid', async () => {
    const quality =
      'version: "1.1"\ngatess: {}\ngates:\n  lint:\n    name: lint\n' +
      '    execution: { command: [eslint], timeout_secs: 5 }\n' +
      '    capabilities: { file_types: [.ts], parsing_strategy: exit_code }\n';
    const root = tempWorkspace({ '.st3/config/quality.yaml': quality });
    const m = memoryIO({ cwd: root });
    expect(await runCommand(validate, ['.st3/config/quality.yaml'], m.io)).toBe(0);
    expect(m.stderr()).toBe(
      '.st3/config/quality.yaml:2:1: warning: unknown key "gatess" is ignored at gatess (did you mean "gates"?)\n' +
        '.st3/config/quality.yaml:6:37: warning: unknown key "timeout_secs" is ignored at gates.lint.execution.timeout_secs (did you mean "timeout_seconds"?)\n',
    );
    const j = memoryIO({ cwd: root });
    await runCommand(validate, ['.st3/config/quality.yaml', '--json'], j.io);
    const [file] = JSON.parse(j.stdout()).files;
    expect(file.valid).toBe(true);
    expect(file.warnings.map((w: { code: string; line: number }) => [w.code, w.line])).toEqual([
      ['W_UNKNOWN_KEY', 2],
      ['W_UNKNOWN_KEY', 6],
    ]);
  });
});

describe('exitCodeOf', () => {
  it('takes the most severe error code', () => {
    const v = (code: string) => ({
      file: 'f',
      kind: null,
      valid: false,
      errors: [{ code, severity: 'error' as const, message: 'm' }],
      warnings: [],
    });
    expect(exitCodeOf([])).toBe(0);
    expect(exitCodeOf([v('E_SCHEMA')])).toBe(1);
    expect(exitCodeOf([v('E_SCHEMA'), v('E_FILE_NOT_FOUND')])).toBe(2);
    expect(exitCodeOf([v('E_FILE_READ'), v('E_PARSE')])).toBe(3);
  });
});

describe('run workspace choice', () => {
  it('prefers --cwd, then an ancestor with .st3/, then the bundled example', () => {
    const root = tempWorkspace({ '.st3/state.json': '{}', 'sub/dir/x.txt': '' });
    expect(chooseRunWorkspace(memoryIO({ cwd: join(root, 'sub', 'dir') }).io, {})).toMatchObject({
      root,
      source: 'ancestor',
    });
    expect(chooseRunWorkspace(memoryIO().io, { cwd: root })).toMatchObject({ root, source: 'cwd-flag' });
    const bare = tempWorkspace({ 'x.txt': '' });
    expect(chooseRunWorkspace(memoryIO({ cwd: bare }).io, {})).toMatchObject({
      source: 'bundled-example',
      root: findBundledExample(),
    });
    expect(() => chooseRunWorkspace(memoryIO().io, { cwd: bare })).toThrow(/no \.st3\/ folder/);
  });

  it('finds the repository examples/ from this package', () => {
    expect(findBundledExample()).toBe(resolve(import.meta.dirname, '..', '..', '..', 'examples'));
  });

  it('reports the config stage of a workspace', async () => {
    const root = tempWorkspace({ '.st3/state.json': '{"quality_gates": {"failed_files": []}}' });
    const m = memoryIO({ cwd: root });
    expect(await runCommand(run, ['--only', 'config', '--json'], m.io)).toBe(0);
    expect(JSON.parse(m.stdout())).toMatchObject({
      ok: true,
      stages: [{ stage: 'config', ok: true, summary: '1 file(s) valid' }],
    });
  });
});
