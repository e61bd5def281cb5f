import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandsFromTask, runValidationCommand, validateTaskText } from '../src/index.js';
import { completeTask } from './task-text.js';

const task = (pipeline: string): string => completeTask('TASK-7001', pipeline);

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('no implicit shell for validation commands (issue 20.3)', () => {
  const hostile = '    - command: node --version; touch SHELLRAN_$(whoami)\n      description: d\n';

  it('a command string with shell syntax is a W_COMMAND_NEEDS_SHELL warning at the file position of the character; the file stays valid', () => {
    const v = validateTaskText(task(hostile), 'TASK-7001.task.yaml');
    expect(v.ok).toBe(true);
    expect(v.errors).toEqual([]);
    const warning = v.warnings.find((e) => e.code === 'W_COMMAND_NEEDS_SHELL');
    // line 21 is "    - command: node --version; ...": the ';' is at column 30.
    expect(warning).toMatchObject({ file: 'TASK-7001.task.yaml', line: 21, column: 30, severity: 'warning' });
    expect(warning?.hint).toContain('shell: true');
    expect(warning?.hint).toContain('--shell');
  });

  it('an unterminated quote is an E_COMMAND_SYNTAX error (no shell would run it either)', () => {
    const v = validateTaskText(task(`    - command: echo "oops\n      description: d\n`), 'TASK-7001.task.yaml');
    expect(v.ok).toBe(false);
    expect(v.errors.map((e) => [e.code, e.line])).toEqual([['E_COMMAND_SYNTAX', 21]]);
  });

  it('accepts plain word lists, quoted arguments, lists, and shell lines that say shell: true', () => {
    for (const pipeline of [
      '    - command: pnpm turbo run lint --filter=@photoeditor/api\n      description: d\n',
      `    - command: node -e 'console.log(1; 2)'\n      description: d\n`,
      '    - command: [node, --version]\n      description: d\n',
      '    - command: cd mobile && pnpm test\n      shell: true\n      description: d\n',
    ]) {
      const v = validateTaskText(task(pipeline), 'x');
      expect([...v.errors, ...v.warnings], pipeline).toEqual([]);
    }
  });

  it('never runs the string through a shell by itself: the run refuses it (nothing run); allowShell runs it by sh -c', async () => {
    const root = await mkdtemp(join(tmpdir(), 'st3-noshell-'));
    dirs.push(root);
    const v = validateTaskText(task('    - command: node --version; touch SHELLRAN\n      description: d\n'), 'x');
    const { commands, warnings } = commandsFromTask(v.task!);
    expect(warnings[0]).toMatchObject({
      code: 'W_COMMAND_NEEDS_SHELL',
      path: ['validation', 'pipeline', 0, 'command'],
    });
    expect(commands.map((c) => [c.command, c.shell])).toEqual([['node --version; touch SHELLRAN', false]]);
    const refused = await runValidationCommand(commands[0]!, { root, env: { PATH: process.env.PATH } });
    expect(refused).toMatchObject({ status: 'error', attempts: 0, exit_code: null, expected: false });
    expect(refused.error).toMatch(/^E_COMMAND_SYNTAX: .*needs a shell.*--shell/);
    expect(readdirSync(root)).toEqual([]);
    const ran = await runValidationCommand(commands[0]!, { root, env: { PATH: process.env.PATH }, allowShell: true });
    expect(ran).toMatchObject({ status: 'passed', attempts: 1, exit_code: 0 });
    expect(existsSync(join(root, 'SHELLRAN'))).toBe(true);
  });

  it('runs a split string without a shell: metacharacters in quotes stay literal', async () => {
    const root = await mkdtemp(join(tmpdir(), 'st3-noshell-'));
    dirs.push(root);
    const v = validateTaskText(
      task(
        `    - command: node -e "process.stdout.write(process.argv[1])" '$(touch SHELLRAN)'\n      description: d\n`,
      ),
      'x',
    );
    const { commands } = commandsFromTask(v.task!);
    expect(commands[0]!.command).toEqual(['node', '-e', 'process.stdout.write(process.argv[1])', '$(touch SHELLRAN)']);
    const result = await runValidationCommand(commands[0]!, { root, env: { PATH: process.env.PATH } });
    expect(result.status).toBe('passed');
    expect(result.stdout_tail).toContain('$(touch SHELLRAN)');
    expect(existsSync(join(root, 'SHELLRAN'))).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });
});
