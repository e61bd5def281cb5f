// `st3 run --only`: a run that did not do what was asked is never ok (no false greens).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { memoryIO, runCommand } from '@st3/cli-kit';
import { describe, expect, it } from 'vitest';
import { command as run } from '../src/commands/run.js';
import { tempWorkspace } from './temp-workspace.js';

describe('st3 run --only', () => {
  it('an --only naming no stage ("", ",") is E_USAGE (exit 2), not an ok run of nothing', async () => {
    const root = tempWorkspace({ '.st3/state.json': '{}' });
    for (const only of ['', ',', ' , ']) {
      const m = memoryIO({ cwd: root });
      expect(await runCommand(run, ['--only', only, '--json'], m.io)).toBe(2);
      expect(JSON.parse(m.stdout())).toMatchObject({
        ok: false,
        error: { code: 'E_USAGE', message: '--only names no stage', hint: expect.stringContaining('config, scaffold') },
      });
    }
  });

  it('a stage asked for that was skipped (no quality.yaml) makes the run not ok, exit 1', async () => {
    const root = tempWorkspace({ '.st3/state.json': '{}' });
    const m = memoryIO({ cwd: root });
    expect(await runCommand(run, ['--only', 'config,gates', '--json', '--dry-run'], m.io)).toBe(1);
    expect(JSON.parse(m.stdout())).toMatchObject({
      ok: false,
      not_run: ['gates'],
      stages: [
        { stage: 'config', ok: true, summary: '1 file(s) valid' },
        { stage: 'gates', ok: true, skipped: true },
      ],
    });
    const text = memoryIO({ cwd: root, env: { NO_COLOR: '1' } });
    expect(await runCommand(run, ['--only', 'gates', '--dry-run'], text.io)).toBe(1);
    expect(text.stdout().trim().split('\n').at(-1)).toBe('asked for with --only but skipped: gates');
  });

  it('an empty .st3/ is a skipped config stage ("-"), never "✓ 0 file(s) valid"', async () => {
    const root = tempWorkspace({});
    mkdirSync(join(root, '.st3'));
    const m = memoryIO({ cwd: root, env: { NO_COLOR: '1' } });
    expect(await runCommand(run, ['--only', 'config'], m.io)).toBe(1);
    expect(m.stdout()).toContain('- config   skipped: no ST3 file under .st3/ to validate\n');
    expect(m.stdout()).not.toContain('✓');
    const j = memoryIO({ cwd: root });
    await runCommand(run, ['--only', 'config', '--json'], j.io);
    expect(JSON.parse(j.stdout())).toMatchObject({
      ok: false,
      not_run: ['config'],
      stages: [{ stage: 'config', ok: true, skipped: true, data: { files: [] } }],
    });
  });
});

describe('st3 run: the telemetry saved before the metrics stage', () => {
  it('a save that fails (.st3/telemetry is a file) fails the metrics stage, typed; the run report is kept', async () => {
    const root = tempWorkspace({ '.st3/state.json': '{}', '.st3/telemetry': 'not a folder\n' });
    const m = memoryIO({ cwd: root });
    expect(await runCommand(run, ['--only', 'config,metrics', '--json'], m.io)).toBe(1);
    expect(JSON.parse(m.stdout())).toMatchObject({
      ok: false,
      stages: [
        { stage: 'config', ok: true },
        {
          stage: 'metrics',
          ok: false,
          summary: expect.stringMatching(/^failed: cannot save this run's telemetry: E_WRITE /),
          data: { error: { code: 'E_WRITE', file: join(root, '.st3', 'telemetry') } },
        },
      ],
    });
  });
});
