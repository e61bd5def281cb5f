// Two task files carry one id and neither parses (the real TASK-0822 pair): the quarantine keeps one entry
// per id, so the second is refused and said to be, never merged into the first's entry.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TASKS_CONFIG, listQuarantined, readQuarantineIndex, validateTasks } from '../src/index.js';
import { realWorld, withTemp } from './helpers.js';

const A = 'TASK-0822-rtk-query-xstate.task.yaml';
const B = 'TASK-0822-sst-adr-module-parity.task.yaml';

async function workspace(root: string) {
  await mkdir(join(root, 'tasks'));
  for (const name of [A, B]) await copyFile(join(realWorld, 'tasks', name), join(root, 'tasks', name));
  const ws = { root, config: DEFAULT_TASKS_CONFIG };
  return { ws, store: { root, dir: join(root, DEFAULT_TASKS_CONFIG.quarantine_dir) } };
}

describe('validate --quarantine of two unparseable files with one id', () => {
  it('quarantines the first, refuses the second with E_TASK_DUPLICATE_ID, and the entry is all the first file', async () => {
    await withTemp(async (root) => {
      const { ws, store } = await workspace(root);
      const r = await validateTasks(ws, { quarantine: true });
      expect(r.quarantined).toEqual(['TASK-0822']);
      expect(r.notQuarantined).toEqual([`tasks/${B}`]);
      const a = r.verdicts.find((v) => v.file === `tasks/${A}`)!;
      const b = r.verdicts.find((v) => v.file === `tasks/${B}`)!;
      expect(b.ok).toBe(false);
      expect(b.errors).toContainEqual(
        expect.objectContaining({
          code: 'E_TASK_DUPLICATE_ID',
          message: expect.stringContaining(`quarantined for tasks/${A}`),
        }),
      );
      const [entry, ...more] = await listQuarantined(store);
      expect(more).toEqual([]);
      expect(entry).toMatchObject({
        original_path: `tasks/${A}`,
        error_details: { line: a.errors[0]!.line, column: a.errors[0]!.column, message: a.errors[0]!.message },
      });
      expect((await readQuarantineIndex(store)).entries).toMatchObject([
        { task_id: 'TASK-0822', original_path: `tasks/${A}` },
      ]);
      // Again: the same verdicts, nothing merged.
      const again = await validateTasks(ws, { quarantine: true });
      expect(again.notQuarantined).toEqual([`tasks/${B}`]);
      expect((await listQuarantined(store))[0]).toMatchObject({
        original_path: `tasks/${A}`,
        error_details: { line: a.errors[0]!.line },
      });
    });
  });

  it('an entry whose file is gone (renamed) takes the new path', async () => {
    await withTemp(async (root) => {
      const { ws, store } = await workspace(root);
      await rm(join(root, 'tasks', B));
      await validateTasks(ws, { quarantine: true });
      await rm(join(root, 'tasks', A));
      await copyFile(join(realWorld, 'tasks', A), join(root, 'tasks', 'TASK-0822-renamed.task.yaml'));
      const r = await validateTasks(ws, { quarantine: true });
      expect(r).toMatchObject({ quarantined: ['TASK-0822'], notQuarantined: [] });
      expect((await listQuarantined(store))[0]).toMatchObject({ original_path: 'tasks/TASK-0822-renamed.task.yaml' });
      expect((await readQuarantineIndex(store)).entries).toMatchObject([
        { original_path: 'tasks/TASK-0822-renamed.task.yaml' },
      ]);
    });
  });
});
