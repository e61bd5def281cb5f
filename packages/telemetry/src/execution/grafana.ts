/**
 * A Grafana dashboard (JSON model, importable through Dashboards → Import) over the execution metrics:
 * the seed's 12 panels — execution metrics, performance charts, cost tracking — plus the review queue
 * and the workers. The Prometheus data source is a dashboard variable, so it imports anywhere.
 */

export interface GrafanaOptions {
  title?: string;
  uid?: string;
  /** Default time range (default: the last 6 hours). */
  from?: string;
}

export interface GrafanaTarget {
  refId: string;
  expr: string;
  legendFormat?: string;
}

export interface GrafanaPanel {
  id: number;
  type: 'stat' | 'timeseries' | 'gauge' | 'bargauge';
  title: string;
  description: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource: { type: 'prometheus'; uid: string };
  targets: GrafanaTarget[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
  options: Record<string, unknown>;
}

const DS = { type: 'prometheus' as const, uid: '${datasource}' };
const one = (x: string) => `max without (instance, job) (${x})`;

function thresholds(steps: [string, number | null][]) {
  return { mode: 'absolute', steps: steps.map(([color, value]) => ({ color, value })) };
}

const rate = (m: string, r = '$__rate_interval') => `sum(${one(`rate(${m}[${r}])`)})`;

export function grafanaDashboard(options: GrafanaOptions = {}): Record<string, unknown> {
  const { panels, add } = panelList();
  addHeadlineRow(add);
  addThroughputRow(add);
  addPerformanceRow(add);
  addReviewRow(add);
  addCostRow(add);

  return {
    __inputs: [
      {
        name: 'DS_PROMETHEUS',
        label: 'Prometheus',
        type: 'datasource',
        pluginId: 'prometheus',
        pluginName: 'Prometheus',
      },
    ],
    uid: options.uid ?? 'st3-execution',
    title: options.title ?? 'ST3 execution',
    tags: ['st3', 'agents', 'execution'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: options.from ?? 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

/** Adds a panel to `panels`, numbered in the order added (refIds A, B… per target). */
type AddPanel = (
  type: GrafanaPanel['type'],
  title: string,
  description: string,
  grid: [number, number, number, number],
  targets: [string, string?][],
  defaults?: Record<string, unknown>,
  panelOptions?: Record<string, unknown>,
) => void;

function panelList(): { panels: GrafanaPanel[]; add: AddPanel } {
  let nextId = 1;
  const panels: GrafanaPanel[] = [];
  const add: AddPanel = (
    type: GrafanaPanel['type'],
    title: string,
    description: string,
    grid: [number, number, number, number],
    targets: [string, string?][],
    defaults: Record<string, unknown> = {},
    panelOptions: Record<string, unknown> = {},
  ) => {
    const [w, h, x, y] = grid;
    panels.push({
      id: nextId++,
      type,
      title,
      description,
      gridPos: { h, w, x, y },
      datasource: DS,
      targets: targets.map(([expr, legendFormat], i) => ({
        refId: String.fromCharCode(65 + i),
        expr,
        ...(legendFormat ? { legendFormat } : {}),
      })),
      fieldConfig: { defaults, overrides: [] },
      options: panelOptions,
    });
  };
  return { panels, add };
}

/** Row 1: the seed's headline figures. */
function addHeadlineRow(add: AddPanel): void {
  add(
    'stat',
    'Precision',
    'Validated atoms among those that ran, running or last run (target ≥ 95%)',
    [6, 5, 0, 0],
    [[one('st3_v2_precision_percent'), 'precision']],
    {
      unit: 'percent',
      min: 0,
      max: 100,
      thresholds: thresholds([
        ['red', null],
        ['orange', 95],
        ['green', 98],
      ]),
    },
  );
  add(
    'gauge',
    'Run progress',
    'Atoms of the running run with an outcome',
    [6, 5, 6, 0],
    [[one('st3_v2_run_progress_ratio'), 'done']],
    { unit: 'percentunit', min: 0, max: 1 },
  );
  add(
    'stat',
    'Waves executed',
    'Dependency levels completed in the time range',
    [6, 5, 12, 0],
    [[`sum(${one('increase(st3_v2_waves_executed_total[$__range])')})`, 'waves']],
    { unit: 'none', decimals: 0 },
  );
  add(
    'stat',
    'Cost per project',
    'Cost of the running or last run at the configured prices (target < $200)',
    [6, 5, 18, 0],
    [[one('st3_v2_cost_per_project_usd'), 'USD']],
    {
      unit: 'currencyUSD',
      thresholds: thresholds([
        ['green', null],
        ['orange', 150],
        ['red', 200],
      ]),
    },
  );
}

/** Row 2: throughput and failures. */
function addThroughputRow(add: AddPanel): void {
  add(
    'timeseries',
    'Atoms per minute',
    'Atoms generated (by outcome) and failed (by category)',
    [12, 8, 0, 5],
    [
      [
        `sum by (outcome) (${one('rate(st3_v2_atoms_generated_total[$__rate_interval])')}) * 60`,
        'generated {{outcome}}',
      ],
      [`sum by (category) (${one('rate(st3_v2_atoms_failed_total[$__rate_interval])')}) * 60`, 'failed {{category}}'],
    ],
    { unit: 'none' },
  );
  add(
    'timeseries',
    'Failure rate',
    'Failed atoms over finished atoms (alert above 5%)',
    [12, 8, 12, 5],
    [
      [
        `${rate('st3_v2_atoms_failed_total')} / clamp_min(${rate('st3_v2_atoms_generated_total')} + ${rate('st3_v2_atoms_failed_total')}, 1e-9)`,
        'failure rate',
      ],
    ],
    {
      unit: 'percentunit',
      min: 0,
      thresholds: thresholds([
        ['green', null],
        ['red', 0.05],
      ]),
    },
  );
}

/** Row 3: performance. */
function addPerformanceRow(add: AddPanel): void {
  add(
    'timeseries',
    'Parallel atoms, queue and workers',
    'Atoms running, jobs by state, connected workers',
    [12, 8, 0, 13],
    [
      [one('st3_v2_parallel_atoms'), 'running atoms'],
      [`sum by (state) (${one('st3_v2_queue_jobs')})`, 'jobs {{state}}'],
      [one('st3_v2_workers'), 'workers'],
    ],
    { unit: 'none' },
  );
  add(
    'timeseries',
    'Execution time',
    'Run duration (p50, p95) and atom duration (p95)',
    [12, 8, 12, 13],
    [
      [
        `histogram_quantile(0.5, sum by (le) (${one('rate(st3_v2_execution_time_seconds_bucket[$__range])')}))`,
        'run p50',
      ],
      [
        `histogram_quantile(0.95, sum by (le) (${one('rate(st3_v2_execution_time_seconds_bucket[$__range])')}))`,
        'run p95',
      ],
      [
        `histogram_quantile(0.95, sum by (le) (${one('rate(st3_v2_atom_duration_seconds_bucket[$__rate_interval])')}))`,
        'atom p95',
      ],
      [one('st3_v2_run_elapsed_seconds'), 'running run elapsed'],
    ],
    { unit: 's' },
  );
}

/** Row 4: retries, confidence, review. */
function addReviewRow(add: AddPanel): void {
  add(
    'timeseries',
    'Retries by category',
    'Retried attempts per minute by failure category',
    [8, 8, 0, 21],
    [[`sum by (category) (${one('rate(st3_v2_retries_total[$__rate_interval])')}) * 60`, '{{category}}']],
    { unit: 'none', custom: { stacking: { mode: 'normal' }, drawStyle: 'bars' } },
  );
  add(
    'bargauge',
    'Confidence distribution',
    'Changes by confidence bucket in the time range',
    [8, 8, 8, 21],
    [[`sum by (le) (${one('increase(st3_v2_confidence_score_bucket[$__range])')})`, '≤ {{le}}']],
    { unit: 'none' },
    { displayMode: 'gradient', orientation: 'horizontal' },
  );
  add(
    'timeseries',
    'Review queue by level',
    'Items waiting for a reviewer, by confidence level',
    [8, 8, 16, 21],
    [[`sum by (level) (${one('st3_v2_review_queue_size')})`, '{{level}}']],
    { unit: 'none', custom: { stacking: { mode: 'normal' } } },
  );
}

/** Row 5: cost tracking. */
function addCostRow(add: AddPanel): void {
  add(
    'timeseries',
    'Tokens and cost',
    'Tokens reported by agents and their cost, cumulative',
    [24, 8, 0, 29],
    [
      [`sum by (kind) (${one('st3_v2_tokens_total')})`, 'tokens {{kind}}'],
      [`sum(${one('st3_v2_cost_usd_total')})`, 'cost USD'],
    ],
    { unit: 'none' },
  );
}
