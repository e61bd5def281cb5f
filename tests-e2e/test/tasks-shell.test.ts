import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithFixtures } from '@st3/tooling/fixtures';
import { fixtures, json, runSt3, withTempDir } from '../src/run-cli.js';
import { git, taskFile } from '../src/task-file.js';

/** A real task file written for the original CLI's shell: `validation.commands: [make stage1-verify || true]`. */
const REAL = 'TASK-0012-makefile-stage1-verify.task.yaml';

/** A complete task whose one command would create a file if a shell ran it. */
const HOSTILE = taskFile('TASK-7100', {
  commands: ['touch SHELLRAN && node --version'],
  extra: 'acceptance_criteria:\n  must: [works]\n',
  noRisks: true,
});

async function repo(dir: string): Promise<void> {
  await mkdir(join(dir, 'tasks'), { recursive: true });
  await writeFile(join(dir, 'tasks', REAL), await readFile(join(fixtures, 'tasks', REAL)));
  await writeFile(join(dir, 'tasks/TASK-7100-hostile.task.yaml'), HOSTILE);
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'init');
}

describeWithFixtures('st3 tasks: real task files whose commands need a shell (ADR 0103)', () => {
  it('validate accepts the real file unchanged with a located warning; run-validation refuses the command unless --shell', async () => {
    await withTempDir(async (dir) => {
      await repo(dir);
      const st3 = (...args: string[]) => runSt3(args, { cwd: dir, env: { ST3_AGENT: 'implementer' } });
      // The file in the repository is byte-identical to the real one.
      expect(await readFile(join(dir, 'tasks', REAL))).toEqual(await readFile(join(fixtures, 'tasks', REAL)));

      const text = await st3('tasks', 'validate', `tasks/${REAL}`);
      expect(text.code).toBe(0);
      expect(text.stdout + text.stderr).toMatch(
        new RegExp(`${REAL.replace(/\./g, '\\.')}:64:26: warning: W_COMMAND_NEEDS_SHELL .*needs a shell`),
      );
      const checked = json(await st3('tasks', 'validate', `tasks/${REAL}`, '--json'));
      expect(JSON.stringify(checked)).toContain('W_COMMAND_NEEDS_SHELL');
      expect(JSON.stringify(checked)).not.toContain('E_COMMAND_SYNTAX');

      const init = await st3('tasks', 'context', 'init', 'TASK-0012', '--json');
      expect(init.code, init.stderr).toBe(0);
      const shown = json(await st3('tasks', 'context', 'show', 'TASK-0012', '--json'));
      expect(shown.context.validation_commands).toMatchObject([
        { id: 'cmd-1', command: 'make stage1-verify || true', shell: false },
      ]);

      const refused = await st3('tasks', 'run-validation', 'TASK-0012', '--json');
      expect(refused.code).toBe(1);
      const r = json(refused);
      expect(r).toMatchObject({ ok: false, artifacts: [] });
      expect(r.results[0]).toMatchObject({ id: 'cmd-1', status: 'error', attempts: 0, exit_code: null });
      expect(r.results[0].error).toMatch(/^E_COMMAND_SYNTAX: .*"\|\|" needs a shell.*--shell/);
      const refusedText = await st3('tasks', 'run-validation', 'TASK-0012');
      expect(refusedText.stdout).toMatch(/error\s+cmd-1 not run: E_COMMAND_SYNTAX/);

      // --shell runs it through sh -c, as the original CLI did (`|| true` passes whether make finds a target or not).
      const ran = await st3('tasks', 'run-validation', 'TASK-0012', '--shell', '--json');
      expect(ran.code, ran.stderr).toBe(0);
      const run = json(ran);
      expect(run.results[0]).toMatchObject({ id: 'cmd-1', status: 'passed', exit_code: 0, attempts: 1 });
      expect(run.artifacts).toHaveLength(1);
      const listed = json(await st3('tasks', 'evidence', 'list', 'TASK-0012', '--json'));
      const artifact = listed.entries.find((e: { id: string }) => e.id === run.artifacts[0].evidence_id);
      expect(artifact).toMatchObject({ type: 'qa_output', metadata: { command_id: 'cmd-1', shell: true } });
      // The seed's flag form takes --shell too.
      expect((await st3('tasks', '--run-validation', 'TASK-0012', '--shell')).code).toBe(0);
    });
  });

  it('a string with shell syntax is never run by a shell nobody asked for', async () => {
    await withTempDir(async (dir) => {
      await repo(dir);
      const st3 = (...args: string[]) => runSt3(args, { cwd: dir });
      expect((await st3('tasks', 'validate', 'tasks/TASK-7100-hostile.task.yaml')).code).toBe(0);
      expect((await st3('tasks', 'context', 'init', 'TASK-7100')).code).toBe(0);
      const refused = await st3('tasks', 'run-validation', 'TASK-7100', '--json');
      expect([refused.code, json(refused).results[0].status]).toEqual([1, 'error']);
      expect(existsSync(join(dir, 'SHELLRAN'))).toBe(false);
      const ran = await st3('tasks', 'run-validation', 'TASK-7100', '--shell', '--json');
      expect([ran.code, json(ran).results[0].status]).toEqual([0, 'passed']);
      expect(existsSync(join(dir, 'SHELLRAN'))).toBe(true);
    });
  });
});
