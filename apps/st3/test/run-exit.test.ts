// `st3 run` exit codes: a stage that fails on invalid configuration is 2, as the help and DESIGN.md say.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryIO, runCommand } from '@st3/cli-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { command as run } from '../src/commands/run.js';

// Temp folders inside the package, not the system temp folder: a stray /tmp/.st3 would count as a workspace.
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function tempWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(import.meta.dirname, '..', '.tmp-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('st3 run exit code of a failed stage', () => {
  it('an invalid .st3/config/tasks.yaml fails the tasks stage with exit 2 (configuration), not 1', async () => {
    const root = tempWorkspace({ '.st3/config/tasks.yaml': 'task_dirs: 3\n' });
    const m = memoryIO({ cwd: root });
    expect(await runCommand(run, ['--only', 'tasks', '--json', '--dry-run'], m.io)).toBe(2);
    expect(JSON.parse(m.stdout())).toMatchObject({
      ok: false,
      stages: [{ stage: 'tasks', ok: false, data: { error: { code: 'E_CONFIG_INVALID' } } }],
    });
  });

  it('a stage that found problems (an invalid task file) is still 1', async () => {
    const root = tempWorkspace({
      '.st3/config/tasks.yaml': 'task_dirs: [tasks]\n',
      'tasks/TASK-0001-x.task.yaml': 'schema_version: "1.1"\nid: TASK-0001\ntitle: ""\n',
    });
    const m = memoryIO({ cwd: root });
    expect(await runCommand(run, ['--only', 'tasks', '--json', '--dry-run'], m.io)).toBe(1);
    expect(JSON.parse(m.stdout())).toMatchObject({ ok: false, stages: [{ stage: 'tasks', ok: false }] });
  });
});
