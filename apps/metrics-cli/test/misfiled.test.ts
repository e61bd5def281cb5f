// A telemetry file copied from another task is not that task's telemetry: it never passes the task.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
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

describe("st3 metrics: another task's telemetry file in a task's folder", () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'st3-misfiled-'));
    await recordTelemetry({ dir: join(root, '.st3/tasks/TASK-0001'), agent: 'coder', taskId: 'TASK-0001' }, (c) => {
      c.fileRead('src/a.ts', 10);
      c.prompt(800, 1000);
      c.jsonParse('agent', true);
    });
    // TASK-0002's own agent recorded a read only; TASK-0001's file is copied in beside it.
    await recordTelemetry({ dir: join(root, '.st3/tasks/TASK-0002'), agent: 'tester', taskId: 'TASK-0002' }, (c) =>
      c.fileRead('src/b.ts', 10),
    );
    await copyFile(
      join(root, '.st3/tasks/TASK-0001/telemetry-coder.json'),
      join(root, '.st3/tasks/TASK-0002/telemetry-coder.json'),
    );
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('collect: its criteria are not measured, the file is reported where its task_id is', async () => {
    const r = await st3(root, 'metrics', 'collect', 'TASK-0002', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const status = Object.fromEntries(doc.criteria.map((c: { id: string; status: string }) => [c.id, c.status]));
    expect(status).toMatchObject({ prompt_size_savings: 'not measured', json_parse_failures: 'not measured' });
    expect(doc.tasks[0].agents).toEqual(['tester']);
    expect(r.stderr).toContain(
      "telemetry-coder.json:4:3: warning: telemetry-coder.json is agent coder's telemetry of TASK-0001, not of TASK-0002",
    );
  });

  it('serve: it is an unreadable file of the scrape, not counted again under TASK-0001', async () => {
    await mkdir(join(root, '.st3/telemetry'), { recursive: true });
    const reported: string[] = [];
    const load = await telemetryLoader(root, join(root, '.st3/tasks'), (e) => reported.push(e.message))();
    expect(load.records.map((x) => `${x.task_id}/${x.agent}`).sort()).toEqual(['TASK-0001/coder', 'TASK-0002/tester']);
    expect(load.unreadable).toEqual([
      expect.objectContaining({
        code: 'E_TELEMETRY_MISFILED',
        file: join('.st3/tasks/TASK-0002/telemetry-coder.json'),
      }),
    ]);
    expect(reported).toHaveLength(1);
  });
});
