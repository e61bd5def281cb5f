import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addExecutionTotals,
  alertRules,
  alertRulesYaml,
  EXECUTION_METRICS,
  ExecutionRecorder,
  executionRegistry,
  executionTotalsPath,
  grafanaDashboard,
  loadExecutionTotals,
  reviewQueueSizes,
  seriesNames,
  serveMetrics,
  type AtomOutcome,
} from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-exec-metrics-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** promtool is a real tool the tests need: missing under CI is a failure, locally a skip with the reason. */
function promtool(): string | undefined {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (r.status === 0) return 'promtool';
  if (process.env.CI) throw new Error('promtool is not installed (Debian: apt-get install prometheus); CI needs it');
  return undefined;
}

/** `name{labels} value` lines of a Prometheus exposition, as a map. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const atom = (status: 'succeeded' | 'failed', extra: Partial<AtomOutcome> = {}): AtomOutcome => ({
  status,
  durationMs: 1500,
  ...(status === 'failed' ? { category: 'syntax' } : { outcome: 'applied' }),
  ...extra,
});

describe('execution metrics', () => {
  it('accumulate across runs in the totals file: a run adds, nothing resets', async () => {
    const file = executionTotalsPath(join(dir, 'ws1'));
    for (let run = 1; run <= 3; run++) {
      const r = new ExecutionRecorder({ backend: run === 2 ? 'bullmq' : 'local' });
      r.runStarted({ id: `run-${run}`, total: 3, reused: 0 });
      r.atomFinished(atom('succeeded', { confidence: 0.9 }));
      r.atomFinished(atom('succeeded', { confidence: 0.6, outcome: 'queued' }));
      r.retried('syntax');
      r.atomFinished(atom('failed'));
      r.waveExecuted();
      r.runFinished({ status: 'failed', durationMs: 65_000 });
      await addExecutionTotals(file, r.takeDelta());
    }
    const totals = await loadExecutionTotals(file);
    const text = await executionRegistry({ totals }).metrics();
    const s = samples(text);
    expect(s.get('st3_v2_atoms_generated_total{outcome="applied"}')).toBe(3);
    expect(s.get('st3_v2_atoms_generated_total{outcome="queued"}')).toBe(3);
    expect(s.get('st3_v2_atoms_failed_total{category="syntax"}')).toBe(3);
    expect(s.get('st3_v2_retries_total{category="syntax"}')).toBe(3);
    expect(s.get('st3_v2_waves_executed_total')).toBe(3);
    expect(s.get('st3_v2_runs_total{status="failed",backend="local"}')).toBe(2);
    expect(s.get('st3_v2_runs_total{status="failed",backend="bullmq"}')).toBe(1);
    expect(s.get('st3_v2_execution_time_seconds_bucket{backend="local",status="failed",le="60"}')).toBe(0);
    expect(s.get('st3_v2_execution_time_seconds_bucket{backend="local",status="failed",le="300"}')).toBe(2);
    expect(s.get('st3_v2_confidence_score_bucket{le="0.7"}')).toBe(3);
    expect(s.get('st3_v2_confidence_score_count')).toBe(6);
    // The last run's precision: 2 of 3 atoms validated.
    expect(s.get('st3_v2_precision_percent')).toBeCloseTo(66.667, 2);
    // No price configured: no cost series at all (not a made-up zero).
    expect(text).not.toMatch(/st3_v2_cost/);
  });

  it('loses no addition when runs add to the totals at the same time (locked read-add-write)', async () => {
    const file = executionTotalsPath(join(dir, 'ws2'));
    await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const r = new ExecutionRecorder({ backend: 'local' });
        r.runStarted({ id: `r${i}`, total: 1, reused: 0 });
        r.atomFinished(atom('succeeded'));
        r.runFinished({ status: 'succeeded', durationMs: 10 });
        await addExecutionTotals(file, r.takeDelta());
      }),
    );
    const s = samples(await executionRegistry({ totals: await loadExecutionTotals(file) }).metrics());
    expect(s.get('st3_v2_atoms_generated_total{outcome="applied"}')).toBe(12);
    expect(s.get('st3_v2_runs_total{status="succeeded",backend="local"}')).toBe(12);
  });

  it('totals equal the sum of every run whatever the flush points (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.tuple(fc.boolean(), fc.boolean()), { maxLength: 8 }), { minLength: 1, maxLength: 4 }),
        async (runs) => {
          const file = executionTotalsPath(join(dir, `prop-${n++}`));
          let ok = 0;
          let failed = 0;
          let last = 0;
          for (const [i, events] of runs.entries()) {
            const r = new ExecutionRecorder({ backend: 'local' });
            r.runStarted({ id: `r${i}`, total: events.length, reused: 0 });
            for (const [succeeded, flushNow] of events) {
              r.atomFinished(atom(succeeded ? 'succeeded' : 'failed'));
              if (succeeded) ok++;
              else failed++;
              if (flushNow) await addExecutionTotals(file, r.takeDelta());
              const s = samples(
                await executionRegistry({ totals: r.withPending(await loadExecutionTotals(file)) }).metrics(),
              );
              const seen =
                (s.get('st3_v2_atoms_generated_total{outcome="applied"}') ?? 0) +
                (s.get('st3_v2_atoms_failed_total{category="syntax"}') ?? 0);
              // What a scrape shows mid-run is exact and never goes down.
              expect(seen).toBe(ok + failed);
              expect(seen).toBeGreaterThanOrEqual(last);
              last = seen;
            }
            r.runFinished({ status: 'succeeded', durationMs: 1 });
            await addExecutionTotals(file, r.takeDelta());
          }
          const s = samples(await executionRegistry({ totals: await loadExecutionTotals(file) }).metrics());
          expect(s.get('st3_v2_atoms_generated_total{outcome="applied"}') ?? 0).toBe(ok);
          expect(s.get('st3_v2_atoms_failed_total{category="syntax"}') ?? 0).toBe(failed);
          expect(s.get('st3_v2_runs_total{status="succeeded",backend="local"}')).toBe(runs.length);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('measure cost from reported tokens at a configured price, and only then', async () => {
    const r = new ExecutionRecorder({ backend: 'local', price: { prompt_per_million: 2, completion_per_million: 8 } });
    r.runStarted({ id: 'priced', total: 2, reused: 0 });
    r.atomFinished(atom('succeeded', { usage: { promptTokens: 1_000_000, completionTokens: 250_000 } }));
    r.atomFinished(atom('succeeded', { usage: { promptTokens: 500_000, completionTokens: 0 } }));
    const live = samples(
      await executionRegistry({
        totals: r.withPending(await loadExecutionTotals(join(dir, 'none.json'))),
        live: r.live(),
      }).metrics(),
    );
    expect(live.get('st3_v2_cost_per_project_usd')).toBeCloseTo(5, 6);
    expect(live.get('st3_v2_cost_usd_total')).toBeCloseTo(5, 6);
    expect(live.get('st3_v2_tokens_total{kind="prompt"}')).toBe(1_500_000);
    expect(live.get('st3_v2_parallel_atoms')).toBe(0);
    expect(live.get('st3_v2_run_progress_ratio')).toBe(1);
    // Priced but no agent reported usage (command nodes): cost is not measured.
    const unmeasured = new ExecutionRecorder({
      backend: 'local',
      price: { prompt_per_million: 2, completion_per_million: 8 },
    });
    unmeasured.runStarted({ id: 'cmd', total: 1, reused: 0 });
    unmeasured.atomFinished(atom('succeeded', { outcome: undefined }));
    expect(unmeasured.runCostUsd()).toBeUndefined();
  });

  it('serve live through the telemetry sink next to the telemetry records, and pass promtool check metrics', async () => {
    const r = new ExecutionRecorder({ backend: 'bullmq' });
    r.runStarted({ id: 'live', total: 4, reused: 1 });
    r.atomFinished(atom('succeeded'));
    r.parallel = 2;
    r.queue = { waiting: 3, active: 2, delayed: 0, failed: 0 };
    r.workers = 3;
    const served = await serveMetrics({
      port: 0,
      load: async () => [],
      extra: async () =>
        executionRegistry({
          totals: r.withPending(await loadExecutionTotals(join(dir, 'no.json'))),
          live: r.live(),
          reviewQueue: { critical: 1, low: 2 },
        }),
    });
    try {
      const text = await (await fetch(served.url)).text();
      const s = samples(text);
      expect(s.get('st3_v2_parallel_atoms')).toBe(2);
      expect(s.get('st3_v2_queue_jobs{state="waiting"}')).toBe(3);
      expect(s.get('st3_v2_workers')).toBe(3);
      expect(s.get('st3_v2_run_progress_ratio')).toBe(0.5);
      expect(s.get('st3_v2_review_queue_size{level="critical"}')).toBe(1);
      expect(s.get('st3_v2_review_queue_size{level="high"}')).toBe(0);
      const tool = promtool();
      if (tool) {
        const check = spawnSync(tool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
        expect(check.stdout + check.stderr).toBe('');
        expect(check.status).toBe(0);
      }
    } finally {
      await served.close();
    }
  });

  it('count the review queue by confidence level (pending and in review only)', async () => {
    const root = join(dir, 'review-ws');
    await mkdir(join(root, '.st3', 'review'), { recursive: true });
    expect(await reviewQueueSizes(root)).toEqual({ critical: 0, low: 0, medium: 0, high: 0 });
    const item = (id: string, status: string, level: string) => ({
      id,
      nodeId: id,
      language: 'python',
      code: 'x = 1',
      confidence: { score: 0.5, level },
      priority: 50,
      status,
      issues: [],
      history: [],
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    });
    await writeFile(
      join(root, '.st3', 'review', 'queue.json'),
      JSON.stringify({
        version: 1,
        items: [item('a', 'pending', 'critical'), item('b', 'in_review', 'low'), item('c', 'approved', 'low')],
      }),
    );
    expect(await reviewQueueSizes(root)).toEqual({ critical: 1, low: 1, medium: 0, high: 0 });
    await writeFile(join(root, '.st3', 'review', 'queue.json'), '{not json');
    expect(await reviewQueueSizes(root)).toBeUndefined();
  });
});

describe('alert rules and the Grafana dashboard', () => {
  const known = seriesNames();
  const metricsOf = (expr: string) => [...expr.matchAll(/\b(st3_[a-z0-9_]+|up)\b(?!\s*\()/g)].map((m) => m[1]!);

  it('are 15 rules over defined metrics, and pass promtool check rules', async () => {
    const rules = alertRules();
    expect(rules).toHaveLength(15);
    for (const r of rules)
      for (const m of metricsOf(r.expr)) expect(m === 'up' || known.has(m), `${r.alert}: ${m}`).toBe(true);
    const names = rules.map((r) => r.alert);
    expect(names).toEqual(
      expect.arrayContaining([
        'ST3PrecisionBelowTarget',
        'ST3RunTooLong',
        'ST3AtomFailureRateHigh',
        'ST3ReviewQueueGrowing',
        'ST3NoWorkers',
      ]),
    );
    expect(rules.find((r) => r.alert === 'ST3PrecisionBelowTarget')!.expr).toMatch(/< 95$/);
    expect(rules.find((r) => r.alert === 'ST3RunTooLong')!.expr).toMatch(/> 7200$/);
    expect(rules.find((r) => r.alert === 'ST3AtomFailureRateHigh')!.expr).toMatch(/> 0\.05$/);
    const file = join(dir, 'rules.yml');
    await writeFile(file, alertRulesYaml({ precisionPercent: 97 }));
    const tool = promtool();
    if (tool) {
      const out = execFileSync(tool, ['check', 'rules', file], { encoding: 'utf8' });
      expect(out).toMatch(/SUCCESS: 15 rules found/);
    }
  });

  it('has 12 panels, each querying defined metrics, laid out on the 24-column grid without overlap', () => {
    const dashboard = grafanaDashboard() as {
      panels: {
        id: number;
        gridPos: { x: number; y: number; w: number; h: number };
        targets: { expr: string; refId: string }[];
        datasource: { uid: string };
      }[];
      templating: { list: { name: string }[] };
    };
    expect(dashboard.panels).toHaveLength(12);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(12);
    const used = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.targets.length).toBeGreaterThan(0);
      expect(p.datasource.uid).toBe('${datasource}');
      for (const t of p.targets)
        for (const m of metricsOf(t.expr)) {
          expect(known.has(m), `panel ${p.id}: ${m}`).toBe(true);
          used.add(m.replace(/_(bucket|sum|count)$/, ''));
        }
      expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    }
    for (const a of dashboard.panels)
      for (const b of dashboard.panels) {
        if (a === b) continue;
        const overlap =
          a.gridPos.x < b.gridPos.x + b.gridPos.w &&
          b.gridPos.x < a.gridPos.x + a.gridPos.w &&
          a.gridPos.y < b.gridPos.y + b.gridPos.h &&
          b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `panels ${a.id} and ${b.id} overlap`).toBe(false);
      }
    expect(dashboard.templating.list.map((v) => v.name)).toContain('datasource');
    // The seed's named metrics are all on the dashboard.
    for (const m of [
      'st3_v2_execution_time_seconds',
      'st3_v2_atoms_generated_total',
      'st3_v2_atoms_failed_total',
      'st3_v2_waves_executed_total',
      'st3_v2_parallel_atoms',
      'st3_v2_precision_percent',
      'st3_v2_cost_per_project_usd',
    ])
      expect(used.has(m), m).toBe(true);
    expect(EXECUTION_METRICS.length).toBeGreaterThanOrEqual(17);
  });
});
