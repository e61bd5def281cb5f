// `st3 run` exit codes: a stage that fails on invalid configuration is 2, as the help and DESIGN.md say.
import { memoryIO, runCommand } from '@st3/cli-kit';
import { describe, expect, it } from 'vitest';
import { command as run } from '../src/commands/run.js';
import { tempWorkspace } from './temp-workspace.js';

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
