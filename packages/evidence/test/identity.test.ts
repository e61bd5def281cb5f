import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TASKS_CONFIG,
  findTask,
  initContext,
  listTasks,
  resolveTaskInputs,
  validateTaskFile,
  markDuplicateIds,
  purgeContext,
  resolveTaskRef,
} from '../src/index.js';
import { realWorld, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';
import { itWithFixtures } from '@st3/tooling/fixtures';

async function twoWithOneId(root: string): Promise<void> {
  await mkdir(join(root, 'tasks/completed'), { recursive: true });
  await writeFile(join(root, 'tasks/TASK-0007-first.task.yaml'), completeTask('TASK-0007'));
  await writeFile(join(root, 'tasks/completed/TASK-0007-copy.task.yaml'), completeTask('TASK-0007'));
  await writeFile(join(root, 'tasks/TASK-0008-alone.task.yaml'), completeTask('TASK-0008'));
}

describe('task identity', () => {
  it('reports a duplicate id with both paths, on both files', async () => {
    await withTemp(async (root) => {
      await twoWithOneId(root);
      const { duplicates, tasks, verdicts } = await listTasks(root, ['tasks']);
      expect(duplicates).toEqual([
        { id: 'TASK-0007', files: ['tasks/TASK-0007-first.task.yaml', 'tasks/completed/TASK-0007-copy.task.yaml'] },
      ]);
      expect(tasks.filter((t) => !t.ok).map((t) => t.file)).toEqual([
        'tasks/TASK-0007-first.task.yaml',
        'tasks/completed/TASK-0007-copy.task.yaml',
      ]);
      const first = verdicts.find((v) => v.file === 'tasks/TASK-0007-first.task.yaml')!;
      expect(first.errors).toEqual([
        expect.objectContaining({
          code: 'E_TASK_DUPLICATE_ID',
          message: 'task id TASK-0007 is also used by tasks/completed/TASK-0007-copy.task.yaml',
          line: 1,
          column: 1,
        }),
      ]);
    });
  });

  it('refuses an ambiguous id (exit 2) and accepts the path instead', async () => {
    await withTemp(async (root) => {
      await twoWithOneId(root);
      await expect(findTask(root, ['tasks'], 'TASK-0007')).rejects.toMatchObject({
        code: 'E_TASK_AMBIGUOUS',
        details: { files: ['tasks/TASK-0007-first.task.yaml', 'tasks/completed/TASK-0007-copy.task.yaml'] },
      });
      const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
      await expect(initContext(ws, 'TASK-0007', { worktree: 'skip' })).rejects.toMatchObject({
        code: 'E_TASK_AMBIGUOUS',
      });
      const { context } = await initContext(ws, 'tasks/completed/TASK-0007-copy.task.yaml', { worktree: 'skip' });
      expect(context.manifest.task_file).toBe('tasks/completed/TASK-0007-copy.task.yaml');
      expect((await findTask(root, ['tasks'], 'task-0008')).file).toBe('tasks/TASK-0008-alone.task.yaml');
    });
  });

  it("resolves a verb's task reference: ambiguous id refused, path accepted, its context checked", async () => {
    await withTemp(async (root) => {
      await twoWithOneId(root);
      const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
      await expect(resolveTaskRef(ws, 'TASK-0007')).rejects.toMatchObject({ code: 'E_TASK_AMBIGUOUS' });
      expect(await resolveTaskRef(ws, 'task-0008')).toMatchObject({ id: 'TASK-0008' });
      expect(await resolveTaskRef(ws, 'TASK-0999')).toEqual({ id: 'TASK-0999' }); // no file: the context decides
      await initContext(ws, 'tasks/TASK-0007-first.task.yaml', { worktree: 'skip' });
      expect((await resolveTaskRef(ws, 'tasks/TASK-0007-first.task.yaml')).id).toBe('TASK-0007');
      // The other file with that id shares the context folder: refused rather than mixed up.
      await expect(resolveTaskRef(ws, 'tasks/completed/TASK-0007-copy.task.yaml')).rejects.toMatchObject({
        code: 'E_TASK_AMBIGUOUS',
        message: expect.stringContaining('was made from tasks/TASK-0007-first.task.yaml'),
      });
      await purgeContext(ws, 'TASK-0007');
      expect((await resolveTaskRef(ws, 'tasks/completed/TASK-0007-copy.task.yaml')).id).toBe('TASK-0007');
    });
  });

  it('expands folders, keeps files, and refuses a name that does not exist (E_FILE_NOT_FOUND)', async () => {
    await withTemp(async (root) => {
      await twoWithOneId(root);
      const found = await resolveTaskInputs(root, root, ['tasks/completed', 'tasks/TASK-0008-alone.task.yaml']);
      expect(found.map((f) => f.file)).toEqual([
        'tasks/completed/TASK-0007-copy.task.yaml',
        'tasks/TASK-0008-alone.task.yaml',
      ]);
      await expect(resolveTaskInputs(root, root, ['missing.yaml'])).rejects.toMatchObject({
        code: 'E_FILE_NOT_FOUND',
        file: 'missing.yaml',
      });
    });
  });

  itWithFixtures('finds the 18 ids used twice in the 149 real task files', async () => {
    const files = await resolveTaskInputs(realWorld, realWorld, ['tasks']);
    const verdicts = await Promise.all(files.map((f) => validateTaskFile(f.path, f.file)));
    const duplicates = markDuplicateIds(verdicts);
    // 18 ids: TASK-0001 is carried by four files, TASK-0702 by three, the other sixteen by two.
    expect(duplicates).toHaveLength(18);
    expect(duplicates.map((d) => d.files.length).sort()).toEqual([...Array(16).fill(2), 3, 4]);
    expect(duplicates.find((d) => d.id === 'TASK-0822')).toEqual({
      id: 'TASK-0822',
      files: ['tasks/TASK-0822-rtk-query-xstate.task.yaml', 'tasks/TASK-0822-sst-adr-module-parity.task.yaml'],
    });
    expect(verdicts.filter((v) => v.errors.some((e) => e.code === 'E_TASK_DUPLICATE_ID'))).toHaveLength(39);
  });
});
