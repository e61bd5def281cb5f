import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryIO } from '@st3/cli-kit';
import { describe, expect, it } from 'vitest';
import { stage } from '../src/index.js';
import { json, makeWorkspace, st3Tasks } from './cli.js';

// A PNG signature and a few bytes: what a manual QA screenshot stands for.
const screenshot = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('qa')]);

const runStage = async (root: string, dryRun = false) => {
  const { io } = memoryIO({ cwd: root, env: { PATH: process.env.PATH } });
  return stage!.run({ root, io, dryRun, quiet: true });
};

type Entry = { id: string; type: string; description: string };

describe('st3 run evidence stage on a task that already has a context', () => {
  it('keeps every attachment, QA run and file of the context, and verifies them', async () => {
    const ws = await makeWorkspace({ files: { 'qa/manual-check.png': screenshot } });
    try {
      const { dir } = ws;
      expect((await st3Tasks(dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      const attach = await st3Tasks(
        dir,
        'tasks',
        'evidence',
        'attach',
        'TASK-0001',
        '--type',
        'screenshot',
        '--file',
        'qa/manual-check.png',
        '--description',
        'manual QA screenshot',
        '--json',
      );
      expect(attach.code, attach.stderr).toBe(0);
      const shot = json<{ entry: Entry }>(attach).entry;
      // A validation run: its output is kept as qa_output evidence, its results in the context.
      expect((await st3Tasks(dir, 'tasks', 'run-validation', 'TASK-0001')).code).toBe(0);
      const context = join(dir, '.st3/tasks/TASK-0001');
      // Another agent's telemetry and a note of the user's in the context folder.
      await writeFile(join(context, 'notes.md'), 'reviewed by hand\n');
      const before = await readFile(join(context, 'context.json'), 'utf8');
      const filesBefore = await readdir(context, { recursive: true });

      const report = await runStage(dir);
      expect(report.ok, JSON.stringify(report)).toBe(true);
      // The screenshot, the validation output and the task file the stage attaches: all verified.
      expect(report.summary).toBe(
        'TASK-0001: 1/1 validation command(s) passed; 3 attachment(s) verified intact; 2 standards excerpt(s)',
      );
      expect(report.lines?.[0]).toMatch(
        /^using the existing context of TASK-0001 \(created .+\): nothing in it removed$/,
      );
      expect(report.data).toMatchObject({ context: 'existing' });

      const listed = json<{ entries: Entry[] }>(
        await st3Tasks(dir, 'tasks', 'evidence', 'list', 'TASK-0001', '--json'),
      );
      expect(listed.entries.map((e) => [e.type, e.description])).toEqual([
        ['screenshot', 'manual QA screenshot'],
        ['qa_output', 'validation cmd-1: node --version'],
        ['file', 'the task file as worked on'],
      ]);
      expect(listed.entries[0]!.id).toBe(shot.id);
      const verify = await st3Tasks(dir, 'tasks', 'evidence', 'verify', 'TASK-0001', '--json');
      expect(verify.code).toBe(0);
      expect(json(verify)).toMatchObject({ ok: true, checked: 3, changed: [], missing: [] });
      // Nothing removed: the user's note, the snapshot and the manifest's creation time are as they were.
      const filesAfter = await readdir(context, { recursive: true });
      for (const f of filesBefore) expect(filesAfter).toContain(f);
      expect(await readFile(join(context, 'notes.md'), 'utf8')).toBe('reviewed by hand\n');
      const after = JSON.parse(await readFile(join(context, 'context.json'), 'utf8'));
      expect(after.manifest.created_at).toBe(JSON.parse(before).manifest.created_at);
      expect(after.immutable).toEqual(JSON.parse(before).immutable);
      expect(after.validation_runs).toEqual(JSON.parse(before).validation_runs);

      // A second run changes nothing either (the same task file is already attached).
      const again = await runStage(dir);
      expect(again.ok).toBe(true);
      expect(again.summary).toContain('3 attachment(s) verified intact');
      const relisted = json<{ entries: Entry[] }>(
        await st3Tasks(dir, 'tasks', 'evidence', 'list', 'TASK-0001', '--json'),
      );
      expect(relisted.entries.map((e) => e.id)).toEqual(listed.entries.map((e) => e.id));

      // A dry run works in a scratch folder and leaves the workspace's context as it is.
      const snapshot = await readFile(join(context, 'context.json'), 'utf8');
      const dry = await runStage(dir, true);
      expect(dry).toMatchObject({ ok: true, data: { context: 'created' } });
      expect(await readFile(join(context, 'context.json'), 'utf8')).toBe(snapshot);
    } finally {
      await ws.cleanup();
    }
  });

  it('creates the context when the task has none, as before', async () => {
    const ws = await makeWorkspace();
    try {
      const report = await runStage(ws.dir);
      expect(report).toMatchObject({ ok: true, data: { context: 'created' } });
      expect(report.summary).toBe(
        'TASK-0001: 1/1 validation command(s) passed; 1 attachment(s) verified intact; 2 standards excerpt(s)',
      );
      const shown = await st3Tasks(ws.dir, 'tasks', 'context', 'show', 'TASK-0001', '--json');
      expect(json(shown)).toMatchObject({ ok: true, snapshot_intact: true });
    } finally {
      await ws.cleanup();
    }
  });

  it('reports a stored task snapshot that no longer matches its SHA-256 (and removes nothing)', async () => {
    const ws = await makeWorkspace();
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      const snapshot = join(ws.dir, '.st3/tasks/TASK-0001/task.snapshot.yaml');
      await writeFile(snapshot, `${await readFile(snapshot, 'utf8')}# edited\n`);
      const report = await runStage(ws.dir);
      expect(report.ok).toBe(false);
      expect(report.lines).toContain('the task snapshot of TASK-0001 no longer matches its SHA-256');
      expect(await readFile(snapshot, 'utf8')).toMatch(/# edited\n$/);
    } finally {
      await ws.cleanup();
    }
  });
});
