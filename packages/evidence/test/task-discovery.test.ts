import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTaskFiles, listTasks, resolveTaskInputs, validateFoundTaskFile } from '../src/index.js';
import { withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const BROKEN = 'title: [unclosed\n';

/**
 * A workspace (`<tmp>/ws`) whose task folder holds every kind of `*.task.yaml` a folder search meets:
 * well named, named without an id (broken, or valid with an id inside), lower-case, and symlinks that
 * are followed (to a file in the workspace) or cannot be (dangling, a loop, out of the workspace, a
 * folder of task files).
 */
async function mixedFolder(tmp: string): Promise<string> {
  const root = join(tmp, 'ws');
  for (const dir of ['tasks/completed', 'elsewhere', 'shared']) await mkdir(join(root, dir), { recursive: true });
  await mkdir(join(tmp, 'outside'));
  const put = (path: string, text: string) => writeFile(join(root, path), text);
  await put('tasks/TASK-0001-ok.task.yaml', completeTask('TASK-0001'));
  await put('tasks/completed/TASK-0013-done.task.yaml', completeTask('TASK-0013'));
  await put('tasks/fix-login.task.yaml', BROKEN);
  await put('tasks/task-0003-lower.task.yaml', BROKEN);
  await put('tasks/renamed.task.yaml', completeTask('TASK-0005'));
  await put('tasks/notes.md', '# not a task\n');
  await put('elsewhere/TASK-0009-x.task.yaml', BROKEN);
  await put('shared/TASK-0012-s.task.yaml', completeTask('TASK-0012'));
  await writeFile(join(tmp, 'outside/TASK-0011-out.task.yaml'), completeTask('TASK-0011'));
  await symlink('../elsewhere/TASK-0009-x.task.yaml', join(root, 'tasks/TASK-0009-x.task.yaml'));
  await symlink('../nowhere.task.yaml', join(root, 'tasks/TASK-0010-gone.task.yaml'));
  await symlink(join(tmp, 'outside/TASK-0011-out.task.yaml'), join(root, 'tasks/TASK-0011-out.task.yaml'));
  await symlink('TASK-0014-loop.task.yaml', join(root, 'tasks/TASK-0014-loop.task.yaml'));
  await symlink('../shared', join(root, 'tasks/shared-link'));
  // A link to a folder that is walked anyway is no loss.
  await symlink('completed', join(root, 'tasks/completed-alias'));
  return root;
}

describe('a task folder search checks or reports every *.task.yaml', () => {
  it('listTasks: names without an id are checked, links followed or failed with the reason, never dropped', async () => {
    await withTemp(async (tmp) => {
      const root = await mixedFolder(tmp);
      const { verdicts, tasks, skipped } = await listTasks(root, ['tasks']);
      const summary = verdicts.map((v) => [
        v.file,
        v.id ?? null,
        v.ok,
        v.errors[0]?.code ?? null,
        v.notChecked !== undefined,
      ]);
      expect(summary).toEqual([
        ['tasks/TASK-0001-ok.task.yaml', 'TASK-0001', true, null, false],
        ['tasks/TASK-0009-x.task.yaml', 'TASK-0009', false, 'E_PARSE', false],
        ['tasks/TASK-0010-gone.task.yaml', 'TASK-0010', false, 'E_FILE_NOT_FOUND', true],
        ['tasks/TASK-0011-out.task.yaml', 'TASK-0011', false, 'E_PATH_ESCAPE', true],
        ['tasks/TASK-0014-loop.task.yaml', 'TASK-0014', false, 'E_FILE_READ', true],
        ['tasks/completed/TASK-0013-done.task.yaml', 'TASK-0013', true, null, false],
        ['tasks/fix-login.task.yaml', null, false, 'E_PARSE', false],
        ['tasks/renamed.task.yaml', 'TASK-0005', true, null, false],
        ['tasks/shared-link', null, false, 'E_FILE_READ', true],
        ['tasks/task-0003-lower.task.yaml', null, false, 'E_PARSE', false],
      ]);
      const byFile = new Map(verdicts.map((v) => [v.file, v]));
      // Located errors with the reason and a hint.
      expect(byFile.get('tasks/fix-login.task.yaml')!.errors[0]).toMatchObject({ line: 2, column: 1 });
      expect(byFile.get('tasks/TASK-0010-gone.task.yaml')!.errors[0]).toMatchObject({
        file: 'tasks/TASK-0010-gone.task.yaml',
        message: 'not checked: a symlink to ../nowhere.task.yaml, which does not exist',
        hint: expect.any(String),
      });
      expect(byFile.get('tasks/shared-link')!.errors[0]!.message).toContain('holding 1 task file(s)');
      // A name without an id: checked, with a warning naming the pattern (and the id inside when there is one).
      for (const file of ['tasks/fix-login.task.yaml', 'tasks/task-0003-lower.task.yaml', 'tasks/renamed.task.yaml'])
        expect(byFile.get(file)!.warnings[0]).toMatchObject({ code: 'W_TASK_FILE_NAME', file });
      expect(byFile.get('tasks/renamed.task.yaml')!.warnings[0]!.hint).toBe('rename it TASK-0005-<slug>.task.yaml');
      expect(byFile.get('tasks/fix-login.task.yaml')!.warnings[0]!.hint).toContain('TASK-0123-slug.task.yaml');

      // The list: files whose name carries an id; every other one is in `skipped` with the reason.
      expect(tasks.map((t) => t.file)).toEqual([
        'tasks/TASK-0001-ok.task.yaml',
        'tasks/TASK-0009-x.task.yaml',
        'tasks/TASK-0010-gone.task.yaml',
        'tasks/TASK-0011-out.task.yaml',
        'tasks/TASK-0014-loop.task.yaml',
        'tasks/completed/TASK-0013-done.task.yaml',
      ]);
      expect(skipped.map((s) => [s.file, s.code])).toEqual([
        ['tasks/TASK-0010-gone.task.yaml', 'E_FILE_NOT_FOUND'],
        ['tasks/TASK-0011-out.task.yaml', 'E_PATH_ESCAPE'],
        ['tasks/TASK-0014-loop.task.yaml', 'E_FILE_READ'],
        ['tasks/fix-login.task.yaml', 'W_TASK_FILE_NAME'],
        ['tasks/renamed.task.yaml', 'W_TASK_FILE_NAME'],
        ['tasks/shared-link', 'E_FILE_READ'],
        ['tasks/task-0003-lower.task.yaml', 'W_TASK_FILE_NAME'],
      ]);
      expect(skipped.find((s) => s.file === 'tasks/renamed.task.yaml')!.reason).toContain('TASK-0005');
    });
  });

  it('finding by id: a followed link is found, one that cannot be read is not a location', async () => {
    await withTemp(async (tmp) => {
      const root = await mixedFolder(tmp);
      expect((await listTaskFiles(root, ['tasks'])).map((t) => t.id)).toEqual(['TASK-0001', 'TASK-0009', 'TASK-0013']);
    });
  });

  it('a folder given to validate is searched the same way (links judged against the workspace root)', async () => {
    await withTemp(async (tmp) => {
      const root = await mixedFolder(tmp);
      const found = await resolveTaskInputs(root, join(root, 'tasks'), ['.']);
      expect(found.map((f) => [f.file, f.notChecked?.code ?? null])).toEqual([
        ['tasks/TASK-0001-ok.task.yaml', null],
        ['tasks/TASK-0009-x.task.yaml', null],
        ['tasks/TASK-0010-gone.task.yaml', 'E_FILE_NOT_FOUND'],
        ['tasks/TASK-0011-out.task.yaml', 'E_PATH_ESCAPE'],
        ['tasks/TASK-0014-loop.task.yaml', 'E_FILE_READ'],
        ['tasks/completed/TASK-0013-done.task.yaml', null],
        ['tasks/fix-login.task.yaml', null],
        ['tasks/renamed.task.yaml', null],
        ['tasks/shared-link', 'E_FILE_READ'],
        ['tasks/task-0003-lower.task.yaml', null],
      ]);
      const verdicts = await Promise.all(found.map(validateFoundTaskFile));
      expect(verdicts.filter((v) => v.ok).map((v) => v.file)).toEqual([
        'tasks/TASK-0001-ok.task.yaml',
        'tasks/completed/TASK-0013-done.task.yaml',
        'tasks/renamed.task.yaml',
      ]);
    });
  });
});
