import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { recordTelemetry } from '@st3/telemetry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, collectTasks, metricsPaths } from '../src/index.js';

const TELEMETRY_CRITERIA = ['file_reads_per_agent', 'repeated_warnings', 'prompt_size_savings', 'json_parse_failures'];

async function st3(cwd: string, ...argv: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd, env: { NO_COLOR: '1' } });
  const code = await runCli(cli, argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** Telemetry of an agent of a task that meets every telemetry criterion. */
async function goodTelemetry(root: string, task: string): Promise<void> {
  await recordTelemetry({ dir: join(root, '.st3/tasks', task), agent: 'coder', taskId: task }, (c) => {
    c.fileRead('src/a.ts', 10);
    c.prompt(800, 1000);
    c.jsonParse('agent', true);
  });
}

describe('st3 metrics: what was not measured is never a pass nor "no regression"', () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'st3-unmeasured-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('compare: criteria measured in the baseline and not measured now are regressions (exit 1, ok false)', async () => {
    await goodTelemetry(root, 'TASK-0001');
    // A second agent whose file stays readable: the task's measures alone would judge file reads again.
    await recordTelemetry({ dir: join(root, '.st3/tasks/TASK-0001'), agent: 'reviewer', taskId: 'TASK-0001' }, (c) =>
      c.fileRead('src/b.ts', 10),
    );
    const metrics = join(root, '.st3/tasks/TASK-0001/metrics.json');
    expect((await st3(root, 'metrics', 'collect', 'TASK-0001', '-q')).code).toBe(1); // no QA: incomplete
    await copyFile(metrics, join(root, 'base.json'));
    await writeFile(join(root, '.st3/tasks/TASK-0001/telemetry-coder.json'), '{ broken');
    expect((await st3(root, 'metrics', 'collect', 'TASK-0001', '-q')).code).toBe(1);

    const text = await st3(root, 'metrics', 'compare', 'base.json', metrics);
    expect(text.code, text.stdout + text.stderr).toBe(1);
    expect(text.stdout).not.toContain('no regression');
    for (const id of TELEMETRY_CRITERIA) {
      expect(text.stdout).toMatch(new RegExp(`${id}\\s.*\\[met → not measured\\]`));
      expect(text.stdout).toContain(`regression: ${id} no longer measured (met at`);
      expect(text.stdout).toContain(`regression: TASK-0001: ${id} no longer measured`);
    }
    const doc = await st3(root, 'metrics', 'compare', 'base.json', metrics, '--json');
    expect(doc.code).toBe(1);
    const r = JSON.parse(doc.stdout);
    expect(r).toMatchObject({ ok: false, baseline_verdict: 'incomplete', current_verdict: 'incomplete' });
    // The keys of before, nothing else: the MCP tool metrics_compare declares exactly these.
    expect(Object.keys(r).sort()).toEqual([
      'baseline_verdict',
      'current_verdict',
      'deltas',
      'ok',
      'regressions',
      'tasks',
    ]);
    for (const x of r.regressions)
      expect(Object.keys(x).sort()).toEqual(x.task ? ['criterion', 'message', 'task'] : ['criterion', 'message']);
    expect(
      r.regressions.filter((x: { task?: string }) => !x.task).map((x: { criterion: string }) => x.criterion),
    ).toEqual(TELEMETRY_CRITERIA);
    // The same measured file on both sides: nothing changed, no regression. (The current file measured
    // nothing at all: compared with itself it compares nothing, see below.)
    const same = await st3(root, 'metrics', 'compare', 'base.json', 'base.json');
    expect([same.code, same.stdout.trim().split('\n').at(-1)]).toEqual([0, 'no regression']);
    expect((await st3(root, 'metrics', 'compare', metrics, metrics)).code).toBe(1);
  });

  it('collect across tasks: a task without telemetry leaves its criteria not measured, naming it', async () => {
    await goodTelemetry(root, 'TASK-0001');
    // TASK-0002: an agent that only logged a warning (no file read, prompt or JSON parse).
    await recordTelemetry({ dir: join(root, '.st3/tasks/TASK-0002'), agent: 'tester', taskId: 'TASK-0002' }, (c) =>
      c.warn('warning', 'once'),
    );
    const paths = await metricsPaths(root);
    const alone = await collectTasks(paths, ['TASK-0001'], { write: false });
    const status = (criteria: { id: string; status?: string }[]) =>
      Object.fromEntries(criteria.map((c) => [c.id, c.status]));
    expect(status(alone.pilot.criteria)).toMatchObject({
      file_reads_per_agent: 'met',
      prompt_size_savings: 'met',
      json_parse_failures: 'met',
    });

    const both = await collectTasks(paths, ['TASK-0001', 'TASK-0002'], { write: false });
    expect(both.pilot.verdict).toBe('incomplete');
    const byId = Object.fromEntries(both.pilot.criteria.map((c) => [c.id, c]));
    for (const [id, why] of [
      ['file_reads_per_agent', 'no agent recorded a file read or a cache hit'],
      ['prompt_size_savings', 'no prompt size recorded'],
      ['json_parse_failures', 'no JSON parse counted'],
    ] as const) {
      expect(byId[id], id).toMatchObject({ status: 'not measured', value: null, target_met: null });
      expect(byId[id]!.detail, id).toMatch(new RegExp(`^not measured: TASK-0002: not measured \\(${why}\\)`));
    }
    // Both tasks logged warnings: that criterion is measured on both.
    expect(byId.repeated_warnings!.status).toBe('met');
    // The text report shows the detail.
    const text = await st3(root, 'metrics', 'collect', 'TASK-0001', 'TASK-0002');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^pilot is incomplete: 1\/5 criteria met; not measured: /m);
    expect(text.stdout).toContain('TASK-0002: not measured (no agent recorded a file read or a cache hit)');
    expect(JSON.parse(await readFile(join(root, '.st3/tasks/TASK-0002/metrics.json'), 'utf8')).verdict).toBe(
      'incomplete',
    );
  });

  it('compare: a baseline that measured nothing compares nothing, never "no regression" (0 of 0)', async () => {
    // The dashboard of a workspace with no task yet: its rollup measured no criterion.
    expect((await st3(root, 'metrics', 'dashboard', '--out', 'empty', '-q')).code).toBe(0);
    await goodTelemetry(root, 'TASK-0001');
    expect((await st3(root, 'metrics', 'collect', 'TASK-0001', '-q')).code).toBe(1); // no QA: incomplete
    const metrics = '.st3/tasks/TASK-0001/metrics.json';
    for (const current of [metrics, 'empty/rollup.json']) {
      const text = await st3(root, 'metrics', 'compare', 'empty/rollup.json', current);
      expect(text.code, current).toBe(1);
      expect(text.stdout).not.toContain('no regression');
      expect(text.stdout).toContain('regression: not compared: the baseline measured no criterion (0 task(s)');
      const doc = JSON.parse((await st3(root, 'metrics', 'compare', 'empty/rollup.json', current, '--json')).stdout);
      expect(doc.ok).toBe(false);
      expect(doc.regressions.map((r: { criterion: string }) => r.criterion)).toEqual(['baseline']);
    }
    // A baseline that measured something is compared as before.
    expect((await st3(root, 'metrics', 'compare', metrics, metrics)).code).toBe(0);
  });
});
