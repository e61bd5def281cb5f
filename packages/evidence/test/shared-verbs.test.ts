import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTasksConfig, planQaRecord, taskTelemetry, validateTasks } from '../src/index.js';
import { withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

// What `st3 tasks …`/`st3 qa record` and their MCP tools share: one function each, so one behaviour.

describe('planQaRecord (the argument checks of qa record)', () => {
  const usage = (fn: () => unknown) => expect(fn).toThrow(expect.objectContaining({ code: 'E_USAGE' }));

  it('a log, or a program to run; a command alone is split', () => {
    expect(planQaRecord({ command: 'eslint .', log: 'l.json' })).toEqual({
      mode: 'log',
      command: 'eslint .',
      log: 'l.json',
      exitCode: 0,
      durationMs: 0,
    });
    expect(planQaRecord({ argv: ['node', '--version'] })).toEqual({
      mode: 'run',
      command: 'node --version',
      argv: ['node', '--version'],
    });
    expect(planQaRecord({ command: 'node --version' })).toMatchObject({ mode: 'run', argv: ['node', '--version'] });
  });

  it('no command, log with argv or report, exitCode without a log: E_USAGE', () => {
    usage(() => planQaRecord({}));
    usage(() => planQaRecord({ argv: ['node'], log: 'l.json' }));
    usage(() => planQaRecord({ command: 'x', log: 'l.json', report: 'r.json' }));
    usage(() => planQaRecord({ argv: ['node', '--version'], exitCode: 5 }));
  });

  it('a blank command or a negative duration: E_USAGE (they were recorded as "lint:", or failed as evidence metadata)', () => {
    expect(() => planQaRecord({ command: '   ', log: 'l.json' })).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('say which command') }),
    );
    expect(() => planQaRecord({ command: 'eslint .', log: 'l.json', durationMs: -5 })).toThrow(
      expect.objectContaining({ code: 'E_USAGE', message: expect.stringContaining('a duration of -5 ms') }),
    );
  });
});

describe('validateTasks (st3 tasks validate, MCP task_validate)', () => {
  it('a missing name is E_FILE_NOT_FOUND; duplicates across folders are marked', async () => {
    await withTemp(async (dir) => {
      await mkdir(join(dir, 'tasks'));
      await mkdir(join(dir, 'more'));
      await writeFile(join(dir, 'tasks/TASK-0001-a.task.yaml'), completeTask('TASK-0001'));
      await writeFile(join(dir, 'more/TASK-0001-b.task.yaml'), completeTask('TASK-0001'));
      const ws = await loadTasksConfig(dir);
      await expect(validateTasks(ws, { inputs: ['tasks/nope.task.yaml'] })).rejects.toMatchObject({
        code: 'E_FILE_NOT_FOUND',
      });
      const r = await validateTasks(ws, { inputs: ['tasks', 'more'] });
      expect(r.ok).toBe(false);
      expect(r.duplicates.map((d) => d.id)).toEqual(['TASK-0001']);
      expect(r.skipped).toEqual([]);
    });
  });
});

describe('taskTelemetry', () => {
  it('the agent, else ST3_AGENT, else st3-tasks; nothing without a context; a failed write is a warning', async () => {
    await withTemp(async (dir) => {
      const ws = await loadTasksConfig(dir);
      const seen: string[] = [];
      const record = async (t: { agent: string }) => void seen.push(t.agent);
      expect(await taskTelemetry(ws, 'TASK-0001', { record }, () => undefined)).toEqual({ written: false });
      await mkdir(join(dir, '.st3/tasks/TASK-0001'), { recursive: true });
      await taskTelemetry(ws, 'TASK-0001', { record }, () => undefined);
      await taskTelemetry(ws, 'TASK-0001', { env: { ST3_AGENT: 'impl' }, record }, () => undefined);
      await taskTelemetry(ws, 'TASK-0001', { agent: 'rev', env: { ST3_AGENT: 'impl' }, record }, () => undefined);
      expect(seen).toEqual(['st3-tasks', 'impl', 'rev']);
      const failing = async () => Promise.reject(new Error('disk full'));
      expect(await taskTelemetry(ws, 'TASK-0001', { record: failing }, () => undefined)).toEqual({
        written: false,
        warning: 'telemetry not recorded: disk full',
      });
      expect(await readdir(join(dir, '.st3/tasks/TASK-0001'))).toEqual([]);
    });
  });
});
