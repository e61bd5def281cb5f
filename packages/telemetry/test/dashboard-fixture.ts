import { dashboardData, rollup, taskMetrics, type DashboardData } from '../src/index.js';
import { fakeCollector } from './helpers.js';

/**
 * A dashboard with every panel filled: two tasks, a baseline run, three earlier runs seconds apart,
 * gates, atomizer and executor metrics.
 */
export function sampleDashboard(): DashboardData {
  const c = fakeCollector('coder', 'TASK-0101');
  c.fileRead('src/a.ts', 4000);
  c.cacheHit(2000, 'task_snapshot');
  c.prompt(850, 1000);
  c.jsonParse('qa:eslint-json', true);
  for (const [gate, ms] of [
    ['eslint', 1200],
    ['tsc', 3400],
    ['ruff <fmt>', 150],
  ] as const)
    c.observe('gates.duration_ms', ms, { gate });
  c.count('atomizer.files', 120);
  c.count('atomizer.bytes', 3_500_000);
  c.count('atomizer.atoms', 2400);
  c.observe('atomizer.parse_ms', 700);
  c.count('executor.nodes', 40);
  c.count('executor.attempts', 52);
  c.count('executor.retries', 12);
  c.count('executor.failed', 1);
  const records = [c.snapshot()];
  const at = new Date('2026-03-03T10:00:05Z');
  const t1 = taskMetrics('TASK-0101', records, { qa: { expected: 3, covered: 3 } }, at);
  const reader = fakeCollector('x', 'TASK-0102');
  for (let i = 0; i < 9; i++) reader.fileRead(`f${i}`, 10);
  const t2 = taskMetrics('TASK-0102 <b>', [reader.snapshot()], { qa: { expected: 2, covered: 1 } }, at);
  // Earlier runs 0, 2 and 3 seconds past 10:00: a time axis must keep them apart.
  const runs = ['2026-03-03T10:00:00Z', '2026-03-03T10:00:02Z', '2026-03-03T10:00:03Z'].map((t) =>
    rollup([t1], new Date(t)),
  );
  const before = fakeCollector('coder', 'TASK-0101');
  for (let i = 0; i < 22; i++) before.fileRead(`f${i}`, 100);
  before.prompt(1000, 1000);
  const baselineAt = new Date('2026-03-01T09:00:00Z');
  const baseline = rollup([taskMetrics('TASK-0101', [before.snapshot()], {}, baselineAt)], baselineAt);
  return dashboardData({
    title: 'ST3 metrics — example',
    current: rollup([t1, t2], at),
    history: runs,
    records,
    baseline: { rollup: baseline, label: 'pilot-baseline.json' },
    now: at,
  });
}
