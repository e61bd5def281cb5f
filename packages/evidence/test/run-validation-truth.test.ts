// The review's repros in the library: a dangling blocker, a context whose commands went stale, and
// evidence that is no longer what was stored are never a pass.
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  attachEvidence,
  DEFAULT_TASKS_CONFIG,
  initContext,
  readContext,
  runTaskValidation,
  tallyValidation,
  validateTasks,
  validationCommandDrift,
  verifyEvidence,
} from '../src/index.js';
import { withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const PASSES = '    - id: ok\n      command: ["node", "--version"]\n';
const FAILS = '    - id: bad\n      command: ["node", "-e", "process.exit(3)"]\n';

async function workspace(root: string, pipeline: string, more: Record<string, string> = {}) {
  await mkdir(join(root, 'tasks'));
  await writeFile(join(root, 'tasks/TASK-0001-a.task.yaml'), completeTask('TASK-0001', pipeline));
  for (const [name, text] of Object.entries(more)) await writeFile(join(root, 'tasks', name), text);
  return { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
}

describe('a blocker_id that names no task', () => {
  it('is a located E_TASK_NOT_FOUND of validateTasks (all files, or the file named) and a failure of the run', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root, `${FAILS}      blocker_id: TASK-9999\n`);
      for (const inputs of [undefined, ['tasks/TASK-0001-a.task.yaml']]) {
        const r = await validateTasks(ws, inputs ? { inputs } : {});
        expect(r.ok).toBe(false);
        expect(r.verdicts[0]!.errors).toEqual([
          expect.objectContaining({
            code: 'E_TASK_NOT_FOUND',
            file: 'tasks/TASK-0001-a.task.yaml',
            line: 23,
            column: 19,
            path: ['validation', 'pipeline', 0, 'blocker_id'],
          }),
        ]);
      }
      await initContext(ws, 'TASK-0001', { worktree: 'skip' });
      const { results } = await runTaskValidation(ws, 'TASK-0001', { env: { PATH: process.env.PATH } });
      expect(results[0]).toMatchObject({ status: 'skipped', attempts: 0 });
      expect(tallyValidation(results)).toMatchObject({ ok: false, passed: 0, not_run: 1, skipped: 0 });
    });
  });

  it('a blocker that exists is no finding; a run where every command waits on it checked nothing: not ok', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root, `${FAILS}      blocker_id: TASK-0002\n`, {
        'TASK-0002-b.task.yaml': completeTask('TASK-0002').replace('status: todo', 'status: in_progress'),
      });
      expect((await validateTasks(ws)).ok).toBe(true);
      await initContext(ws, 'TASK-0001', { worktree: 'skip' });
      const { results } = await runTaskValidation(ws, 'TASK-0001', { env: { PATH: process.env.PATH } });
      expect(results[0]!.skip_reason).toBe('blocker TASK-0002 is in_progress, not completed');
      expect(tallyValidation(results)).toMatchObject({ ok: false, passed: 0, not_run: 0, skipped: 1 });
    });
  });
});

