import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  attachEvidence,
  checkCleanTree,
  DEFAULT_TASKS_CONFIG,
  initContext,
  purgeContext,
  readContext,
  readEvidenceIndex,
  readLedger,
  readQuarantineIndex,
  takeSnapshot,
  verifyEvidence,
  verifyWorktree,
  type EvidenceWorkspace,
} from '../src/index.js';
import { fixedClock, git, realWorld, withTemp } from './helpers.js';
import { describeWithFixtures } from '@st3/tooling/fixtures';

async function workspace(root: string): Promise<EvidenceWorkspace> {
  await mkdir(join(root, 'tasks/completed'), { recursive: true });
  await mkdir(join(root, 'standards'), { recursive: true });
  for (const f of await readdir(join(realWorld, 'standards'))) {
    await writeFile(join(root, 'standards', f), await readFile(join(realWorld, 'standards', f)));
  }
  return { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks', 'tasks/completed'] } };
}

const copyTask = async (root: string, name: string, to = 'tasks') =>
  writeFile(join(root, to, name), await readFile(join(realWorld, 'tasks', name)));

describeWithFixtures('task context store', () => {
  it('inits a real 1.1 task found in the completed folder: snapshot, SHA-256, cited standards', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await copyTask(root, 'TASK-0913-image-processing-coverage-gap.task.yaml', 'tasks/completed');
      const { context } = await initContext(ws, 'TASK-0913', { clock: fixedClock });
      expect(context.manifest).toMatchObject({
        task_id: 'TASK-0913',
        task_file: 'tasks/completed/TASK-0913-image-processing-coverage-gap.task.yaml',
        created_at: '2026-01-02T03:04:05.000Z',
      });
      expect(context.immutable.snapshot.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(await readFile(join(root, '.st3/tasks/TASK-0913/task.snapshot.yaml'), 'utf8')).toBe(
        await readFile(join(realWorld, 'tasks/TASK-0913-image-processing-coverage-gap.task.yaml'), 'utf8'),
      );
      expect(context.validation_commands.length).toBeGreaterThan(0);
      expect(context.standards.map((e) => `${e.file}#${e.section}`)).toContain(
        'standards/testing-standards.md#coverage-expectations',
      );
      expect(context.standards.map((e) => e.section).sort()).toEqual([
        '3-analyzability',
        'coverage-expectations',
        'domain-service-layer',
      ]);
      // The real task cites a heading qa-commands-ssot.md does not have (it has only a title): a warning, not a failure.
      expect(
        context.warnings.filter((w) => w.code === 'W_STANDARDS_CITATION').map((w) => w.message.split(':')[0]),
      ).toEqual(['standards/qa-commands-ssot.md#package-scoped-preferred-for-agents-and-focused-work']);
      expect(await readContext(ws, 'TASK-0913')).toEqual(context);
      await expect(initContext(ws, 'TASK-0913')).rejects.toMatchObject({ code: 'E_CONTEXT_EXISTS' });
      expect((await purgeContext(ws, 'TASK-0913')).removed).toBe(true);
      await expect(readContext(ws, 'TASK-0913')).rejects.toMatchObject({ code: 'E_CONTEXT_NOT_FOUND' });
    });
  });

  it('snapshots the checklists a task cites and warns about a missing one', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const text = (
        await readFile(join(realWorld, 'tasks/TASK-0913-image-processing-coverage-gap.task.yaml'), 'utf8')
      ).replace(
        /^context:\n/m,
        'context:\n  checklists:\n    - docs/agents/review-checklist.md\n    - docs/agents/missing-checklist.md\n',
      );
      await writeFile(join(root, 'tasks/TASK-0913-x.task.yaml'), text);
      await mkdir(join(root, 'docs/agents'), { recursive: true });
      await writeFile(join(root, 'docs/agents/review-checklist.md'), '- [ ] reviewed\n');
      const { context, warnings } = await initContext(ws, 'TASK-0913');
      expect(context.immutable.checklists).toEqual([
        {
          source: 'docs/agents/review-checklist.md',
          path: expect.stringMatching(/^checklists\/[0-9a-f]{8}-review-checklist\.md$/),
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ]);
      expect(await readFile(join(root, '.st3/tasks/TASK-0913', context.immutable.checklists[0]!.path), 'utf8')).toBe(
        '- [ ] reviewed\n',
      );
      expect(warnings.map((w) => w.code)).toContain('W_CHECKLIST_MISSING');
    });
  });

  it('refuses an incomplete task with E001 at its line', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await copyTask(root, 'TASK-0601-contract-codegen-alignment.task.yaml');
      await expect(initContext(ws, 'TASK-0601')).rejects.toMatchObject({ code: 'E001', line: expect.any(Number) });
    });
  });

  it('records a ledger exception and quarantines a task that does not parse, then refuses it', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await copyTask(root, 'TASK-0822-rtk-query-xstate.task.yaml');
      await expect(initContext(ws, 'TASK-0822', { clock: fixedClock })).rejects.toMatchObject({
        code: 'E_PARSE',
        line: 206,
        column: 1,
      });
      const ledger = await readLedger(join(root, ws.config.ledger));
      expect(ledger.exceptions).toMatchObject([
        { task_id: 'TASK-0822', exception_type: 'malformed_yaml', parse_error: expect.stringMatching(/^206:1 /) },
      ]);
      expect(
        (await readQuarantineIndex({ root, dir: join(root, ws.config.quarantine_dir) })).entries.map((e) => e.task_id),
      ).toEqual(['TASK-0822']);
      await expect(initContext(ws, 'TASK-0822')).rejects.toMatchObject({ code: 'E_TASK_QUARANTINED' });
    });
  });
});

