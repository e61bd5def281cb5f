// What an audit reproduced through the CLI: a task context linked into the tasks folder whose target is
// gone (or a link loop) was skipped without a word by `metrics dashboard` and `metrics serve`: the pilot
// was judged on the other tasks alone (4/5 met on one task) and the scrape said 0 unreadable files.
// And `--history-dir`, listed by `serve` and `collect`, did nothing there without saying so.
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { recordTelemetry } from '@st3/telemetry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';
import { telemetryLoader } from '../src/serve.js';

async function st3(cwd: string, ...argv: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd, env: { NO_COLOR: '1' } });
  const code = await runCli(cli, argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

let root = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'st3-unreadable-tasks-'));
  // TASK-0001 meets every telemetry criterion on its own.
  await recordTelemetry({ dir: join(root, '.st3/tasks/TASK-0001'), agent: 'coder', taskId: 'TASK-0001' }, (c) => {
    c.fileRead('src/a.ts', 10);
    c.prompt(800, 1000);
    c.jsonParse('coder', true);
  });
  await symlink(join(root, 'unmounted', 'TASK-0002'), join(root, '.st3/tasks/TASK-0002'), 'dir');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a task context that cannot be read', () => {
  it('leaves the dashboard pilot not measured, named, rather than judged on the other tasks', async () => {
    const dash = await st3(root, 'metrics', 'dashboard', '--no-record', '--json');
    expect(dash.code, dash.stderr).toBe(0);
    const doc = JSON.parse(dash.stdout);
    expect(doc.verdict).toBe('incomplete');
    expect(doc.summary).toContain('0/5 criteria met');
    expect(doc.unreadable).toMatchObject([{ code: 'E_FILE_READ', file: join(root, '.st3/tasks/TASK-0002') }]);
    expect(dash.stderr).toContain('TASK-0002 could not be read');
    const text = await st3(root, 'metrics', 'dashboard', '--no-record');
    expect(text.stdout).toContain('dashboard of 1 task(s) (1 more could not be read)');
    expect(text.stdout).toContain('not measured: file_reads_per_agent');
  });

  it('is served as unreadable by `metrics serve`, not as a complete scrape', async () => {
    const reported: string[] = [];
    const load = await telemetryLoader(root, join(root, '.st3/tasks'), (e) => reported.push(e.message))();
    expect(load.unreadable).toMatchObject([{ code: 'E_FILE_READ', file: join('.st3', 'tasks', 'TASK-0002') }]);
    expect(reported).toEqual([expect.stringContaining('TASK-0002 could not be read')]);
  });
});

describe('--history-dir where no snapshot is read', () => {
  it('collect accepts it and says that it has no effect', async () => {
    const r = await st3(root, 'metrics', 'collect', 'TASK-0001', '--history-dir', 'h', '--json');
    expect(JSON.parse(r.stdout).task_id).toBe('TASK-0001');
    expect(r.stderr).toContain('--history-dir is deprecated: collect reads no rollup snapshots');
    const help = await st3(root, 'metrics', 'serve', '--help');
    expect(help.stdout).toMatch(/--history-dir DIR\s+has no effect on serve/);
  });
});

describe('metrics dashboard and a malformed telemetry file', () => {
  it('names it once, at its line and column (it was said twice, without them)', async () => {
    await writeFile(
      join(root, '.st3/tasks/TASK-0001/telemetry-tester.json'),
      '{\n  "agent": "tester",\n  "task_id": "TASK',
    );
    const dash = await st3(root, 'metrics', 'dashboard', '--no-record');
    const said = dash.stderr.split('\n').filter((l) => l.includes('telemetry-tester.json'));
    expect(said).toEqual([expect.stringContaining('telemetry-tester.json:3:')]);
  });
});
