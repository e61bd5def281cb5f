import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  commandsFromTask,
  DEFAULT_TASKS_CONFIG,
  initContext,
  readContext,
  runTaskValidation,
  validateTaskFile,
  validateTaskText,
} from '../src/index.js';
import { realWorld, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const tasksDir = join(realWorld, 'tasks');

/** The real-world task files that write `validation.commands: [{cmd: …, description: …}]`. */
async function cmdFixtures(): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(tasksDir)).sort())
    if (name.endsWith('.task.yaml') && /^ {4}- cmd: /m.test(await readFile(join(tasksDir, name), 'utf8')))
      out.push(name);
  return out;
}

/** A schema 1.0 task with the given `validation.commands` entries (YAML lines under `commands:`). */
const legacyTask = (entries: string): string => `id: TASK-7100
title: t
status: todo
priority: P1
area: backend
description: d
scope:
  in: [a]
  out: [b]
implementation_plan:
  - step: 1
    description: s
acceptance_criteria: [works]
deliverables: [x.ts]
risks: [r]
validation:
  commands:
${entries}`;

describe('validation commands written as the real-world task files write them', () => {
  it('reads `cmd` as the command (with its description) in all 14 real-world files that write it', async () => {
    const names = await cmdFixtures();
    expect(names).toHaveLength(14);
    for (const name of names) {
      const verdict = await validateTaskFile(join(tasksDir, name), name);
      // (TASK-9006 has errors of its own, e.g. blocked without a reason: not about its commands)
      expect(verdict.task, name).toBeDefined();
      expect(
        verdict.warnings.filter((w) => w.code === 'W_VALIDATION_COMMAND'),
        name,
      ).toEqual([]);
      const entries = (verdict.task!.validation as { commands: { cmd: string; description: string }[] }).commands;
      const { commands, warnings } = commandsFromTask(verdict.task!);
      expect(
        warnings.filter((w) => w.code === 'W_VALIDATION_COMMAND'),
        name,
      ).toEqual([]);
      expect(
        commands.map((c) => [c.id, c.description]),
        name,
      ).toEqual(entries.map((e, i) => [`cmd-${i + 1}`, e.description]));
    }
  });

  it('TASK-9002: three commands, split into argv, no shell', async () => {
    const verdict = await validateTaskFile(join(tasksDir, 'TASK-9002-complex-multitier.task.yaml'), 'TASK-9002');
    const { commands } = commandsFromTask(verdict.task!);
    expect(commands.map((c) => [c.id, c.command, c.shell, c.description])).toEqual([
      ['cmd-1', ['pnpm', 'turbo', 'run', 'typecheck', '--filter=@photoeditor/backend'], false, 'Type check backend'],
      ['cmd-2', ['pnpm', 'turbo', 'run', 'lint', '--filter=@photoeditor/backend'], false, 'Lint backend'],
      ['cmd-3', ['pnpm', 'turbo', 'run', 'test', '--filter=@photoeditor/backend'], false, 'Run backend unit tests'],
    ]);
  });

  it('context init records the commands of a real-world `cmd` file', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      const name = 'TASK-9002-complex-multitier.task.yaml';
      await writeFile(join(root, 'tasks', name), await readFile(join(tasksDir, name)));
      const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
      const { context, warnings } = await initContext(ws, 'TASK-9002', { worktree: 'skip' });
      expect(context.validation_commands.map((c) => (c as { id: string }).id)).toEqual(['cmd-1', 'cmd-2', 'cmd-3']);
      expect(warnings.filter((w) => w.code === 'W_VALIDATION_COMMAND')).toEqual([]);
    });
  });

  it('an entry that is still no command is a W_VALIDATION_COMMAND warning at file:line:col, under its own key path', () => {
    const text = legacyTask(
      '    - description: no command at all\n    - cmd: 42\n      description: a number\n    - cmd: node --version\n',
    );
    const v = validateTaskText(text, 'TASK-7100.task.yaml');
    const found = v.warnings.filter((w) => w.code === 'W_VALIDATION_COMMAND');
    // line 18 is "    - description: …" (the entry starts at column 7); line 19 is "    - cmd: 42" (the value at column 12).
    expect(found.map((w) => [w.file, w.line, w.column, w.path])).toEqual([
      ['TASK-7100.task.yaml', 18, 7, ['validation', 'commands', 0]],
      ['TASK-7100.task.yaml', 19, 12, ['validation', 'commands', 1, 'cmd']],
    ]);
    expect(found[0]!.message).toMatch(/^validation\.commands\[0\] is not a runnable command \(it has no `command`/);
    expect(found[1]!.message).toMatch(
      /^validation\.commands\[1\] is not a runnable command \(its `cmd` is not a command string or a list/,
    );
    expect(found[0]!.hint).toContain('command:');
    // The readable entry is kept; the two others are left out with the same findings (by path).
    const { commands, warnings } = commandsFromTask(v.task!);
    expect(commands.map((c) => [c.id, c.command])).toEqual([['cmd-3', ['node', '--version']]]);
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['W_VALIDATION_COMMAND', ['validation', 'commands', 0]],
      ['W_VALIDATION_COMMAND', ['validation', 'commands', 1, 'cmd']],
    ]);
  });

  it('context init says each unreadable entry once, with its line and column', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      const text = legacyTask('    - description: no command at all\n    - cmd: node --version\n');
      await writeFile(join(root, 'tasks', 'TASK-7100-x.task.yaml'), text);
      const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
      const { warnings } = await initContext(ws, 'TASK-7100', { worktree: 'skip' });
      const found = warnings.filter((w) => w.code === 'W_VALIDATION_COMMAND');
      expect(found.map((w) => w.message)).toEqual([
        expect.stringMatching(/^18:7 validation\.commands\[0\] is not a runnable command/),
      ]);
    });
  });

  it('a schema 1.1 entry is named by its validation.pipeline path', () => {
    const v = validateTaskText(completeTask('TASK-7101', '    - description: only words\n'), 'TASK-7101.task.yaml');
    const found = v.warnings.filter((w) => w.code === 'W_VALIDATION_COMMAND');
    expect(found.map((w) => [w.line, w.column, w.path])).toEqual([[21, 7, ['validation', 'pipeline', 0]]]);
    expect(found[0]!.message).toMatch(/^validation\.pipeline\[0\] is not a runnable command/);
  });

  it('a command written under `cmd` that needs a shell is found under its `cmd` key', () => {
    const v = validateTaskText(legacyTask('    - cmd: cd backend && pnpm test\n'), 'TASK-7100.task.yaml');
    expect(v.warnings.filter((w) => w.code === 'W_COMMAND_NEEDS_SHELL').map((w) => [w.line, w.path])).toEqual([
      [18, ['validation', 'commands', 0, 'cmd']],
    ]);
  });
});

describe('running no validation command is no verdict', () => {
  it('runTaskValidation with nothing to run is E_VALIDATION_NO_COMMANDS (naming the unreadable entries), and records nothing', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      await writeFile(join(root, 'tasks/TASK-7100-x.task.yaml'), legacyTask('    - description: no command at all\n'));
      const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
      await initContext(ws, 'TASK-7100', { worktree: 'skip' });
      const error = await runTaskValidation(ws, 'TASK-7100', { env: { PATH: process.env.PATH } }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'E_VALIDATION_NO_COMMANDS' });
      // Named once, at its line:col in the task file.
      expect((error as { hint: string }).hint).toMatch(
        /^1 entry of the task's validation commands could not be read \(18:7 validation\.commands\[0\] is not a runnable command/,
      );
      const context = await readContext(ws, 'TASK-7100');
      expect(context.validation_runs).toEqual([]);
      expect(context.validation_baseline).toBeNull();
      expect(existsSync(join(root, DEFAULT_TASKS_CONFIG.context_dir, 'TASK-7100', 'qa'))).toBe(false);
    });
  });
});
