// The review's repros against the built binary: invalid task files, a blocker naming no task, a context
// whose commands went stale, evidence that is no longer what was stored, and sources that cannot be read.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryIO } from '@st3/cli-kit';
import { describe, expect, it } from 'vitest';
import { stage } from '../src/index.js';
import { bin, examples, git, json, makeWorkspace, st3Tasks, type CliResult } from './cli.js';

const TASK = 'tasks/TASK-0001-example-evidence.task.yaml';
const FAILING = '    - command: node -e "process.exit(3)"\n      description: fails\n';

/** The example task with `extra` appended to its validation pipeline. */
async function exampleWith(extra: string): Promise<string> {
  return (await readFile(join(examples, TASK), 'utf8')).replace(
    '      description: The runtime is available\n',
    `      description: The runtime is available\n${extra}`,
  );
}

/** The `st3 run` stage on the workspace (the `tasks` slot of `st3 run`). */
async function runStage(dir: string) {
  const { io } = memoryIO({ cwd: dir, env: { PATH: process.env.PATH } });
  return stage!.run({ root: dir, io, dryRun: false, quiet: true });
}

describe('st3 run tasks stage: invalid task files are findings, never a skip', () => {
  it('every task file invalid: the stage fails with located lines (it was skipped, ok)', async () => {
    const text = await readFile(join(examples, TASK), 'utf8');
    const ws = await makeWorkspace({
      tasks: {
        'TASK-0001-example-evidence.task.yaml': text
          .replace(/^title: .*$/m, 'title: ""')
          .replace(/^acceptance_criteria:\n(?: {2}.*\n)+/m, ''),
        'TASK-0002-b.task.yaml': text.replaceAll('TASK-0001', 'TASK-0002').replace(/^title: .*$/m, 'title: ""'),
      },
    });
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'validate')).code).toBe(1);
      const report = await runStage(ws.dir);
      expect(report.ok).toBe(false);
      expect(report.skipped).toBeUndefined();
      expect(report.summary).toBe(
        '2 invalid task file(s) (st3 tasks validate); no valid, open task in tasks, tasks/completed',
      );
      expect(report.lines).toEqual([
        'tasks/TASK-0001-example-evidence.task.yaml:1:1: E001 acceptance_criteria is missing',
        'tasks/TASK-0001-example-evidence.task.yaml:3:8: E_SCHEMA Too small: expected string to have >=1 characters',
        'tasks/TASK-0002-b.task.yaml:3:8: E_SCHEMA Too small: expected string to have >=1 characters',
      ]);
    } finally {
      await ws.cleanup();
    }
  });
});

describe('a blocker_id that names no task', () => {
  it('is located by tasks validate, and not run (exit 1) by run-validation', async () => {
    const ws = await makeWorkspace({
      tasks: { 'TASK-0001-example-evidence.task.yaml': await exampleWith(`${FAILING}      blocker_id: TASK-9999\n`) },
    });
    try {
      const validate = await st3Tasks(ws.dir, 'tasks', 'validate');
      expect(validate.code).toBe(1);
      expect(validate.stdout).toMatch(
        /^tasks\/TASK-0001-example-evidence\.task\.yaml:38:19: E_TASK_NOT_FOUND blocker_id TASK-9999 names no task/m,
      );
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      const run = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0001', '--json');
      expect(run.code, run.stdout).toBe(1);
      expect(json(run)).toMatchObject({ ok: false, counts: { passed: 1, failed: 0, not_run: 1, skipped: 0 } });
    } finally {
      await ws.cleanup();
    }
  });
});

describe('run-validation when the task file changed its commands since context init', () => {
  it('a command added to the file is not run and fails the run, with the reason (it passed "1/1")', async () => {
    const ws = await makeWorkspace();
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      await writeFile(join(ws.dir, TASK), await exampleWith(FAILING));
      git(ws.dir, 'commit', '-qam', 'a failing command');
      const run = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0001');
      expect(run.code, run.stdout + run.stderr).toBe(1);
      expect(run.stdout).toContain(
        `not run  cmd-2 (added to ${TASK} since context init; re-init the context (st3 tasks context purge TASK-0001, then context init) so that it holds the file's commands)`,
      );
      expect(run.stdout).toMatch(/^2 command\(s\): 1 passed, 0 failed, 1 not run \(cmd-2: added to /m);
      const report = await runStage(ws.dir);
      expect(report.ok).toBe(false);
      expect(report.summary).toMatch(/^TASK-0001: 1\/2 validation command\(s\) passed, 1 not run \(cmd-2: added to /);
    } finally {
      await ws.cleanup();
    }
  });
});

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** Hands the tree to "nobody" (when root), so that only what a test locks is out of its reach. */
function own(path: string): void {
  if (!asRoot) return;
  chownSync(path, NOBODY, NOBODY);
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) own(join(path, name));
}