describeWithFixtures('evidence', () => {
  async function ready(root: string) {
    const ws = await workspace(root);
    await copyTask(root, 'TASK-0913-image-processing-coverage-gap.task.yaml');
    await initContext(ws, 'TASK-0913');
    return ws;
  }

  it('stores <id><ext> with id = first 16 hex of the SHA-256, is idempotent, verifies', async () => {
    await withTemp(async (root) => {
      const ws = await ready(root);
      await writeFile(join(root, 'build.log'), 'ok\n');
      const a = await attachEvidence(ws, 'TASK-0913', { type: 'log', source: 'build.log', description: 'build' });
      expect(a.entry.id).toBe(a.entry.sha256.slice(0, 16));
      expect(a.entry.stored).toBe(`${a.entry.id}.log`);
      expect(
        (await attachEvidence(ws, 'TASK-0913', { type: 'log', source: 'build.log', description: 'build' })).created,
      ).toBe(false);
      expect((await readContext(ws, 'TASK-0913')).evidence).toEqual([
        { id: a.entry.id, type: 'log', sha256: a.entry.sha256 },
      ]);
      expect((await verifyEvidence(ws, 'TASK-0913')).ok).toBe(true);
      await writeFile(join(root, '.st3/tasks/TASK-0913/evidence', a.entry.stored), 'tampered');
      expect((await verifyEvidence(ws, 'TASK-0913')).changed.map((c) => c.id)).toEqual([a.entry.id]);
    });
  });

  it('archives a folder and checks the files inside against the per-file index on verify', async () => {
    await withTemp(async (root) => {
      const ws = await ready(root);
      await mkdir(join(root, 'cov/sub'), { recursive: true });
      await writeFile(join(root, 'cov/a.txt'), 'a');
      await writeFile(join(root, 'cov/sub/b.txt'), 'b');
      const { entry } = await attachEvidence(ws, 'TASK-0913', {
        type: 'directory',
        source: 'cov',
        description: 'coverage',
      });
      expect(entry).toMatchObject({
        stored: `${entry.id}.tar.zst`,
        archive_index: `${entry.id}.index.json`,
        file_count: 2,
      });
      expect((await verifyEvidence(ws, 'TASK-0913')).ok).toBe(true);
      const indexPath = join(root, '.st3/tasks/TASK-0913/evidence', entry.archive_index!);
      const index = JSON.parse(await readFile(indexPath, 'utf8'));
      index.files[1].sha256 = '0'.repeat(64);
      await writeFile(indexPath, JSON.stringify(index));
      expect((await verifyEvidence(ws, 'TASK-0913')).indexProblems).toEqual([
        { id: entry.id, problem: 'sub/b.txt does not match its SHA-256 in the index' },
      ]);
    });
  });

  it('enforces size limits, description length and qa_output metadata', async () => {
    await withTemp(async (root) => {
      const ws = await ready(root);
      await writeFile(join(root, 'big.txt'), Buffer.alloc(1_000_001));
      await expect(
        attachEvidence(ws, 'TASK-0913', { type: 'file', source: 'big.txt', description: 'x' }),
      ).rejects.toMatchObject({ code: 'E_EVIDENCE_TOO_LARGE' });
      await writeFile(join(root, 'qa.txt'), 'PASS');
      await expect(
        attachEvidence(ws, 'TASK-0913', { type: 'file', source: 'qa.txt', description: 'x'.repeat(201) }),
      ).rejects.toMatchObject({ code: 'E_EVIDENCE_INVALID' });
      await expect(
        attachEvidence(ws, 'TASK-0913', {
          type: 'qa_output',
          source: 'qa.txt',
          description: 'tests',
          metadata: { command: 'pnpm test' },
        }),
      ).rejects.toMatchObject({ code: 'E_EVIDENCE_INVALID' });
      const ok = await attachEvidence(ws, 'TASK-0913', {
        type: 'qa_output',
        source: 'qa.txt',
        description: 'tests',
        metadata: { command: 'pnpm test', exit_code: 0, duration_ms: 12 },
      });
      expect(ok.entry.metadata).toEqual({ command: 'pnpm test', exit_code: 0, duration_ms: 12 });
    });
  });

  it('refuses paths outside the workspace and symlinks pointing out, unless allowed', async () => {
    await withTemp(async (outer) => {
      const root = join(outer, 'ws');
      await mkdir(root);
      const ws = await ready(root);
      await writeFile(join(outer, 'secret.txt'), 's');
      await symlink(join(outer, 'secret.txt'), join(root, 'link.txt'));
      await expect(
        attachEvidence(ws, 'TASK-0913', { type: 'file', source: '../secret.txt', description: 'x' }),
      ).rejects.toMatchObject({ code: 'E_PATH_ESCAPE' });
      await expect(
        attachEvidence(ws, 'TASK-0913', { type: 'file', source: 'link.txt', description: 'x' }),
      ).rejects.toMatchObject({ code: 'E_PATH_ESCAPE' });
      expect(
        (
          await attachEvidence(ws, 'TASK-0913', {
            type: 'file',
            source: '../secret.txt',
            description: 'x',
            allowOutside: true,
          })
        ).created,
      ).toBe(true);
    });
  });

  it('keeps every concurrent attachment (context and index locked)', async () => {
    await withTemp(async (root) => {
      const ws = await ready(root);
      await Promise.all(Array.from({ length: 8 }, (_, i) => writeFile(join(root, `f${i}.txt`), `file ${i}`)));
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          attachEvidence(ws, 'TASK-0913', { type: 'file', source: `f${i}.txt`, description: `f${i}` }),
        ),
      );
      expect((await readEvidenceIndex(ws, 'TASK-0913')).entries).toHaveLength(8);
      expect((await readContext(ws, 'TASK-0913')).evidence).toHaveLength(8);
    });
  });
});

