import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  commandsFromTask,
  DEFAULT_TASKS_CONFIG,
  initContext,
  notRunReason,
  parseCommands,
  runTaskValidation,
  runValidationCommand,
  tallyValidation,
} from '../src/index.js';
import { withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const node = process.execPath;
const cmd = (extra: Record<string, unknown>) =>
  parseCommands([{ id: 'c', command: [node, '-e', 'process.exit(0)'], ...extra }])[0]!;

describe('validation command schema', () => {
  it('turns task pipeline entries into commands: argv split by POSIX rules; a shell line is kept as written with a warning, never split or run by sh', () => {
    const { commands, warnings } = commandsFromTask({
      schema_version: '1.1',
      validation: {
        pipeline: [
          { command: 'pnpm turbo run test --filter=@x/y', description: 'tests' },
          { command: 'pnpm test 2>&1 | tee out.log', description: 'piped' },
          {
            id: 'custom',
            command: ['make', 'check'],
            timeout_ms: 5000,
            retry: { attempts: 3, backoff_ms: 10 },
            expected_exit_codes: [0, 2],
          },
        ],
      },
    });
    expect(warnings.map((w) => [w.code, w.severity, w.path])).toEqual([
      ['W_COMMAND_NEEDS_SHELL', 'warning', ['validation', 'pipeline', 1, 'command']],
    ]);
    expect(commands.map((c) => [c.id, c.command, c.shell])).toEqual([
      ['cmd-1', ['pnpm', 'turbo', 'run', 'test', '--filter=@x/y'], false],
      ['cmd-2', 'pnpm test 2>&1 | tee out.log', false],
      ['custom', ['make', 'check'], false],
    ]);
    expect(commands[2]).toMatchObject({
      timeout_ms: 5000,
      retry: { attempts: 3, backoff_ms: 10, factor: 2 },
      expected_exit_codes: [0, 2],
    });
  });

  it('leaves out a string no shell could run either (unterminated quote) with an E_COMMAND_SYNTAX error', () => {
    const { commands, warnings } = commandsFromTask({ validation: [{ command: 'echo "oops', description: 'd' }] });
    expect(commands).toEqual([]);
    expect(warnings.map((w) => [w.code, w.severity])).toEqual([['E_COMMAND_SYNTAX', 'error']]);
  });
});

describe('running validation commands', () => {
  it('skips with a reason when the blocker is not completed, a path is missing or the cwd is gone', async () => {
    await withTemp(async (root) => {
      const taskStatus = async (id: string) =>
        id === 'TASK-0002' ? 'completed' : id === 'TASK-0001' ? 'in_progress' : undefined;
      expect(await runValidationCommand(cmd({ blocker_id: 'TASK-0001' }), { root, taskStatus })).toMatchObject({
        status: 'skipped',
        skip_reason: 'blocker TASK-0001 is in_progress, not completed',
        attempts: 0,
      });
      expect(await runValidationCommand(cmd({ expected_paths: ['dist/**/*.js'] }), { root, taskStatus })).toMatchObject(
        { status: 'skipped', skip_reason: 'expected path dist/**/*.js is missing' },
      );
      expect(await runValidationCommand(cmd({ cwd: 'nope' }), { root, taskStatus })).toMatchObject({
        status: 'skipped',
        skip_reason: 'cwd nope does not exist',
      });
      expect(await runValidationCommand(cmd({ cwd: '..' }), { root, taskStatus })).toMatchObject({
        status: 'skipped',
        skip_reason: 'cwd .. is outside the workspace',
      });
      await mkdir(join(root, 'dist/a'), { recursive: true });
      await writeFile(join(root, 'dist/a/x.js'), '');
      expect(
        await runValidationCommand(cmd({ blocker_id: 'TASK-0002', expected_paths: ['dist/**/*.js'] }), {
          root,
          taskStatus,
        }),
      ).toMatchObject({ status: 'passed', exit_code: 0, expected: true, attempts: 1 });
    });
  });

  it('runs with env and cwd and records tails', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'pkg'));
      const c = parseCommands([
        {
          id: 'env',
          command: [
            node,
            '-e',
            'console.log(process.env.A + process.env.B + "@" + require("path").basename(process.cwd())); console.error("err"); process.exit(3)',
          ],
          cwd: 'pkg',
          env: { A: 'x' },
          expected_exit_codes: [3],
        },
      ])[0]!;
      const r = await runValidationCommand(c, { root, env: { PATH: process.env.PATH }, extraEnv: { B: 'y' } });
      expect(r).toMatchObject({
        status: 'passed',
        exit_code: 3,
        expected: true,
        stdout_tail: 'xy@pkg',
        stderr_tail: 'err',
      });
    });
  });

  it('retries per policy with backoff, then reports the unexpected exit code', async () => {
    await withTemp(async (root) => {
      const waits: number[] = [];
      const c = parseCommands([
        { id: 'r', command: [node, '-e', 'process.exit(1)'], retry: { attempts: 3, backoff_ms: 100, factor: 2 } },
      ])[0]!;
      const r = await runValidationCommand(c, { root, sleep: async (ms) => void waits.push(ms) });
      expect(r).toMatchObject({ status: 'failed', exit_code: 1, expected: false, attempts: 3 });
      expect(waits).toEqual([100, 200]);
    });
  });

  it('kills the whole process tree on timeout', async () => {
    await withTemp(async (root) => {
      const child = `require("child_process").spawn(process.execPath, ["-e", "setInterval(()=>{}, 1000)"], {stdio: "inherit"}); setInterval(() => {}, 1000)`;
      const c = parseCommands([{ id: 't', command: [node, '-e', child], timeout_ms: 300 }])[0]!;
      const started = Date.now();
      const r = await runValidationCommand(c, { root });
      expect(r).toMatchObject({ status: 'failed', timed_out: true, expected: false });
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  it('runs a marked shell string through sh', async () => {
    await withTemp(async (root) => {
      const c = parseCommands([{ id: 's', command: 'echo a | tr a b', shell: true }])[0]!;
      expect(await runValidationCommand(c, { root, env: { PATH: process.env.PATH } })).toMatchObject({
        status: 'passed',
        stdout_tail: 'b',
      });
    });
  });
});

describe('the verdict of a validation run', () => {
  it('never counts a command that did not run because of a pre-flight problem (or a blocker naming no task) as a pass; a blocker wait is neutral', async () => {
    await withTemp(async (root) => {
      const taskStatus = async (id: string) => (id === 'TASK-0001' ? 'in_progress' : undefined);
      const failing = (extra: Record<string, unknown>) =>
        parseCommands([{ id: 'f', command: [node, '-e', 'process.exit(1)'], ...extra }])[0]!;
      const run = (c: ReturnType<typeof cmd>) => runValidationCommand(c, { root, taskStatus });
      const missingPath = await run(failing({ expected_paths: ['dist/index.js'] }));
      const missingCwd = await run(failing({ cwd: 'nope' }));
      const outside = await run(failing({ cwd: '..' }));
      const openBlocker = await run(failing({ blocker_id: 'TASK-0001' }));
      const unknownBlocker = await run(failing({ blocker_id: 'TASK-0404' }));
      const passed = await run(cmd({}));

      expect(notRunReason(missingPath)).toBe('expected path dist/index.js is missing');
      expect(notRunReason(missingCwd)).toBe('cwd nope does not exist');
      expect(notRunReason(outside)).toBe('cwd .. is outside the workspace');
      expect(notRunReason(openBlocker)).toBeUndefined();
      // A blocker id that names no task is a mistake in the file, not a wait: the command would never run.
      expect(notRunReason(unknownBlocker)).toBe(
        'blocker TASK-0404 names no task: no single task file with that id has a status',
      );
      expect(notRunReason(passed)).toBeUndefined();
      // A skip whose reason is not a blocker wait is not run, whatever it says.
      expect(notRunReason({ status: 'skipped' })).toBe('skipped without a reason');

      // Alone, a command skipped by pre-flight is not ok (the bug: it was "0 failed", ok).
      expect(tallyValidation([missingPath])).toMatchObject({
        ok: false,
        total: 1,
        passed: 0,
        failed: 0,
        not_run: 1,
        skipped: 0,
        notRun: [{ id: 'f', reason: 'expected path dist/index.js is missing' }],
      });
      expect(tallyValidation([missingCwd]).ok).toBe(false);
      expect(tallyValidation([outside]).ok).toBe(false);
      // Waiting on a blocker task neither passes nor fails: the run stays ok, counted as skipped.
      expect(tallyValidation([passed, openBlocker])).toMatchObject({
        ok: true,
        passed: 1,
        failed: 0,
        not_run: 0,
        skipped: 1,
      });
      expect(tallyValidation([passed, openBlocker, unknownBlocker])).toMatchObject({
        ok: false,
        passed: 1,
        not_run: 1,
        skipped: 1,
      });
      // Nothing ran, nothing checked: every command waiting on its blocker is no pass (the bug: ok, exit 0).
      expect(tallyValidation([openBlocker])).toMatchObject({ ok: false, passed: 0, skipped: 1 });
      expect(tallyValidation([passed, openBlocker, missingPath])).toMatchObject({ ok: false, not_run: 1, skipped: 1 });
      expect(tallyValidation([await run(failing({}))])).toMatchObject({ ok: false, failed: 1, not_run: 0 });
      expect(tallyValidation([])).toMatchObject({ ok: false, total: 0 });
    });
  });

  it('runTaskValidation records a command skipped by pre-flight, and its tally is not ok', async () => {
    await withTemp(async (root) => {
      await mkdir(join(root, 'tasks'));
      await writeFile(
        join(root, 'tasks/TASK-0003-needs-build.task.yaml'),
        completeTask(
          'TASK-0003',
          '    - id: unit-tests\n      command: ["node", "-e", "process.exit(1)"]\n      expected_paths: ["dist/index.js"]\n',
        ),
      );
      const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
      await initContext(ws, 'TASK-0003', { worktree: 'skip' });
      const { results, artifacts } = await runTaskValidation(ws, 'TASK-0003', { env: { PATH: process.env.PATH } });
      expect(results).toMatchObject([
        { id: 'unit-tests', status: 'skipped', skip_reason: 'expected path dist/index.js is missing', attempts: 0 },
      ]);
      expect(artifacts).toEqual([]);
      expect(tallyValidation(results)).toMatchObject({ ok: false, passed: 0, failed: 0, not_run: 1 });
    });
  });
});
