import { dashboardData, rollup, taskMetrics, type DashboardData } from '../src/index.js';
import { fakeCollector } from './helpers.js';

/** A dashboard with every panel filled: two tasks, three runs, gates, atomizer and executor metrics. */
export function sampleDashboard(): DashboardData {
  const c = fakeCollector('coder', 'TASK-0101');
  c.fileRead('src/a.ts', 4000);
  c.cacheHit(2000);
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
  const t1 = taskMetrics('TASK-0101', records, { qa: { expected: 3, recorded: 3 } }, new Date('2026-03-03T10:00:00Z'));
  const t2 = taskMetrics(
    'TASK-0102 <b>',
    [fakeCollector('x', 'TASK-0102').snapshot()],
    {},
    new Date('2026-03-03T10:00:00Z'),
  );
  const runs = ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z'].map((at) => rollup([t1], new Date(at)));
  return dashboardData({
    title: 'ST3 metrics — example',
    current: rollup([t1, t2], new Date('2026-03-03T10:00:00Z')),
    history: runs,
    records,
    now: new Date('2026-03-03T10:00:00Z'),
  });
}
