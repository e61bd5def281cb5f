import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  attachEvidence,
  DEFAULT_TASKS_CONFIG,
  initContext,
  readContext,
  readEvidenceIndex,
  readLedger,
  verifyEvidence,
  type EvidenceWorkspace,
} from '../src/index.js';
import { withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const INDEX = '.st3/tasks/TASK-0001/evidence/index.json';

/** A task with a context and one attachment (a log). */
async function withEvidence(root: string): Promise<{ ws: EvidenceWorkspace; id: string }> {
  await mkdir(join(root, 'tasks'), { recursive: true });
  await writeFile(join(root, 'tasks/TASK-0001-a.task.yaml'), completeTask('TASK-0001'));
  const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
  await initContext(ws, 'TASK-0001', { worktree: 'skip' });
  await writeFile(join(root, 'build.log'), 'ok\n');
  const { entry } = await attachEvidence(ws, 'TASK-0001', { type: 'log', source: 'build.log', description: 'build' });
  return { ws, id: entry.id };
}

describe('evidence verify holds the index against context.json', () => {
  it('a deleted index is not "all intact" while the context lists attachments', async () => {
    await withTemp(async (root) => {
      const { ws, id } = await withEvidence(root);
      expect((await verifyEvidence(ws, 'TASK-0001')).ok).toBe(true);
      await rm(join(root, INDEX));
      const report = await verifyEvidence(ws, 'TASK-0001');
      expect(report).toMatchObject({ ok: false, checked: 0 });
      expect(report.indexProblems).toEqual([
        { id, problem: `listed in context.json but ${INDEX} is missing (1 attachment(s) not checked)` },
      ]);
    });
  });

  it('an entry dropped from the index, or given another SHA-256 there, is an index problem', async () => {
    await withTemp(async (root) => {
      const { ws, id } = await withEvidence(root);
      const index = JSON.parse(await readFile(join(root, INDEX), 'utf8'));
      await writeFile(join(root, INDEX), JSON.stringify({ ...index, entries: [] }));
      expect((await verifyEvidence(ws, 'TASK-0001')).indexProblems).toEqual([
        { id, problem: `listed in context.json but not in ${INDEX}` },
      ]);
      // Stored file and index rewritten together: the context still knows the SHA-256 it attached.
      const stored = join(root, '.st3/tasks/TASK-0001/evidence', index.entries[0].stored);
      await writeFile(stored, 'tampered\n');
      const { createHash } = await import('node:crypto');
      index.entries[0].sha256 = createHash('sha256').update('tampered\n').digest('hex');
      await writeFile(join(root, INDEX), JSON.stringify(index));
      const report = await verifyEvidence(ws, 'TASK-0001');
      expect(report.ok).toBe(false);
      expect(report.changed).toEqual([]);
      expect(report.indexProblems[0]!.problem).toMatch(/^context\.json records SHA-256 [0-9a-f]{16}…, /);
    });
  });
});

describe('a corrupt record is E_CONTEXT_CORRUPT at file:line:col with the field path', () => {
  it('evidence index that is not JSON: the position of the fault', async () => {
    await withTemp(async (root) => {
      const { ws } = await withEvidence(root);
      await writeFile(join(root, INDEX), '{\n  "version": 1,\n  bad\n}');
      const error = await readEvidenceIndex(ws, 'TASK-0001').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_CONTEXT_CORRUPT', file: INDEX, line: 3, column: 3 });
      await writeFile(join(root, INDEX), '{bad');
      for (const run of [() => readEvidenceIndex(ws, 'TASK-0001'), () => verifyEvidence(ws, 'TASK-0001')])
        await expect(run()).rejects.toMatchObject({ code: 'E_CONTEXT_CORRUPT', file: INDEX, line: 1, column: 2 });
    });
  });

  it('evidence index, context.json and the ledger that do not match their schema: the field and its place', async () => {
    await withTemp(async (root) => {
      const { ws } = await withEvidence(root);
      await writeFile(join(root, INDEX), '{\n  "version": 1,\n  "task_id": "TASK-0001",\n  "entries": "x"\n}\n');
      const error = (await verifyEvidence(ws, 'TASK-0001').catch((e: unknown) => e)) as Record<string, unknown>;
      expect(error).toMatchObject({
        code: 'E_CONTEXT_CORRUPT',
        file: INDEX,
        line: 4,
        column: 14,
        details: { path: 'entries' },
        diagnostics: [expect.objectContaining({ code: 'E_SCHEMA', path: ['entries'], line: 4, column: 14 })],
      });
      expect(error.message).toContain('at entries');
      expect(error.hint).not.toContain('required');

      const contextFile = join(root, '.st3/tasks/TASK-0001/context.json');
      const context = JSON.parse(await readFile(contextFile, 'utf8'));
      await writeFile(contextFile, JSON.stringify({ ...context, evidence: 'x' }, null, 2));
      await expect(readContext(ws, 'TASK-0001')).rejects.toMatchObject({
        code: 'E_CONTEXT_CORRUPT',
        file: contextFile,
        line: expect.any(Number),
        column: expect.any(Number),
        details: { path: 'evidence' },
      });

      const ledger = join(root, 'ledger.json');
      await writeFile(
        ledger,
        '{\n  "version": "1.0",\n  "last_updated": "2026-01-01T00:00:00.000Z",\n  "exceptions": [{ "task_id": 5 }]\n}\n',
      );
      await expect(readLedger(ledger)).rejects.toMatchObject({
        code: 'E_CONTEXT_CORRUPT',
        file: ledger,
        line: 4,
        column: expect.any(Number),
        details: { path: expect.stringMatching(/^exceptions\[0\]/) },
      });
    });
  });
});