/** The built binary, as "nobody" when the tests run as root (root reads any file). */
function asUser(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, HOME: cwd, NO_COLOR: '1', CI: '1', ST3_AGENT: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('tasks evidence verify and attach: what was stored, and what cannot be read', () => {
  it('no evidence is no pass; a symlink is replaced; a folder or an unreadable file is unreadable, not missing', async () => {
    const ws = await makeWorkspace({ files: { 'build.log': 'build ok\n' } });
    const outside = `${ws.dir}-outside.log`;
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      const none = await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001');
      expect(none.code).toBe(1);
      expect(none.stdout).toBe(
        'no evidence: TASK-0001 has no attachment, nothing verified (st3 tasks evidence attach TASK-0001 …)\n',
      );
      expect(json(await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001', '--json'))).toMatchObject({
        ok: false,
        checked: 0,
        no_evidence: true,
      });
      const attach = ['evidence', 'attach', 'TASK-0001', '--type', 'log', '--file', 'build.log', '--description', 'b'];
      const { entry } = json<{ entry: { stored: string } }>(await st3Tasks(ws.dir, 'tasks', ...attach, '--json'));
      const stored = join(ws.dir, '.st3/tasks/TASK-0001/evidence', entry.stored);

      // The same bytes, outside the workspace, through a link: no longer what was stored.
      await writeFile(outside, 'build ok\n');
      await rm(stored);
      await symlink(outside, stored);
      const linked = await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001');
      expect(linked.code).toBe(1);
      expect(linked.stdout).toBe(
        `replaced: ${entry.stored} (a symlink (-> ${outside}) is where the stored file was)\n1 attachment(s) checked: problems found\n`,
      );
      await rm(stored);
      await mkdir(stored);
      const folder = await st3Tasks(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001');
      expect(folder.code).toBe(1);
      expect(folder.stdout).toContain(
        `unreadable: ${entry.stored} (E_FILE_READ: a folder is where the stored file was)`,
      );
      await rm(stored, { recursive: true });
      await writeFile(stored, 'build ok\n');
      own(ws.dir);
      chmodSync(stored, 0o000);
      const locked = await asUser(ws.dir, 'tasks', 'evidence', 'verify', 'TASK-0001', '--json');
      expect(locked.code, locked.stderr).toBe(1);
      expect(json(locked)).toMatchObject({
        ok: false,
        missing: [],
        unreadable: [{ stored: entry.stored, code: 'E_FILE_READ', reason: expect.stringContaining('EACCES') }],
      });
    } finally {
      await rm(outside, { force: true });
      await ws.cleanup();
    }
  });

  it('attach of a file or a folder that cannot be read: E_FILE_READ naming it (it was E_INTERNAL)', async () => {
    const ws = await makeWorkspace({ files: { 'secret.log': 'x\n', 'locked/a.txt': 'a\n', 'deep/sub/b.txt': 'b\n' } });
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      own(ws.dir);
      for (const p of ['secret.log', 'locked', 'deep/sub']) chmodSync(join(ws.dir, p), 0o000);
      const cases: [string, string, string][] = [
        ['log', 'secret.log', 'cannot read secret.log: EACCES'],
        ['directory', 'locked', 'cannot read locked: EACCES'],
        ['directory', 'deep', 'cannot read deep (at sub): EACCES'],
      ];
      for (const [type, file, message] of cases) {
        const r = await asUser(
          ws.dir,
          'tasks',
          'evidence',
          'attach',
          'TASK-0001',
          '--type',
          type,
          '--file',
          file,
          '--description',
          'd',
          '--json',
        );
        expect(r.code, r.stdout + r.stderr).toBe(3);
        expect(json(r)).toMatchObject({
          ok: false,
          error: { code: 'E_FILE_READ', file, message: expect.stringContaining(message) },
        });
      }
    } finally {
      for (const p of ['locked', 'deep/sub']) chmodSync(join(ws.dir, p), 0o755);
      await ws.cleanup();
    }
  });
});
