// What an audit reproduced through the CLI on real files: a task context reached through a symlink left
// out of the dashboard's pilot (which then passed without it), two agents whose names differ only in
// characters a file name cannot hold counted as one agent, and `telemetry record --file-read` run from
// a sub-folder recording a file of 0 bytes under a path that names no file of the workspace.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
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

type Criterion = { id: string; status: string; detail?: string; units?: { id: string; value: number | null }[] };
const criterion = (doc: { criteria: Criterion[] }, id: string) => doc.criteria.find((c) => c.id === id)!;

let root = '';
let outside = '';
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'st3-seen-'));
  outside = await mkdtemp(join(tmpdir(), 'st3-seen-elsewhere-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

/** An agent of `task` in `dir` that read `reads` files. */
async function reads(dir: string, task: string, agent: string, count: number): Promise<void> {
  await recordTelemetry({ dir, agent, taskId: task }, (c) => {
    for (let i = 0; i < count; i++) c.fileRead(`src/f${i}.ts`, 10);
  });
}

describe('st3 metrics dashboard and serve see every task context', () => {
  it('a task context that is a symlink to a folder is judged with the others (its agent misses file reads)', async () => {
    await reads(join(root, '.st3/tasks/TASK-0001'), 'TASK-0001', 'coder', 2);
    // TASK-0002's context lives elsewhere (a shared folder) and is linked in; its agent read 9 files.
    await reads(join(outside, 'TASK-0002'), 'TASK-0002', 'coder', 9);
    await symlink(join(outside, 'TASK-0002'), join(root, '.st3/tasks/TASK-0002'), 'dir');

    const collected = await st3(root, 'metrics', 'collect', 'TASK-0001', 'TASK-0002', '--json');
    expect(criterion(JSON.parse(collected.stdout), 'file_reads_per_agent').status).toBe('missed');

    const dash = await st3(root, 'metrics', 'dashboard', '--no-record', '--json');
    expect(dash.code, dash.stderr).toBe(0);
    const doc = JSON.parse(dash.stdout);
    expect(doc.tasks).toBe(2);
    expect(doc.summary).toContain('missed: file_reads_per_agent');
    const rollup = JSON.parse(await readFile(join(root, '.st3/metrics/dashboard/rollup.json'), 'utf8'));
    expect(rollup.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(['TASK-0001', 'TASK-0002']);
    // `metrics serve` scrapes it too.
    const load = await telemetryLoader(root, join(root, '.st3/tasks'), () => undefined)();
    expect(load.records.map((r) => r.task_id)).toEqual(['TASK-0001', 'TASK-0002']);
  });
});

describe('st3 telemetry record: one agent, one file', () => {
  it('two agents named in another script are not merged into one (which passed file reads at 4 of 5)', async () => {
    await mkdir(join(root, '.st3/tasks/TASK-0001'), { recursive: true });
    for (const agent of ['a1', 'a2', 'a3', 'a4'])
      await reads(join(root, '.st3/tasks/TASK-0001'), 'TASK-0001', agent, 2);
    // Each of them read 6 files: 4 of 6 agents at ≤ 5 reads is 67%, under the 80% the pilot needs.
    for (const agent of ['개발자', '리뷰어'])
      for (let i = 0; i < 6; i++) {
        const r = await st3(
          root,
          'telemetry',
          'record',
          'TASK-0001',
          '--agent',
          agent,
          '--file-read',
          `f${i}`,
          '--bytes',
          '1',
        );
        expect(r.code, r.stderr).toBe(0);
      }
    const names = (await readdir(join(root, '.st3/tasks/TASK-0001'))).filter((n) => n.startsWith('telemetry-'));
    expect(names).toHaveLength(6);
    const doc = JSON.parse((await st3(root, 'metrics', 'collect', 'TASK-0001', '--json')).stdout);
    const fileReads = criterion(doc, 'file_reads_per_agent');
    expect(fileReads.status).toBe('missed');
    expect(fileReads.units!.map((u) => [u.id, u.value])).toEqual(
      expect.arrayContaining([
        ['TASK-0001/개발자', 6],
        ['TASK-0001/리뷰어', 6],
      ]),
    );
  });
});

describe('st3 telemetry record --file-read from a sub-folder', () => {
  it('measures the file it names from there and records it relative to the workspace root', async () => {
    await reads(join(root, '.st3/tasks/TASK-0001'), 'TASK-0001', 'coder', 1);
    await mkdir(join(root, 'src'));
    const text = 'export const answer = 42;\n';
    await writeFile(join(root, 'src/inventory.ts'), text);
    const sub = join(root, 'src');
    for (const path of ['inventory.ts', '../src/inventory.ts', join(sub, 'inventory.ts')]) {
      const r = await st3(sub, 'telemetry', 'record', 'TASK-0001', '--agent', 'sub', '--file-read', path);
      expect([r.code, r.stderr], path).toEqual([0, '']);
      expect(r.stdout, path).toContain(`file read src/inventory.ts (${text.length} bytes)`);
    }
    const saved = JSON.parse(await readFile(join(root, '.st3/tasks/TASK-0001/telemetry-sub.json'), 'utf8'));
    expect(saved.file_reads).toEqual([{ path: 'src/inventory.ts', bytes: 3 * text.length, count: 3 }]);
  });

  it('a file it cannot measure is recorded with 0 bytes and a located warning, not silently', async () => {
    await reads(join(root, '.st3/tasks/TASK-0001'), 'TASK-0001', 'coder', 1);
    const r = await st3(root, 'telemetry', 'record', 'TASK-0001', '--agent', 'sub', '--file-read', 'src/gone.ts');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('file read src/gone.ts (0 bytes)');
    expect(r.stderr).toContain(`${join(root, 'src/gone.ts')}: warning: not found: its read is recorded with 0 bytes`);
    const doc = await st3(root, 'telemetry', 'record', 'TASK-0001', '--agent', 'sub', '--file-read', '.st3', '--json');
    expect(JSON.parse(doc.stdout)).toMatchObject({ ok: true, recorded: ['file read .st3 (0 bytes)'] });
    expect(doc.stderr).toContain('warning: not a file: its read is recorded with 0 bytes');
  });
});

describe('a task named by the path of its task file', () => {
  it('st3 telemetry record and st3 metrics collect use the id in the file name (not the path upper-cased)', async () => {
    await reads(join(root, '.st3/tasks/TASK-0001'), 'TASK-0001', 'coder', 1);
    const file = 'tasks/TASK-0001-some-slug.task.yaml';
    const rec = await st3(
      root,
      'telemetry',
      'record',
      file,
      '--agent',
      'sub',
      '--cache-hit',
      'prompt',
      '--bytes',
      '10',
      '--json',
    );
    expect(rec.code, rec.stdout + rec.stderr).toBe(0);
    expect(JSON.parse(rec.stdout)).toMatchObject({
      task_id: 'TASK-0001',
      file: '.st3/tasks/TASK-0001/telemetry-sub.json',
    });
    const collect = await st3(root, 'metrics', 'collect', file, '--json');
    expect(JSON.parse(collect.stdout)).toMatchObject({ tasks: [{ task_id: 'TASK-0001' }] });
    const bad = await st3(root, 'metrics', 'collect', 'tasks/notes.task.yaml', '--json');
    expect([bad.code, JSON.parse(bad.stdout).error.code]).toEqual([2, 'E_USAGE']);
  });
});
