import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionRunMetrics, executionTotalsPath, loadExecutionTotals, type ExecutionEvent } from '../src/index.js';
import type { ExecutionTotals } from '@st3/schemas';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-run-metrics-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `name{k=v,...}` → value. */
function counters(totals: ExecutionTotals): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of totals.counters) {
    const labels = Object.keys(c.labels)
      .sort()
      .map((k) => `${k}=${c.labels[k]}`)
      .join(',');
    out[`${c.name}{${labels}}`] = c.value;
  }
  return out;
}

const histogram = (totals: ExecutionTotals, name: string, labels: Record<string, string> = {}) =>
  totals.histograms.find((h) => h.name === name && JSON.stringify(h.labels) === JSON.stringify(labels));

const stats = (durationMs: number, waves: number) => ({ durationMs, waves, total: 3, succeeded: 1, failed: 1 });

/** A clock the test moves by hand. */
function clock(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('the execution metrics of one run (ExecutionRunMetrics)', () => {
  it('count the events of a waves run into the totals file: runs, atoms, retries, waves, durations, tokens and cost', async () => {
    const file = executionTotalsPath(join(dir, 'waves'));
    const c = clock();
    const run = new ExecutionRunMetrics({
      file,
      backend: 'local',
      price: { prompt_per_million: 2, completion_per_million: 10 },
      now: c.now,
      flushEveryMs: 0,
    });
    const usage = { promptTokens: 1000, completionTokens: 200 };
    const events: ExecutionEvent[] = [
      { type: 'run:start', runId: 'run-1', total: 3, reused: 0 },
      { type: 'wave:start' },
      { type: 'node:start', id: 'a' },
      { type: 'node:success', durationMs: 1500, outcome: 'applied', confidence: 0.9, usage },
      { type: 'wave:start' },
      { type: 'node:start', id: 'b' },
      { type: 'node:retry', category: 'syntax' },
      { type: 'node:start', id: 'b' }, // its second attempt: the failure spans both
      { type: 'node:reuse' },
      { type: 'progress', running: 1 },
    ];
    for (const e of events) run.record(e);
    c.advance(4000);
    run.record({ type: 'node:failure', id: 'b', category: 'syntax', usage });
    run.record({ type: 'node:skip' });
    run.record({ type: 'run:end', status: 'failed', stats: stats(6000, 2) });
    expect(existsSync(file)).toBe(false); // nothing written before a flush
    await run.close();
    const t = await loadExecutionTotals(file);
    expect(counters(t)).toEqual({
      'st3_v2_runs_total{backend=local,status=failed}': 1,
      'st3_v2_atoms_generated_total{outcome=applied}': 1,
      'st3_v2_atoms_failed_total{category=syntax}': 1,
      'st3_v2_atoms_skipped_total{}': 1,
      'st3_v2_retries_total{category=syntax}': 1,
      'st3_v2_waves_executed_total{}': 2, // the barriers, not the plan's count again
      'st3_v2_tokens_total{kind=prompt}': 2000,
      'st3_v2_tokens_total{kind=completion}': 400,
      'st3_v2_cost_usd_total{}': expect.closeTo(0.008, 12),
    });
    expect(histogram(t, 'st3_v2_atom_duration_seconds', { status: 'failed' })).toMatchObject({ count: 1, sum: 4 });
    expect(histogram(t, 'st3_v2_execution_time_seconds', { backend: 'local', status: 'failed' })).toMatchObject({
      count: 1,
      sum: 6,
    });
    expect(histogram(t, 'st3_v2_confidence_score')).toMatchObject({ count: 1, sum: 0.9 });
    expect(t.lastRun).toMatchObject({ id: 'run-1', status: 'failed', precisionPercent: 50, costUsd: 0.008 });
  });

  it('count the waves of an eager run (no barriers) from its plan when it ends', async () => {
    const file = executionTotalsPath(join(dir, 'eager'));
    const run = new ExecutionRunMetrics({ file, backend: 'bullmq', flushEveryMs: 0 });
    run.record({ type: 'run:start', runId: 'run-2', total: 1, reused: 0 });
    run.record({ type: 'node:success', durationMs: 10 });
    run.record({ type: 'run:end', status: 'succeeded', stats: stats(10, 3) });
    await run.close();
    expect(counters(await loadExecutionTotals(file))).toEqual({
      'st3_v2_runs_total{backend=bullmq,status=succeeded}': 1,
      'st3_v2_atoms_generated_total{outcome=command}': 1,
      'st3_v2_waves_executed_total{}': 3,
    });
  });

  it('keep the counts of a failed write and add them, once, when the file can be written again', async () => {
    const file = executionTotalsPath(join(dir, 'blocked'));
    await mkdir(file, { recursive: true }); // a folder where the totals file goes: every write fails
    const run = new ExecutionRunMetrics({ file, backend: 'local', flushEveryMs: 0 });
    run.recorder.jobStalled();
    await expect(run.flush()).rejects.toThrow();
    run.recorder.jobStalled();
    await expect(run.close()).rejects.toThrow();
    // Not lost: still pending (what a live /metrics serves), and written by the next flush.
    expect(counters(run.recorder.withPending({ version: 1, updatedAt: '', counters: [], histograms: [] }))).toEqual({
      'st3_v2_jobs_stalled_total{}': 2,
    });
    await rm(file, { recursive: true });
    await run.flush();
    await run.flush(); // nothing new: nothing added twice
    expect(counters(await loadExecutionTotals(file))).toEqual({ 'st3_v2_jobs_stalled_total{}': 2 });
  });

  it('add the counts every flushEveryMs while the run goes, and serialize the writes', async () => {
    const file = executionTotalsPath(join(dir, 'periodic'));
    const run = new ExecutionRunMetrics({ file, backend: 'local', flushEveryMs: 20 });
    try {
      run.record({ type: 'run:start', runId: 'run-3', total: 2, reused: 0 });
      run.record({ type: 'node:success', durationMs: 5, outcome: 'queued' });
      await expect.poll(async () => (existsSync(file) ? await readFile(file, 'utf8') : '')).toContain('queued');
      for (let i = 0; i < 5; i++) run.recorder.retried('timeout');
      await Promise.all([run.flush(), run.flush(), run.flush()]);
    } finally {
      await run.close();
    }
    expect(counters(await loadExecutionTotals(file))).toEqual({
      'st3_v2_atoms_generated_total{outcome=queued}': 1,
      'st3_v2_retries_total{category=timeout}': 5,
    });
  });
});
