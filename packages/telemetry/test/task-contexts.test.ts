// A task context the tasks folder links to but that cannot be read (the link leads nowhere, or loops) was
// left out of the task list without a word, and the pilot was judged on the other tasks alone.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listTaskContexts, loadTelemetryDir, scanTaskContexts } from '../src/index.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-task-contexts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scanTaskContexts', () => {
  it('names a dangling symlink and a symlink loop instead of skipping them; plain files are no tasks', async () => {
    await mkdir(join(dir, 'TASK-0001'));
    await mkdir(join(dir, 'shared'));
    await symlink(join(dir, 'shared'), join(dir, 'TASK-0003'), 'dir');
    await symlink(join(dir, 'gone', 'TASK-0002'), join(dir, 'TASK-0002'), 'dir');
    await symlink('TASK-0004', join(dir, 'TASK-0004'));
    await writeFile(join(dir, 'README.md'), '# tasks\n');
    await symlink(join(dir, 'README.md'), join(dir, 'NOTES.md'));

    const scan = await scanTaskContexts(dir);
    expect(scan.tasks).toEqual(['TASK-0001', 'TASK-0003', 'shared']);
    expect(scan.unreadable.map((d) => [d.code, d.file])).toEqual([
      ['E_FILE_READ', join(dir, 'TASK-0002')],
      ['E_FILE_READ', join(dir, 'TASK-0004')],
    ]);
    expect(scan.unreadable[0]!.message).toContain('TASK-0002 could not be read');
    expect(scan.unreadable[0]!.message).toContain('leads to nothing');
    expect(scan.unreadable[1]!.message).toContain('loop');
    expect(await listTaskContexts(dir)).toEqual(scan.tasks);
  });

  it('a missing tasks folder has no task; one that is a file is a typed error', async () => {
    expect(await scanTaskContexts(join(dir, 'none'))).toEqual({ tasks: [], unreadable: [] });
    await writeFile(join(dir, 'file'), '');
    await expect(scanTaskContexts(join(dir, 'file'))).rejects.toMatchObject({ code: 'E_FILE_READ' });
  });
});

describe('loadTelemetryDir', () => {
  it('a folder it cannot list is a located E_FILE_READ error, not a throw (E_INTERNAL) nor "no telemetry"', async () => {
    await symlink('loop', join(dir, 'loop'));
    const r = await loadTelemetryDir(join(dir, 'loop'), { taskId: 'TASK-0001' });
    expect(r.records).toEqual([]);
    expect(r.errors).toMatchObject([{ code: 'E_FILE_READ', file: join(dir, 'loop') }]);
  });
});
