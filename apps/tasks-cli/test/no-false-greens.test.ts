// The review's repros against the built binary: nothing unchecked passes, bad records get a located error.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitCodeFor } from '@st3/schemas';
import { describe, expect, it } from 'vitest';
import { examples, git, json, makeWorkspace, st3Tasks } from './cli.js';

const BROKEN = 'title: [unclosed\n';

type ValidateDoc = {
  ok: boolean;
  checked: number;
  failed: number;
  skipped: { file: string; code: string; reason: string }[];
  files: { file: string; ok: boolean; errors: { code: string }[]; warnings: { code: string }[] }[];
};
type ErrorDoc = {
  ok: false;
  error: { code: string; message: string; file?: string; line?: number; column?: number; details?: { path?: string } };
};

/**
 * The example workspace (examples/.st3/config and tasks/) in a git repository, with TASK-0001's context
 * and one attachment made by the CLI (examples/.st3/tasks is a local artifact, not in the repository).
 */
async function exampleCopy(): Promise<{ dir: string; evidenceId: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-tasks-cli-ev-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  await cp(join(examples, '.st3/config'), join(dir, '.st3/config'), { recursive: true });
  await cp(join(examples, 'tasks'), join(dir, 'tasks'), { recursive: true });
  await writeFile(join(dir, 'build.log'), 'build ok\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  const init = await st3Tasks(dir, 'tasks', 'context', 'init', 'TASK-0001');
  expect(init.code, init.stderr).toBe(0);
  const attach = ['evidence', 'attach', 'TASK-0001', '--type', 'log', '--path', 'build.log'];
  const attached = await st3Tasks(dir, 'tasks', ...attach, '--description', 'build log', '--json');
  expect(attached.code, attached.stderr).toBe(0);
  return { dir, evidenceId: json<{ entry: { id: string } }>(attached).entry.id, cleanup };
}

describe('st3 tasks validate / list: every *.task.yaml is checked or reported', () => {
  it('names without an id, a followed symlink and a dangling one: exit 1, nothing dropped', async () => {
    const ws = await makeWorkspace({
      files: {
        'tasks/fix-login.task.yaml': BROKEN,
        'tasks/task-0003-lower.task.yaml': BROKEN,
        'elsewhere/TASK-0009-x.task.yaml': BROKEN,
      },
    });
    try {
      await symlink('../elsewhere/TASK-0009-x.task.yaml', join(ws.dir, 'tasks/TASK-0009-x.task.yaml'));
      await symlink('../gone.task.yaml', join(ws.dir, 'tasks/TASK-0010-gone.task.yaml'));
      for (const args of [[], ['tasks']]) {
        const text = await st3Tasks(ws.dir, 'tasks', 'validate', ...args);
        expect(text.code, text.stdout + text.stderr).toBe(1);
        expect(text.stdout).toContain('4 task file(s) checked: 1 ok, 3 with errors; 1 not checked');
        expect(text.stdout).toMatch(/^tasks\/fix-login\.task\.yaml:2:1: E_PARSE /m);
        expect(text.stdout).toMatch(/^tasks\/TASK-0010-gone\.task\.yaml: E_FILE_NOT_FOUND not checked: a symlink/m);
        expect(text.stderr).toContain('W_TASK_FILE_NAME');

        const doc = json<ValidateDoc>(await st3Tasks(ws.dir, 'tasks', 'validate', ...args, '--json'));
        expect(doc).toMatchObject({ ok: false, checked: 4, failed: 3 });
        expect(doc.skipped).toEqual([
          expect.objectContaining({ file: 'tasks/TASK-0010-gone.task.yaml', code: 'E_FILE_NOT_FOUND' }),
        ]);
        expect(doc.files.map((f) => [f.file, f.ok, f.errors[0]?.code ?? null])).toEqual([
          ['tasks/TASK-0001-example-evidence.task.yaml', true, null],
          ['tasks/TASK-0009-x.task.yaml', false, 'E_PARSE'],
          ['tasks/TASK-0010-gone.task.yaml', false, 'E_FILE_NOT_FOUND'],
          ['tasks/fix-login.task.yaml', false, 'E_PARSE'],
          ['tasks/task-0003-lower.task.yaml', false, 'E_PARSE'],
        ]);
      }

      const list = await st3Tasks(ws.dir, 'tasks', 'list');
      expect(list.code).toBe(0);
      expect(list.stderr).toMatch(/W_TASK_FILE_NAME: tasks\/fix-login\.task\.yaml: the file name carries no task id/);
      expect(list.stderr).toContain('tasks/task-0003-lower.task.yaml');
      expect(list.stderr).toMatch(/E_FILE_NOT_FOUND: tasks\/TASK-0010-gone\.task\.yaml/);
      const listed = json<{ tasks: { id: string }[]; skipped: { file: string }[] }>(
        await st3Tasks(ws.dir, 'tasks', 'list', '--json'),
      );
      expect(listed.tasks.map((t) => t.id)).toEqual(['TASK-0001', 'TASK-0009', 'TASK-0010']);
      expect(listed.skipped.map((s) => s.file)).toEqual([
        'tasks/TASK-0010-gone.task.yaml',
        'tasks/fix-login.task.yaml',
        'tasks/task-0003-lower.task.yaml',
      ]);
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 tasks evidence verify: a lost or corrupt index is no pass', () => {
  it('index.json deleted while context.json lists an attachment: exit 1', async () => {
    const ws = await exampleCopy();
    try {
      const index = join(ws.dir, '.st3/tasks/TASK-0001/evidence/index.json');
      expect((await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001')).code).toBe(0);
      await rm(index);
      const text = await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001');
      expect(text.code, text.stdout + text.stderr).toBe(1);
      expect(text.stdout).not.toContain('all intact');
      expect(text.stdout).toContain(`index: ${ws.evidenceId} listed in context.json but`);
      const doc = json<{ ok: boolean; indexProblems: { id: string }[] }>(
        await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001', '--json'),
      );
      expect(doc).toMatchObject({ ok: false, indexProblems: [{ id: ws.evidenceId }] });
    } finally {
      await ws.cleanup();
    }
  });

  it('index.json that is not JSON, or not the schema: E_CONTEXT_CORRUPT at file:line:col with the field', async () => {
    const ws = await exampleCopy();
    try {
      const rel = '.st3/tasks/TASK-0001/evidence/index.json';
      const before = await readFile(join(ws.dir, rel), 'utf8');
      await writeFile(join(ws.dir, rel), '{bad');
      const bad = await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001', '--json');
      // The exit code of the code (DESIGN.md's table lives in @st3/schemas).
      expect(bad.code).toBe(exitCodeFor('E_CONTEXT_CORRUPT'));
      expect(json<ErrorDoc>(bad).error).toMatchObject({ code: 'E_CONTEXT_CORRUPT', file: rel, line: 1, column: 2 });
      const text = await st3Tasks(ws.dir, 'tasks', 'evidence', 'list', 'TASK-0001');
      expect(text.stderr).toContain(`E_CONTEXT_CORRUPT ${rel}:1:2: `);

      await writeFile(join(ws.dir, rel), before.replace(/"entries": \[[\s\S]*\]/, '"entries": "x"'));
      const shape = json<ErrorDoc>(await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001', '--json'));
      expect(shape.error).toMatchObject({
        code: 'E_CONTEXT_CORRUPT',
        file: rel,
        line: 4,
        column: 14,
        details: { path: 'entries' },
      });
      expect(shape.error.message).toContain('at entries');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 qa record: a tsc log whose summary disagrees with what was read is refused', () => {
  it('pretty format, or the summary line alone: E_QA_LOG_UNREADABLE, nothing recorded', async () => {
    const ws = await exampleCopy();
    try {
      await mkdir(join(ws.dir, 'logs'));
      await writeFile(join(ws.dir, 'logs/a.log'), 'src/a.ts:3:5 - error TS2322: x\n\nFound 2 errors in 2 files.\n');
      await writeFile(join(ws.dir, 'logs/b.log'), 'Found 2 errors in 1 file.\n');
      for (const log of ['logs/a.log', 'logs/b.log']) {
        const args = ['qa', 'record', 'TASK-0001', '--command', 'tsc --noEmit', '--kind', 'typecheck'];
        const r = await st3Tasks(ws.dir, ...args, '--exit-code', '2', '--log', log, '--json');
        expect(r.code, r.stdout + r.stderr).toBe(exitCodeFor('E_QA_LOG_UNREADABLE'));
        expect(json<ErrorDoc>(r).error.code).toBe('E_QA_LOG_UNREADABLE');
      }
      expect(existsSync(join(ws.dir, '.st3/tasks/TASK-0001/qa/runs.json'))).toBe(false);
      // A log that adds up is recorded with its count (exit 1: the recorded run failed, it found an error).
      await writeFile(join(ws.dir, 'logs/c.log'), 'src/a.ts:3:5 - error TS2322: x\n\nFound 1 error in src/a.ts:3\n');
      const ok = await st3Tasks(
        ws.dir,
        ...['qa', 'record', 'TASK-0001', '--command', 'tsc --noEmit', '--exit-code', '2', '--log', 'logs/c.log'],
      );
      expect(ok.code, ok.stderr).toBe(1);
      expect(ok.stdout).toContain('1 error, 0 warnings');
    } finally {
      await ws.cleanup();
    }
  });
});
