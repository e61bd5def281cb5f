// `st3 tasks evidence list/verify` and `exceptions cleanup` through the built binary: no "ok" they did not establish.
import { readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, makeWorkspace, st3Tasks } from './cli.js';

const EVIDENCE = '.st3/tasks/TASK-0001/evidence';
type ErrorDoc = { ok: false; error: { code: string; file?: string } };

describe('st3 tasks evidence', () => {
  it('list with the index lost is E_CONTEXT_CORRUPT (exit 1), not an empty list; a lying archive index fails verify', async () => {
    const ws = await makeWorkspace({ files: { 'cov/x.txt': '1\n', 'cov/sub/y.txt': '2\n' } });
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      const args = ['evidence', 'attach', 'TASK-0001', '--type', 'directory', '--path', 'cov', '--description', 'c'];
      const attached = json<{ entry: { archive_index: string } }>(await st3Tasks(ws.dir, 'tasks', ...args, '--json'));
      const index = join(ws.dir, EVIDENCE, 'index.json');
      await rename(index, `${index}.away`);
      const list = await st3Tasks(ws.dir, 'tasks', 'evidence', 'list', 'TASK-0001', '--json');
      expect(list.code).toBe(1);
      expect(json<ErrorDoc>(list).error).toMatchObject({ code: 'E_CONTEXT_CORRUPT', file: `${EVIDENCE}/index.json` });
      await rename(`${index}.away`, index);
      expect((await st3Tasks(ws.dir, 'tasks', 'evidence', 'list', 'TASK-0001')).code).toBe(0);

      const archiveIndex = join(ws.dir, EVIDENCE, attached.entry.archive_index);
      const doc = JSON.parse(await readFile(archiveIndex, 'utf8')) as { files: object[] };
      doc.files[0] = { ...doc.files[1] };
      await writeFile(archiveIndex, JSON.stringify(doc));
      const verify = await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001');
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain('sub/y.txt is in the archive but not in the index');
      expect(verify.stdout).toContain('problems found');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 tasks exceptions cleanup', () => {
  it('removes nothing it did not see gone: no task file is E_TASK_NO_FILES, a file not checked keeps the entry', async () => {
    const ws = await makeWorkspace();
    try {
      const add = await st3Tasks(ws.dir, 'tasks', 'exceptions', 'add', 'TASK-0005', '--type', 'incomplete_task');
      expect(add.code).toBe(0);
      await rename(join(ws.dir, 'tasks'), join(ws.dir, 'tasks-away'));
      const none = await st3Tasks(ws.dir, 'tasks', 'exceptions', 'cleanup', '--json');
      expect(none.code).toBe(2);
      expect(json<ErrorDoc>(none).error.code).toBe('E_TASK_NO_FILES');
      await rename(join(ws.dir, 'tasks-away'), join(ws.dir, 'tasks'));

      await symlink('../gone.task.yaml', join(ws.dir, 'tasks/fix-login.task.yaml'));
      const kept = await st3Tasks(ws.dir, 'tasks', 'exceptions', 'cleanup');
      expect(kept.code).toBe(1);
      expect(kept.stdout).toContain('kept: TASK-0005 incomplete_task (not checked: TASK-0005 was not found');
      expect(kept.stdout).toContain('removed 0 exception(s); 1 not checked');
      const list = await st3Tasks(ws.dir, 'tasks', 'exceptions', 'list', '--json');
      expect(json<{ exceptions: unknown[] }>(list).exceptions).toHaveLength(1);
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 tasks exceptions add --deadline', () => {
  it('a date no calendar has (2026-02-30, month 13, a word) is E_USAGE naming --deadline, and nothing is written', async () => {
    const ws = await makeWorkspace();
    try {
      const add = (deadline: string, type = 'incomplete_task') =>
        st3Tasks(ws.dir, 'tasks', 'exceptions', 'add', 'TASK-0005', '--type', type, '--deadline', deadline, '--json');
      for (const [deadline, why] of [
        ['2026-02-30', '2026-02 has 28 days'],
        ['2026-13-01', 'there is no month 13'],
        ['2100-02-29', '2100-02 has 28 days'],
        ['tomorrow', 'not written YYYY-MM-DD'],
        ['2026-2-1', 'not written YYYY-MM-DD'],
      ]) {
        const r = await add(deadline!);
        expect(r.code, r.stdout).toBe(2);
        expect(json<{ error: { code: string; message: string; hint: string } }>(r).error).toMatchObject({
          code: 'E_USAGE',
          message: `--deadline "${deadline}" is not a date: ${why}`,
          hint: expect.stringContaining('YYYY-MM-DD'),
        });
      }
      const list = await st3Tasks(ws.dir, 'tasks', 'exceptions', 'list', '--json');
      expect(json<{ exceptions: unknown[] }>(list).exceptions).toEqual([]);
      // Real dates, a leap day included, are taken as given.
      const leap = await add('2028-02-29');
      expect(leap.code, leap.stdout).toBe(0);
      expect(json<{ exception: { remediation: { deadline: string } } }>(leap).exception.remediation.deadline).toBe(
        '2028-02-29',
      );
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 tasks exceptions / quarantine given a task file path', () => {
  it('key the ledger by the id in the file name (never the path upper-cased); a name without an id is E_USAGE', async () => {
    const ws = await makeWorkspace();
    try {
      const add = await st3Tasks(
        ws.dir,
        'tasks',
        'exceptions',
        'add',
        'tasks/TASK-0005-some-slug.task.yaml',
        '--type',
        'other',
        '--json',
      );
      expect(add.code, add.stdout).toBe(0);
      expect(json<{ exception: { task_id: string } }>(add).exception.task_id).toBe('TASK-0005');
      const resolved = await st3Tasks(
        ws.dir,
        'tasks',
        'exceptions',
        'resolve',
        'tasks/TASK-0005-some-slug.task.yaml',
        '--notes',
        'done',
        '--json',
      );
      expect(resolved.code, resolved.stdout).toBe(0);
      expect(json<{ resolved: { task_id: string }[] }>(resolved).resolved.map((e) => e.task_id)).toEqual(['TASK-0005']);
      const bad = await st3Tasks(
        ws.dir,
        'tasks',
        'exceptions',
        'add',
        'tasks/notes.task.yaml',
        '--type',
        'other',
        '--json',
      );
      expect(bad.code, bad.stdout).toBe(2);
      expect(json<{ error: { code: string } }>(bad).error.code).toBe('E_USAGE');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 tasks validate --quarantine --json: a broken file with no task id', () => {
  it('is listed in not_quarantined (the JSON said nothing of it; only stderr did)', async () => {
    const ws = await makeWorkspace({ tasks: { 'notes.task.yaml': 'schema_version: "1.1"\ntitle: [x\n' } });
    try {
      const r = await st3Tasks(ws.dir, 'tasks', 'validate', '--quarantine', '--json');
      expect(r.code, r.stdout).toBe(1);
      expect(json(r)).toMatchObject({ quarantined: [], not_quarantined: ['tasks/notes.task.yaml'] });
    } finally {
      await ws.cleanup();
    }
  });
});
