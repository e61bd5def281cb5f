// Evidence, ledger and quarantine verbs that said "ok" without having established it.
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addException,
  attachEvidence,
  cleanupTaskExceptions,
  DEFAULT_TASKS_CONFIG,
  initContext,
  listEvidence,
  readLedger,
  verifyEvidence,
  type EvidenceWorkspace,
} from '../src/index.js';
import { withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const EVIDENCE = '.st3/tasks/TASK-0001/evidence';

async function workspace(root: string): Promise<EvidenceWorkspace> {
  await mkdir(join(root, 'tasks'), { recursive: true });
  await writeFile(join(root, 'tasks/TASK-0001-a.task.yaml'), completeTask('TASK-0001'));
  const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
  await initContext(ws, 'TASK-0001', { worktree: 'skip' });
  return ws;
}

describe('evidence list holds the index against context.json', () => {
  it('a deleted index is E_CONTEXT_CORRUPT, not an empty list', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await writeFile(join(root, 'build.log'), 'ok\n');
      const { entry } = await attachEvidence(ws, 'TASK-0001', { type: 'log', source: 'build.log', description: 'b' });
      expect((await listEvidence(ws, 'TASK-0001')).map((e) => e.id)).toEqual([entry.id]);
      await rm(join(root, EVIDENCE, 'index.json'));
      await expect(listEvidence(ws, 'TASK-0001')).rejects.toMatchObject({
        code: 'E_CONTEXT_CORRUPT',
        file: `${EVIDENCE}/index.json`,
        details: { problems: [expect.objectContaining({ id: entry.id })] },
      });
    });
  });

  it('a task that never had evidence lists none', async () => {
    await withTemp(async (root) => {
      expect(await listEvidence(await workspace(root), 'TASK-0001')).toEqual([]);
    });
  });
});

describe('evidence verify holds a folder archive index against the archive, both ways', () => {
  async function archived(root: string): Promise<{ ws: EvidenceWorkspace; indexPath: string }> {
    const ws = await workspace(root);
    await mkdir(join(root, 'cov/sub'), { recursive: true });
    await writeFile(join(root, 'cov/x.txt'), '1\n');
    await writeFile(join(root, 'cov/sub/y.txt'), '2\n');
    const { entry } = await attachEvidence(ws, 'TASK-0001', { type: 'directory', source: 'cov', description: 'c' });
    expect((await verifyEvidence(ws, 'TASK-0001')).ok).toBe(true);
    return { ws, indexPath: join(root, EVIDENCE, entry.archive_index!) };
  }
  type Files = { path: string; size: number; sha256: string }[];
  async function edit(path: string, fn: (files: Files) => void): Promise<void> {
    const index = JSON.parse(await readFile(path, 'utf8')) as { files: Files };
    fn(index.files);
    await writeFile(path, JSON.stringify(index));
  }

  it('an index that lists one file twice and leaves another out is not "all intact"', async () => {
    await withTemp(async (root) => {
      const { ws, indexPath } = await archived(root);
      await edit(indexPath, (files) => (files[0] = { ...files[1]! }));
      const report = await verifyEvidence(ws, 'TASK-0001');
      expect(report.ok).toBe(false);
      expect(report.indexProblems.map((p) => p.problem)).toEqual([
        'x.txt is listed more than once in the index',
        'sub/y.txt is in the archive but not in the index',
      ]);
    });
  });

  it('an index that records another size is not "all intact"', async () => {
    await withTemp(async (root) => {
      const { ws, indexPath } = await archived(root);
      await edit(indexPath, (files) => (files[1]!.size = 99_999));
      const report = await verifyEvidence(ws, 'TASK-0001');
      expect(report.ok).toBe(false);
      expect(report.indexProblems.map((p) => p.problem)).toEqual([
        'x.txt is 2 bytes in the archive, 99999 in the index',
      ]);
    });
  });
});

describe('exceptions cleanup removes only what it established', () => {
  it('no task file found is E_TASK_NO_FILES and removes nothing', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const ledger = join(root, ws.config.ledger);
      await addException(ledger, { task_id: 'TASK-0001', exception_type: 'incomplete_task' });
      const wrong = { ...ws, config: { ...ws.config, task_dirs: ['task'] } };
      await expect(cleanupTaskExceptions(wrong)).rejects.toMatchObject({ code: 'E_TASK_NO_FILES' });
      expect((await readLedger(ledger)).exceptions).toHaveLength(1);
    });
  });

  it('a task not found while a task file could not be checked is kept and reported, not deleted', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const ledger = join(root, ws.config.ledger);
      await addException(ledger, { task_id: 'TASK-0005', exception_type: 'malformed_yaml' });
      await symlink('../gone.task.yaml', join(root, 'tasks/TASK-0005-x.task.yaml'));
      const first = await cleanupTaskExceptions(ws);
      expect(first.removed).toEqual([]);
      expect(first.notChecked).toEqual([
        {
          task_id: 'TASK-0005',
          exception_type: 'malformed_yaml',
          reason: 'the task file of TASK-0005 could not be checked',
        },
      ]);
      // A link without an id in its name: which task it is cannot be told, so no task counts as deleted.
      await rm(join(root, 'tasks/TASK-0005-x.task.yaml'));
      await symlink('../gone.task.yaml', join(root, 'tasks/fix-login.task.yaml'));
      const second = await cleanupTaskExceptions(ws);
      expect(second.removed).toEqual([]);
      expect(second.notChecked.map((n) => n.task_id)).toEqual(['TASK-0005']);
      expect((await readLedger(ledger)).exceptions).toHaveLength(1);
      // Every file checked: the task is seen to be gone.
      await rm(join(root, 'tasks/fix-login.task.yaml'));
      const third = await cleanupTaskExceptions(ws);
      expect(third.removed.map((e) => e.task_id)).toEqual(['TASK-0005']);
      expect(third.notChecked).toEqual([]);
    });
  });
});
