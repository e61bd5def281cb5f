import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  attachEvidence,
  DEFAULT_TASKS_CONFIG,
  diffContext,
  EVIDENCE_LIMITS,
  initContext,
  readContext,
  recordWorktree,
  snapshotFor,
  takeSnapshot,
  taskFileDrift,
  updateContext,
  verifyWorktree,
  workspaceIgnores,
  type EvidenceWorkspace,
} from '../src/index.js';
import { fixedClock, git, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const TASK = 'tasks/TASK-0042-truth.task.yaml';

async function repo(root: string): Promise<EvidenceWorkspace> {
  await mkdir(join(root, 'tasks/completed'), { recursive: true });
  await writeFile(join(root, TASK), completeTask('TASK-0042'));
  await writeFile(join(root, 'src.ts'), 'export const a = 1;\n');
  git(root, 'init', '-q');
  git(root, 'add', '.');
  git(root, 'commit', '-q', '-m', 'init');
  return { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
}

describe('telemetry of init', () => {
  it('tells the handle about each file read for the task, once per file', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      await mkdir(join(root, 'standards'));
      const standard = '# A\n\n## One\n\nfirst\n\n## Two\n\nsecond\n';
      await writeFile(join(root, 'standards/a.md'), standard);
      const task = completeTask('TASK-0043').replace(
        'description: d',
        'description: follows standards/a.md#one and standards/a.md#two',
      );
      await writeFile(join(root, 'tasks/TASK-0043-reads.task.yaml'), task);
      const reads: [string, number][] = [];
      const handle = {
        count: () => undefined,
        observe: () => undefined,
        fileRead: (p: string, n: number) => reads.push([p, n]),
      };
      const { context } = await initContext({ root, config: DEFAULT_TASKS_CONFIG }, 'TASK-0043', {
        worktree: 'skip',
        telemetry: handle,
      });
      expect(context.standards.map((e) => e.section).sort()).toEqual(['one', 'two']);
      expect(reads).toEqual([
        ['tasks/TASK-0043-reads.task.yaml', Buffer.byteLength(task)],
        ['standards/a.md', Buffer.byteLength(standard)],
      ]);
    });
  });
});

