import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryIO } from '@st3/cli-kit';
import { describe, expect, it } from 'vitest';
import { stage } from '../src/index.js';
import { examples, json, makeWorkspace, st3Tasks } from './cli.js';

/** The example task as TASK-0003 with this validation pipeline (YAML list items, indented 4). */
async function taskWith(pipeline: string): Promise<Record<string, string>> {
  const text = (await readFile(join(examples, 'tasks/TASK-0001-example-evidence.task.yaml'), 'utf8'))
    .replaceAll('TASK-0001', 'TASK-0003')
    .replace(/ {2}pipeline:\n(?: {4}.*\n)+/, `  pipeline:\n${pipeline}`);
  return { 'TASK-0003-needs-build.task.yaml': text };
}

const UNIT_TESTS = `    - id: unit-tests
      command: ["node", "-e", "process.exit(1)"]
      description: Unit tests against the build
      expected_paths: ["dist/index.js"]
`;

type Doc = {
  ok: boolean;
  results: { id: string; status: string; skip_reason?: string }[];
  counts: { passed: number; failed: number; not_run: number; skipped: number };
};

describe('st3 tasks run-validation: a command that did not run is not a pass', () => {
  it('an expected path missing: not run, ok false, exit 1, and the summary says why', async () => {
    const ws = await makeWorkspace({ tasks: await taskWith(UNIT_TESTS) });
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0003')).code).toBe(0);
      const text = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0003');
      expect(text.code, text.stdout + text.stderr).toBe(1);
      expect(text.stdout).toBe(
        [
          'not run  unit-tests (expected path dist/index.js is missing)',
          '1 command(s): 0 passed, 0 failed, 1 not run (unit-tests: expected path dist/index.js is missing), 0 skipped; 0 output(s) kept as QA artifacts',
          '',
        ].join('\n'),
      );
      const doc = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0003', '--json');
      expect(doc.code).toBe(1);
      // The shape is kept (results with status skipped and the reason); ok and the counts say it did not run.
      expect(json<Doc>(doc)).toMatchObject({
        ok: false,
        task_id: 'TASK-0003',
        results: [{ id: 'unit-tests', status: 'skipped', skip_reason: 'expected path dist/index.js is missing' }],
        artifacts: [],
        counts: { passed: 0, failed: 0, not_run: 1, skipped: 0 },
      });

      // The st3 run stage is not green either.
      const { io } = memoryIO({ cwd: ws.dir, env: { PATH: process.env.PATH } });
      const report = await stage!.run({ root: ws.dir, io, dryRun: false, quiet: true });
      expect(report.ok).toBe(false);
      expect(report.summary).toMatch(
        /^TASK-0003: 0\/1 validation command\(s\) passed, 1 not run \(unit-tests: expected path dist\/index\.js is missing\); /,
      );
      expect(report.lines).toContain('not run unit-tests (expected path dist/index.js is missing)');
      expect(report.data).toMatchObject({ counts: { passed: 0, failed: 0, not_run: 1, skipped: 0 } });
    } finally {
      await ws.cleanup();
    }
  });

  it('a missing cwd is not run too; selecting only a command that passes is ok', async () => {
    const ws = await makeWorkspace({
      tasks: await taskWith(`    - id: in-pkg
      command: ["node", "--version"]
      cwd: packages/app
      description: In a folder that is not there
    - id: runtime
      command: ["node", "--version"]
      description: The runtime is available
`),
    });
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0003')).code).toBe(0);
      const all = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0003', '--json');
      expect(all.code).toBe(1);
      expect(json<Doc>(all)).toMatchObject({
        ok: false,
        results: [
          { id: 'in-pkg', status: 'skipped', skip_reason: 'cwd packages/app does not exist' },
          { id: 'runtime', status: 'passed' },
        ],
        counts: { passed: 1, failed: 0, not_run: 1, skipped: 0 },
      });
      // A command the user did not select is not part of the run.
      const one = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0003', '--command-id', 'runtime', '--json');
      expect(one.code).toBe(0);
      expect(json<Doc>(one)).toMatchObject({ ok: true, counts: { passed: 1, failed: 0, not_run: 0, skipped: 0 } });
    } finally {
      await ws.cleanup();
    }
  });

  it('a command waiting on its blocker task is neutral, and the summary does not call it passed', async () => {
    // The blocker is a real task still in progress: a blocker id that names no task is a failure
    // (see run-validation-truth.test.ts).
    const blocker = (await readFile(join(examples, 'tasks/TASK-0001-example-evidence.task.yaml'), 'utf8'))
      .replaceAll('TASK-0001', 'TASK-0009')
      .replace('status: todo', 'status: in_progress');
    const ws = await makeWorkspace({
      tasks: {
        'TASK-0009-later.task.yaml': blocker,
        ...(await taskWith(`    - id: runtime
      command: ["node", "--version"]
      description: The runtime is available
    - id: after-0009
      command: ["node", "-e", "process.exit(1)"]
      blocker_id: TASK-0009
      description: Runs once TASK-0009 is completed
`)),
      },
    });
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0003')).code).toBe(0);
      const text = await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0003');
      expect(text.code, text.stdout + text.stderr).toBe(0);
      expect(text.stdout).toContain('skipped  after-0009 (blocker TASK-0009 is in_progress, not completed)\n');
      expect(text.stdout).toContain(
        '2 command(s): 1 passed, 0 failed, 0 not run, 1 skipped (waiting on a blocker task, not checked); ',
      );
      const doc = json<Doc>(await st3Tasks(ws.dir, 'tasks', 'run-validation', 'TASK-0003', '--json'));
      expect(doc).toMatchObject({ ok: true, counts: { passed: 1, failed: 0, not_run: 0, skipped: 1 } });

      const { io } = memoryIO({ cwd: ws.dir, env: { PATH: process.env.PATH } });
      const report = await stage!.run({ root: ws.dir, io, dryRun: false, quiet: true });
      expect(report.ok).toBe(true);
      expect(report.summary).toMatch(
        /^TASK-0003: 1\/2 validation command\(s\) passed, 1 skipped \(waiting on a blocker task\); /,
      );
    } finally {
      await ws.cleanup();
    }
  });
});