describe('validation commands of the task file that differ from the context', () => {
  it('a command added, changed or removed since context init is not run and counts as not run', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root, `${PASSES}    - id: gone\n      command: ["node", "--version"]\n`);
      await initContext(ws, 'TASK-0001', { worktree: 'skip' });
      const file = join(root, 'tasks/TASK-0001-a.task.yaml');
      const env = { PATH: process.env.PATH };
      expect(tallyValidation((await runTaskValidation(ws, 'TASK-0001', { env })).results).ok).toBe(true);

      // The bug: the failing command added to the file was never run, and the run passed.
      await writeFile(
        file,
        completeTask('TASK-0001', `${PASSES}    - id: gone\n      command: ["node", "--version"]\n${FAILS}`),
      );
      let run = await runTaskValidation(ws, 'TASK-0001', { env });
      expect(run.results.map((r) => [r.id, r.status])).toEqual([
        ['ok', 'passed'],
        ['gone', 'passed'],
        ['bad', 'skipped'],
      ]);
      expect(run.results[2]!.skip_reason).toMatch(
        /^added to tasks\/TASK-0001-a\.task\.yaml since context init; re-init/,
      );
      expect(tallyValidation(run.results)).toMatchObject({ ok: false, passed: 2, not_run: 1 });

      // Changed (same id, another argv) and removed: neither the stale nor the new one runs.
      await writeFile(
        file,
        completeTask('TASK-0001', '    - id: ok\n      command: ["node", "-e", "process.exit(3)"]\n'),
      );
      expect(
        (await validationCommandDrift(ws, await readContext(ws, 'TASK-0001'))).map((d) => [d.id, d.change]),
      ).toEqual([
        ['ok', 'changed'],
        ['gone', 'removed'],
      ]);
      run = await runTaskValidation(ws, 'TASK-0001', { env });
      expect(run.results.map((r) => [r.id, r.status, r.attempts])).toEqual([
        ['ok', 'skipped', 0],
        ['gone', 'skipped', 0],
      ]);
      expect(tallyValidation(run.results)).toMatchObject({ ok: false, passed: 0, not_run: 2 });
      // The baseline is what the commands gave the first time, never a drift skip.
      const context = await readContext(ws, 'TASK-0001');
      expect(context.validation_baseline!.results.every((r) => r.status === 'passed')).toBe(true);

      // Only the description changed: nothing that runs changed, so no drift.
      await writeFile(
        file,
        completeTask(
          'TASK-0001',
          `${PASSES}      description: runtime\n    - id: gone\n      command: ["node", "--version"]\n`,
        ),
      );
      expect(await validationCommandDrift(ws, context)).toEqual([]);
    });
  });

  it('a deleted task file: no command of the context runs (they came from it), with the reason', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root, PASSES);
      await initContext(ws, 'TASK-0001', { worktree: 'skip' });
      await rm(join(root, 'tasks/TASK-0001-a.task.yaml'));
      const run = await runTaskValidation(ws, 'TASK-0001', { env: { PATH: process.env.PATH } });
      expect(run.results.map((r) => [r.id, r.status, r.attempts])).toEqual([['ok', 'skipped', 0]]);
      expect(run.results[0]!.skip_reason).toMatch(/^the task file tasks\/TASK-0001-a\.task\.yaml is gone/);
      expect(tallyValidation(run.results)).toMatchObject({ ok: false, passed: 0, not_run: 1 });
    });
  });
});

describe('evidence verify', () => {
  it('a task with no evidence is no pass; a symlink where a stored file was is replaced; a folder is unreadable', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root, PASSES);
      await initContext(ws, 'TASK-0001', { worktree: 'skip' });
      expect(await verifyEvidence(ws, 'TASK-0001')).toMatchObject({ ok: false, checked: 0, no_evidence: true });

      await writeFile(join(root, 'build.log'), 'build ok\n');
      const { entry } = await attachEvidence(ws, 'TASK-0001', { type: 'log', source: 'build.log', description: 'b' });
      expect(await verifyEvidence(ws, 'TASK-0001')).toMatchObject({ ok: true, checked: 1, no_evidence: false });
      const stored = join(root, '.st3/tasks/TASK-0001/evidence', entry.stored);
      const outside = join(root, '..', `${entry.id}-outside.log`);
      await writeFile(outside, await readFile(stored));
      try {
        await rm(stored);
        await symlink(outside, stored);
        const replaced = await verifyEvidence(ws, 'TASK-0001');
        expect(replaced).toMatchObject({ ok: false, changed: [], missing: [], unreadable: [] });
        expect(replaced.replaced).toEqual([
          { id: entry.id, stored: entry.stored, reason: `a symlink (-> ${outside}) is where the stored file was` },
        ]);
      } finally {
        await rm(outside, { force: true });
      }
      await rm(stored);
      await mkdir(stored);
      expect(await verifyEvidence(ws, 'TASK-0001')).toMatchObject({
        ok: false,
        missing: [],
        unreadable: [
          { id: entry.id, stored: entry.stored, code: 'E_FILE_READ', reason: 'a folder is where the stored file was' },
        ],
      });
    });
  });
});
