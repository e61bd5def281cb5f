import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { helpText, memoryIO } from '@st3/cli-kit';
import { cli, stage } from '../src/index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('gates stage of st3 run', () => {
  it('is skipped, with the reason, in a workspace without quality.yaml', async () => {
    dir = mkdtempSync(join(tmpdir(), 'st3-stage-'));
    const { io } = memoryIO({ cwd: dir });
    const report = await stage.run({ root: dir, io, dryRun: false, quiet: true });
    expect(report).toMatchObject({ stage: 'gates', ok: true, skipped: true });
    expect(report.summary).toContain('st3 gates init');
  });

  it('runs the gates on the whole project and leaves state.json alone under --dry-run', async () => {
    dir = mkdtempSync(join(tmpdir(), 'st3-stage-'));
    mkdirSync(join(dir, '.st3/config'), { recursive: true });
    writeFileSync(join(dir, 'a.py'), 'x = 1\n');
    writeFileSync(join(dir, '.st3/state.json'), '{"branch":"b"}');
    writeFileSync(
      join(dir, '.st3/config/quality.yaml'),
      `version: "1.1"\ngates:\n  check:\n    name: Check\n    execution: { command: [${JSON.stringify(process.execPath)}, -e, "process.exit(1)"] }\n    capabilities: { file_types: [".py"], parsing_strategy: exit_code }\n`,
    );
    const { io } = memoryIO({ cwd: dir });
    const report = await stage.run({ root: dir, io, dryRun: true, quiet: true });
    expect(report.ok).toBe(false);
    expect(report.summary).toMatch(/^✗ 1\/1 gates failed \(check: 0\)/);
    expect(report.lines).toEqual(['✗ check: failed — exit code 1 (ok: 0)']);
    expect(readFileSync(join(dir, '.st3/state.json'), 'utf8')).toBe('{"branch":"b"}');
  });

  it('lists gates and test as lazily loaded commands', async () => {
    expect(Object.keys(cli.commands)).toEqual(['gates', 'test']);
    const gates = await cli.commands.gates!.load();
    expect(helpText(gates, 'st3 gates')).toContain('--scope auto|branch|project|files');
  });
});
