import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordTelemetry } from '@st3/telemetry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectedRollup, collectReport, collectTasks, loadMetricsFile, metricsPaths } from '../src/index.js';

const TELEMETRY_CRITERIA = ['file_reads_per_agent', 'repeated_warnings', 'prompt_size_savings', 'json_parse_failures'];
const statusOf = (criteria: readonly { id: string; status?: string }[]) =>
  Object.fromEntries(criteria.map((c) => [c.id, c.status]));

/** Telemetry of two agents of a task that meets every telemetry criterion. */
async function goodTelemetry(root: string, task: string): Promise<void> {
  const dir = join(root, '.st3/tasks', task);
  await recordTelemetry({ dir, agent: 'coder', taskId: task }, (c) => {
    c.fileRead('src/a.ts', 10);
    c.prompt(800, 1000);
    c.jsonParse('agent', true);
  });
  await recordTelemetry({ dir, agent: 'reviewer', taskId: task }, (c) => c.fileRead('src/b.ts', 10));
}

/** Cuts a telemetry file in half: no longer JSON. */
async function truncate(file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
}

describe('st3 metrics collect: a telemetry file that cannot be read', () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'st3-collect-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('makes the criteria telemetry feeds not measured (never judged on the other agents alone)', async () => {
    await goodTelemetry(root, 'TASK-0001');
    const paths = await metricsPaths(root);
    const before = await collectTasks(paths, ['TASK-0001']);
    for (const id of TELEMETRY_CRITERIA) expect(statusOf(before.pilot.criteria)[id], id).toBe('met');
    expect(before.warnings).toEqual([]);

    await truncate(join(root, '.st3/tasks/TASK-0001/telemetry-reviewer.json'));
    const after = await collectTasks(paths, ['TASK-0001']);
    // The located warning is kept.
    expect(after.warnings).toEqual([
      expect.objectContaining({
        code: 'E_PARSE',
        severity: 'warning',
        file: expect.stringMatching(/telemetry-reviewer\.json$/),
        line: expect.any(Number),
      }),
    ]);
    const task = after.tasks[0]!;
    for (const criteria of [task.criteria, after.pilot.criteria]) {
      const status = statusOf(criteria);
      for (const id of TELEMETRY_CRITERIA) expect(status[id], id).toBe('not measured');
      for (const c of criteria.filter((x) => TELEMETRY_CRITERIA.includes(x.id))) {
        expect(c).toMatchObject({ value: null, target_met: null });
        expect(c.detail).toMatch(/^not measured: .*telemetry-reviewer\.json \(E_PARSE\) could not be read/);
      }
    }
    expect(task.verdict).toBe('incomplete');
    expect(after.pilot).toMatchObject({ verdict: 'incomplete', met: 0, missed: 0, not_measured: 5 });
    expect(after.pilot.summary).toMatch(/^pilot is incomplete: 0\/5 criteria met; not measured: /);
    // metrics.json says so too.
    const stored = JSON.parse(await readFile(join(root, '.st3/tasks/TASK-0001/metrics.json'), 'utf8'));
    expect(stored.verdict).toBe('incomplete');
    expect(statusOf(stored.criteria).file_reads_per_agent).toBe('not measured');
    // Read back as a baseline (`--baseline`, `st3 metrics compare`), it keeps that verdict.
    const reread = await loadMetricsFile(join(root, '.st3/tasks/TASK-0001/metrics.json'));
    expect(reread.pilot).toMatchObject({ verdict: 'incomplete', summary: after.pilot.summary });
    expect(statusOf(reread.pilot!.criteria)).toEqual(statusOf(after.pilot.criteria));
  });

  it('across tasks: one task with an unreadable file leaves the pilot incomplete, and its rollup keeps that pilot', async () => {
    await goodTelemetry(root, 'TASK-0001');
    await goodTelemetry(root, 'TASK-0002');
    await writeFile(join(root, '.st3/tasks/TASK-0002/telemetry-tester.json'), '{"schema_version": "1.0", ');
    const paths = await metricsPaths(root);
    const collected = await collectTasks(paths, ['TASK-0001', 'TASK-0002'], { write: false });
    expect(collected.tasks.map((t) => t.verdict)).toEqual(['incomplete', 'incomplete']); // 0001: no QA, 0002: telemetry
    expect(statusOf(collected.tasks[0]!.criteria).file_reads_per_agent).toBe('met');
    expect(statusOf(collected.tasks[1]!.criteria).file_reads_per_agent).toBe('not measured');
    for (const id of TELEMETRY_CRITERIA) expect(statusOf(collected.pilot.criteria)[id], id).toBe('not measured');
    expect(collected.pilot.criteria.find((c) => c.id === 'json_parse_failures')!.detail).toContain(
      'TASK-0002/telemetry-tester.json',
    );
    expect(collectedRollup(collected).pilot).toEqual(collected.pilot);
  });

  it('collectReport: the document of --json, ok only on pass; an unknown task writes nothing', async () => {
    await goodTelemetry(root, 'TASK-0001');
    const paths = await metricsPaths(root);
    const { report } = await collectReport(paths, ['task-0001']);
    expect(report).toMatchObject({
      ok: false,
      task_id: 'TASK-0001',
      verdict: 'incomplete', // no task context: QA coverage is not measured
      files: [join('.st3', 'tasks', 'TASK-0001', 'metrics.json')],
    });
    expect(report.criteria).toEqual(report.pilot.criteria);
    await expect(collectReport(paths, ['TASK-0001', 'TASK-9999'])).rejects.toMatchObject({
      code: 'E_CONTEXT_NOT_FOUND',
    });
    expect(existsSync(join(root, '.st3/tasks/TASK-9999'))).toBe(false);
  });
});
