import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithFixtures } from '@st3/tooling/fixtures';
import { fixtures, json, runSt3, withTempDir } from '../src/run-cli.js';
import { git, taskFile } from '../src/task-file.js';

/** A real task file that writes `validation.commands: [{cmd: "pnpm turbo run …", description: …}]` (schema 1.0). */
const REAL = 'TASK-9002-complex-multitier.task.yaml';

/** A complete task whose one pipeline entry is no command (a description only). */
const NO_COMMAND = taskFile('TASK-7200', { extra: 'acceptance_criteria:\n  must: [works]\n' }).replace(
  /^ {4}- id: val-001\n {6}command: node --version\n/m,
  '    - description: a step written as words only\n',
);

async function repo(dir: string): Promise<void> {
  await mkdir(join(dir, 'tasks'), { recursive: true });
  await mkdir(join(dir, '.st3'), { recursive: true });
  await mkdir(join(dir, 'empty'), { recursive: true });
  await mkdir(join(dir, 'misnamed'), { recursive: true });
  await writeFile(join(dir, 'tasks', REAL), await readFile(join(fixtures, 'tasks', REAL)));
  await writeFile(join(dir, 'tasks/TASK-7200-no-command.task.yaml'), NO_COMMAND);
  await writeFile(join(dir, 'misnamed/TASK-0001.yaml'), 'id: NOT-A-TASK\n');
  await writeFile(join(dir, 'empty/.keep'), '');
  // A stand-in pnpm on PATH: prints its arguments and succeeds (the real one is not needed to run the commands).
  await mkdir(join(dir, 'bin'));
  await writeFile(join(dir, 'bin/pnpm'), '#!/bin/sh\necho "pnpm $*"\n');
  await chmod(join(dir, 'bin/pnpm'), 0o755);
  await writeFile(join(dir, '.gitignore'), '.st3/\nbin/\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'init');
}

describeWithFixtures('st3 tasks: validation commands as real files write them, and nothing checked is no pass', () => {
  it('the real `cmd` entries are recorded and run; an entry that is no command is located; running or checking nothing is an error', async () => {
    await withTempDir(async (dir) => {
      await repo(dir);
      const env = { PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` };
      const st3 = (...args: string[]) => runSt3(['tasks', ...args], { cwd: dir, env });

      // The real file, unchanged: its three `cmd` commands become the context's commands and run.
      const init = await st3('context', 'init', 'TASK-9002');
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('3 validation command(s)');
      expect(init.stderr).not.toContain('W_VALIDATION_COMMAND');
      const run = await st3('run-validation', 'TASK-9002', '--json');
      expect(run.code, run.stderr).toBe(0);
      const doc = json(run);
      expect(doc).toMatchObject({ ok: true, counts: { passed: 3, failed: 0, not_run: 0, skipped: 0 } });
      expect(doc.results.map((r: { id: string; stdout_tail: string }) => [r.id, r.stdout_tail.trim()])).toEqual([
        ['cmd-1', 'pnpm turbo run typecheck --filter=@photoeditor/backend'],
        ['cmd-2', 'pnpm turbo run lint --filter=@photoeditor/backend'],
        ['cmd-3', 'pnpm turbo run test --filter=@photoeditor/backend'],
      ]);

      // An entry that is still no command: a located warning under its own key path, then no pass.
      const checked = await st3('validate', 'tasks/TASK-7200-no-command.task.yaml');
      expect(checked.code).toBe(0);
      expect(checked.stderr).toMatch(
        /tasks\/TASK-7200-no-command\.task\.yaml:\d+:7: warning: W_VALIDATION_COMMAND validation\.pipeline\[0\] is not a runnable command/,
      );
      expect((await st3('context', 'init', 'TASK-7200')).code).toBe(0);
      const nothing = await st3('run-validation', 'TASK-7200', '--json');
      expect(nothing.code).toBe(2);
      expect(json(nothing)).toMatchObject({ ok: false, error: { code: 'E_VALIDATION_NO_COMMANDS' } });
      const nothingText = await st3('run-validation', 'TASK-7200');
      expect(nothingText.code).toBe(2);
      expect(nothingText.stdout).not.toContain('0 command(s)');

      // No task file to check: no verdict.
      for (const folder of ['empty', 'misnamed']) {
        const none = await st3('validate', folder, '--json');
        expect(none.code, folder).toBe(2);
        expect(json(none), folder).toMatchObject({ ok: false, error: { code: 'E_TASK_NO_FILES' } });
      }
    });
  }, 120_000);
});