describe('worktree', () => {
  it('snapshots HEAD and dirty files, reports drift, fails fast on a dirty tree', async () => {
    await withTemp(async (root) => {
      git(root, 'init', '-q');
      await writeFile(join(root, 'a.txt'), 'a');
      git(root, 'add', '.');
      git(root, 'commit', '-q', '-m', 'init');
      expect((await checkCleanTree(root)).dirty).toEqual([]);
      await writeFile(join(root, 'a.txt'), 'changed');
      await mkdir(join(root, '.st3/tasks'), { recursive: true });
      await writeFile(join(root, '.st3/tasks/x.json'), '{}');
      await expect(checkCleanTree(root, { ignore: ['.st3/tasks'] })).rejects.toMatchObject({ code: 'E_DIRTY_TREE' });
      const snap = await checkCleanTree(root, { ignore: ['.st3/tasks'], allowPreexistingDirty: true });
      expect(snap.dirty.map((d) => [d.path, d.status])).toEqual([['a.txt', 'M']]);
      expect((await verifyWorktree(root, snap, { ignore: ['.st3/tasks'] })).clean).toBe(true);
      await writeFile(join(root, 'a.txt'), 'again');
      await writeFile(join(root, 'b.txt'), 'new');
      const drift = await verifyWorktree(root, snap, { ignore: ['.st3/tasks'] });
      expect(drift.changed).toEqual([
        { path: 'a.txt', change: 'modified', status: 'M' },
        { path: 'b.txt', change: 'dirtied', status: '??' },
      ]);
      git(root, 'add', '.');
      git(root, 'commit', '-q', '-m', 'two');
      const moved = await verifyWorktree(root, snap, { ignore: ['.st3/tasks'] });
      expect(moved.head_moved).toBe(true);
      expect(moved.changed).toEqual([{ path: 'a.txt', change: 'reverted', status: 'clean' }]);
    });
  });

  it('says so outside a git repository', async () => {
    await withTemp(async (root) => {
      await expect(
        takeSnapshot(root, { env: { ...process.env, GIT_CEILING_DIRECTORIES: root } }),
      ).rejects.toMatchObject({ code: 'E_NOT_GIT' });
    });
  });
});
