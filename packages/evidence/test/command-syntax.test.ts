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

  it('a command string with shell syntax is an E_COMMAND_SYNTAX error at the file position of the character', () => {
    const v = validateTaskText(task(hostile), 'TASK-7001.task.yaml');
    expect(v.ok).toBe(false);
    const error = v.errors.find((e) => e.code === 'E_COMMAND_SYNTAX');
    // line 21 is "    - command: node --version; ...": the ';' is at column 30.
    expect(error).toMatchObject({ file: 'TASK-7001.task.yaml', line: 21, column: 30 });
    expect(error?.hint).toContain('shell: true');
  });

  it('accepts plain word lists, quoted arguments, lists, and shell lines that say shell: true', () => {
    for (const pipeline of [
      '    - command: pnpm turbo run lint --filter=@photoeditor/api\n      description: d\n',
      `    - command: node -e 'console.log(1; 2)'\n      description: d\n`,
      '    - command: [node, --version]\n      description: d\n',
      '    - command: cd mobile && pnpm test\n      shell: true\n      description: d\n',
    ])
      expect(validateTaskText(task(pipeline), 'x').errors, pipeline).toEqual([]);
  });

  it('never runs the refused string: it is left out of the task context with the finding', () => {
    const v = validateTaskText(task(hostile), 'x');
    const { commands, warnings } = commandsFromTask(v.task!);
    expect(commands).toEqual([]);
    expect(warnings[0]).toMatchObject({ code: 'E_COMMAND_SYNTAX', path: ['validation', 'pipeline', 0, 'command'] });
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
