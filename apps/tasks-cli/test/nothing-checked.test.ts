import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { realWorld } from '@st3/tooling/fixtures';
import { describe, expect, it } from 'vitest';
import { examples, json, makeWorkspace, st3Tasks } from './cli.js';

type ErrorDoc = { ok: boolean; error: { code: string; message: string; hint?: string } };

/** The example task as TASK-0004 with this validation section (YAML, indented 2 under `validation:`). */
async function taskWithValidation(section: string): Promise<Record<string, string>> {
  const text = (await readFile(join(examples, 'tasks/TASK-0001-example-evidence.task.yaml'), 'utf8'))
    .replaceAll('TASK-0001', 'TASK-0004')
    .replace(/^validation:\n(?: {2,}.*\n)+/m, `validation:\n${section}`);
  return { 'TASK-0004-commands.task.yaml': text };
}

describe('st3 tasks validate: checking no file is no verdict', () => {
  it('an empty folder, a folder whose files are not named *.task.yaml, and missing configured folders: E_TASK_NO_FILES, exit 2', async () => {
    const ws = await makeWorkspace({ files: { 'empty/.keep': '', 'misnamed/TASK-0001.yaml': 'id: NOT-A-TASK\n' } });
    try {
      const empty = await st3Tasks(ws.dir, 'tasks', 'validate', 'empty');
      expect(empty.code, empty.stdout + empty.stderr).toBe(2);
      expect(empty.stdout).not.toContain('0 task file(s) checked');
      expect(empty.stderr).toContain('E_TASK_NO_FILES');
      const misnamed = await st3Tasks(ws.dir, 'tasks', 'validate', 'misnamed', '--json');
      expect(misnamed.code).toBe(2);
      expect(json<ErrorDoc>(misnamed)).toMatchObject({
        ok: false,
        error: { code: 'E_TASK_NO_FILES', message: 'no task files in misnamed: nothing was checked' },
      });
      expect(json<ErrorDoc>(misnamed).error.hint).toContain('by its path');
      // The same file given by its path is checked (and fails: it is no task).
      expect((await st3Tasks(ws.dir, 'tasks', 'validate', 'misnamed/TASK-0001.yaml')).code).toBe(1);

      // No arguments: the configured folders (tasks, docs/completed-tasks) hold no task file.
      await rm(join(ws.dir, 'tasks'), { recursive: true });
      const none = await st3Tasks(ws.dir, 'tasks', 'validate', '--json');
      expect(none.code).toBe(2);
      expect(json<ErrorDoc>(none).error).toMatchObject({ code: 'E_TASK_NO_FILES' });
      expect(json<ErrorDoc>(none).error.message).toMatch(/^no task files in the configured task folders \(.*missing: /);
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 tasks run-validation: running no command is no verdict', () => {
  it('a task whose one entry is no command: located warning at validate and init, then E_VALIDATION_NO_COMMANDS, exit 2', async () => {
    const ws = await makeWorkspace({
      tasks: await taskWithValidation('  pipeline:\n    - description: a description and no command\n'),
    });
    try {
      const validated = await st3Tasks(ws.dir, 'tasks', 'validate', 'tasks/TASK-0004-commands.task.yaml');
      expect(validated.stderr).toMatch(
        /tasks\/TASK-0004-commands\.task\.yaml:\d+:7: warning: W_VALIDATION_COMMAND validation\.pipeline\[0\] is not a runnable command/,
      );
      const init = await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0004');
      expect(init.code, init.stderr).toBe(0);
      expect(init.stderr).toMatch(/W_VALIDATION_COMMAND: \d+:7 validation\.pipeline\[0\] is not a runnable command/);
      const text = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0004');
      expect(text.code, text.stdout + text.stderr).toBe(2);
      expect(text.stdout).not.toContain('0 command(s)');
      expect(text.stderr).toContain('E_VALIDATION_NO_COMMANDS');
      const doc = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0004', '--json');
      expect(doc.code).toBe(2);
      expect(json<ErrorDoc>(doc)).toMatchObject({ ok: false, error: { code: 'E_VALIDATION_NO_COMMANDS' } });
      expect(json<ErrorDoc>(doc).error.hint).toContain('validation.pipeline[0] is not a runnable command');
    } finally {
      await ws.cleanup();
    }
  });

  it('the real-world TASK-9002 (`validation.commands: [{cmd: …}]`): its three commands are recorded', async () => {
    const name = 'TASK-9002-complex-multitier.task.yaml';
    const ws = await makeWorkspace({ tasks: { [name]: await readFile(join(realWorld, 'tasks', name), 'utf8') } });
    try {
      const init = await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-9002', '--json');
      expect(init.code, init.stderr).toBe(0);
      expect(init.stderr).not.toContain('W_VALIDATION_COMMAND');
      // `--command-id` selects one of the commands init recorded from `cmd`; a made-up id is still refused.
      const unknown = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-9002', '--command-id', 'nope', '--json');
      expect(json<ErrorDoc>(unknown).error.hint).toBe('ids: cmd-1, cmd-2, cmd-3');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 tasks show: a task file path that does not exist', () => {
  it('is E_FILE_NOT_FOUND, exit 2, with the standard error document (not a half-empty task)', async () => {
    const ws = await makeWorkspace();
    try {
      const text = await st3Tasks(ws.dir, 'tasks', 'show', 'tasks/TASK-0001-login.task.yaml');
      expect(text.code, text.stdout + text.stderr).toBe(2);
      expect(text.stdout).toBe('');
      expect(text.stderr).toContain('E_FILE_NOT_FOUND');
      const doc = await st3Tasks(ws.dir, 'tasks', 'show', 'tasks/TASK-0001-login.task.yaml', '--json');
      expect(doc.code).toBe(2);
      expect(json<ErrorDoc>(doc)).toMatchObject({
        ok: false,
        error: { code: 'E_FILE_NOT_FOUND', file: 'tasks/TASK-0001-login.task.yaml' },
      });
      // The file that is there is still shown by its path.
      const shown = await st3Tasks(ws.dir, 'tasks', 'show', 'tasks/TASK-0001-example-evidence.task.yaml', '--json');
      expect(shown.code, shown.stdout + shown.stderr).toBe(0);
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 tasks standards verify: a task with no excerpt', () => {
  it('verifies nothing: exit 1, ok false with no_excerpts, and says so (never an empty pass)', async () => {
    // The example task citing no standard: its context caches no excerpt.
    const text = (await readFile(join(examples, 'tasks/TASK-0001-example-evidence.task.yaml'), 'utf8'))
      .replaceAll('TASK-0001', 'TASK-0005')
      .replaceAll('standards/engineering.md', 'docs/none.md');
    const ws = await makeWorkspace({ tasks: { 'TASK-0005-no-standards.task.yaml': text } });
    try {
      const init = await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0005', '--json');
      expect(init.code, init.stdout + init.stderr).toBe(0);
      const plain = await st3Tasks(ws.dir, 'tasks', 'standards', 'verify', 'TASK-0005');
      expect(plain.code, plain.stdout + plain.stderr).toBe(1);
      expect(plain.stdout).toContain('no standards excerpt: TASK-0005 has none cached, nothing verified');
      const doc = await st3Tasks(ws.dir, 'tasks', 'standards', 'verify', 'TASK-0005', '--json');
      expect(doc.code).toBe(1);
      expect(json(doc)).toMatchObject({ ok: false, no_excerpts: true, invalidated: 0, excerpts: [] });
    } finally {
      await ws.cleanup();
    }
  });

  it('a task with fresh excerpts still passes (exit 0, no_excerpts false)', async () => {
    const ws = await makeWorkspace();
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      const doc = await st3Tasks(ws.dir, 'tasks', 'standards', 'verify', 'TASK-0001', '--json');
      expect(doc.code, doc.stdout + doc.stderr).toBe(0);
      expect(json(doc)).toMatchObject({ ok: true, no_excerpts: false });
    } finally {
      await ws.cleanup();
    }
  });
});