describe('snapshot truth', () => {
  it('init takes a worktree snapshot recording its agent; verify checks the expected agent', async () => {
    await withTemp(async (root) => {
      const ws = await repo(root);
      const { context } = await initContext(ws, 'TASK-0042', { agent: 'implementer', clock: fixedClock });
      expect(context.worktree).toMatchObject({ agent: 'implementer', head: expect.stringMatching(/^[0-9a-f]{40}$/) });
      expect(context.worktree!.dirty).toEqual([]); // the context store itself is left out
      expect(snapshotFor(context, 'implementer')).toBe(context.worktree_by_agent!.implementer);
      expect(() => snapshotFor(context, 'reviewer')).toThrow(
        expect.objectContaining({ code: 'E_AGENT_MISMATCH', message: expect.stringContaining('taken by implementer') }),
      );
      // The reviewer takes its own snapshot; the implementer's stays the one to verify against.
      await writeFile(join(root, 'src.ts'), 'export const a = 2;\n');
      const reviewerSnap = await takeSnapshot(root, { agent: 'reviewer', ignore: workspaceIgnores(ws.config) });
      await updateContext(ws, 'TASK-0042', (ctx) => recordWorktree(ctx, reviewerSnap));
      const after = await readContext(ws, 'TASK-0042');
      expect(after.worktree!.agent).toBe('reviewer');
      const drift = await verifyWorktree(root, snapshotFor(after, 'implementer'), {
        ignore: workspaceIgnores(ws.config),
      });
      expect(drift.changed).toEqual([{ path: 'src.ts', change: 'dirtied', status: 'M' }]);
      expect(
        (await verifyWorktree(root, snapshotFor(after, 'reviewer'), { ignore: workspaceIgnores(ws.config) })).clean,
      ).toBe(true);
    });
  });

  it('require-clean refuses a dirty tree and writes nothing; record warns; outside git there is no snapshot', async () => {
    await withTemp(async (root) => {
      const ws = await repo(root);
      await writeFile(join(root, 'src.ts'), 'dirty\n');
      await expect(initContext(ws, 'TASK-0042', { worktree: 'require-clean' })).rejects.toMatchObject({
        code: 'E_DIRTY_TREE',
      });
      expect(existsSync(join(root, '.st3/tasks/TASK-0042'))).toBe(false);
      const { context, warnings } = await initContext(ws, 'TASK-0042');
      expect(warnings.map((w) => w.code)).toContain('W_DIRTY_TREE');
      expect(context.worktree!.dirty.map((d) => d.path)).toEqual(['src.ts']);
    });
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      await writeFile(join(root, TASK), completeTask('TASK-0042'));
      const { context, warnings } = await initContext({ root, config: DEFAULT_TASKS_CONFIG }, 'TASK-0042');
      expect(context.worktree).toBeNull();
      expect(warnings.map((w) => w.code)).toContain('W_NOT_GIT');
    });
  });

  it('says when the task file changed since the snapshot, and diffs it and the immutable section', async () => {
    await withTemp(async (root) => {
      const ws = await repo(root);
      const { context } = await initContext(ws, 'TASK-0042', { clock: fixedClock });
      expect(await taskFileDrift(ws, context)).toMatchObject({
        task_file: TASK,
        snapshot_intact: true,
        task_file_changed: false,
      });
      expect(await diffContext(ws, 'TASK-0042')).toMatchObject({ patch: '', immutable: [] });

      const edited = completeTask('TASK-0042')
        .replace('must: [works]', 'must: [works, "is fast"]')
        .replace('priority: P1', 'priority: P0');
      await writeFile(join(root, TASK), edited);
      const drift = await taskFileDrift(ws, context);
      expect(drift).toMatchObject({ snapshot_intact: true, task_file_changed: true });
      expect(drift.current_sha256).not.toBe(drift.snapshot_sha256);
      const diff = await diffContext(ws, 'TASK-0042');
      expect(diff.patch).toContain(`--- a/${TASK}`);
      expect(diff.patch).toContain('-  must: [works]');
      expect(diff.patch).toContain('+  must: [works, "is fast"]');
      expect(diff.patch).toContain('+priority: P0');
      // Priority is not part of the immutable section; the acceptance criteria are.
      expect(diff.immutable).toEqual([
        { field: 'acceptance_criteria', before: { must: ['works'] }, after: { must: ['works', 'is fast'] } },
      ]);

      // Moved on completion: found by id, and said so.
      await rename(join(root, TASK), join(root, 'tasks/completed/TASK-0042-truth.task.yaml'));
      expect(await taskFileDrift(ws, context)).toMatchObject({
        task_file: 'tasks/completed/TASK-0042-truth.task.yaml',
        moved_from: TASK,
        task_file_changed: true,
      });
      // A snapshot edited in the context store is no longer intact.
      await writeFile(join(root, '.st3/tasks/TASK-0042/task.snapshot.yaml'), 'tampered\n');
      expect((await taskFileDrift(ws, context)).snapshot_intact).toBe(false);
    });
  });
});

describe('attaching evidence', () => {
  it('never deletes the source file, even when it grows past the limit while the attach waits for the context lock', async () => {
    await withTemp(async (root) => {
      const ws = await repo(root);
      await initContext(ws, 'TASK-0042', { worktree: 'skip' });
      await writeFile(join(root, 'notes.md'), 'small\n');
      // Hold the context lock: the attach checks the file's size, then waits for it.
      let release!: () => void;
      let held!: () => void;
      const holding = new Promise<void>((r) => (held = r));
      const lock = updateContext(ws, 'TASK-0042', () => new Promise<void>((r) => ((release = r), held())));
      await holding;
      const attach = attachEvidence(ws, 'TASK-0042', { type: 'summary', source: 'notes.md', description: 'notes' });
      const settled = attach.catch((error: unknown) => error);
      await new Promise((r) => setTimeout(r, 300));
      await writeFile(join(root, 'notes.md'), 'x'.repeat(EVIDENCE_LIMITS.summary + 1));
      release();
      await lock;
      expect(await settled).toMatchObject({ code: 'E_EVIDENCE_TOO_LARGE' });
      expect(existsSync(join(root, 'notes.md'))).toBe(true);
    });
  });
});
