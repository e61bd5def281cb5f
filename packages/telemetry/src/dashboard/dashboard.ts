import type { MetricsRollup, TaskMetrics, TelemetryRecord } from '@st3/schemas';
import { aggregate } from '../aggregate.js';
import { barChart, escapeHtml, formatNumber, lineChart, type Bar, type Series } from './svg.js';

/** Everything the dashboard shows; `dashboardData` builds it from rollups and telemetry records. */
export interface DashboardData {
  title: string;
  generatedAt: string;
  tasks: TaskMetrics[];
  /** Compliance rate per criterion for each recorded run, oldest first. */
  trend: { at: string; compliance: Record<string, number | null> }[];
  gateDurations: Bar[];
  atomizer: { files: number; bytes: number; atoms: number; parseMs: number; bytesPerSecond: number | null };
  executor: { nodes: number; attempts: number; retries: number; failed: number };
}

/**
 * Metric names the ST3 libraries report through their telemetry handle, read back here.
 * gates: `gates.duration_ms{gate}`, `gates.violations{gate}`; atomizer: `atomizer.files`, `atomizer.bytes`,
 * `atomizer.atoms`, `atomizer.parse_ms`; executor: `executor.nodes`, `executor.attempts`, `executor.retries`,
 * `executor.failed`.
 */
export const METRIC_NAMES = {
  gateDuration: 'gates.duration_ms',
  gateViolations: 'gates.violations',
  atomizerFiles: 'atomizer.files',
  atomizerBytes: 'atomizer.bytes',
  atomizerAtoms: 'atomizer.atoms',
  atomizerParseMs: 'atomizer.parse_ms',
  executorNodes: 'executor.nodes',
  executorAttempts: 'executor.attempts',
  executorRetries: 'executor.retries',
  executorFailed: 'executor.failed',
} as const;

export function dashboardData(input: {
  title?: string;
  current: MetricsRollup;
  history?: readonly MetricsRollup[];
  records?: readonly TelemetryRecord[];
  now?: Date;
}): DashboardData {
  const agg = aggregate(input.records ?? []);
  const gate = new Map<string, number>();
  let parseMs = 0;
  for (const h of agg.histograms) {
    if (h.name === METRIC_NAMES.gateDuration) {
      const name = h.labels.gate ?? 'gate';
      gate.set(name, (gate.get(name) ?? 0) + (h.count > 0 ? h.sum / h.count : 0));
    }
    if (h.name === METRIC_NAMES.atomizerParseMs) parseMs += h.sum;
  }
  const c = (name: string) => agg.counters.get(name) ?? 0;
  const bytes = c(METRIC_NAMES.atomizerBytes);
  const runs = [...(input.history ?? []), input.current];
  return {
    title: input.title ?? 'ST3 metrics',
    generatedAt: (input.now ?? new Date()).toISOString(),
    tasks: input.current.tasks,
    trend: runs.map((r) => ({
      at: r.generated_at,
      compliance: Object.fromEntries(Object.entries(r.compliance).map(([k, v]) => [k, v.rate])),
    })),
    gateDurations: [...gate].map(([label, value]) => ({ label, value })).sort((a, b) => b.value - a.value),
    atomizer: {
      files: c(METRIC_NAMES.atomizerFiles),
      bytes,
      atoms: c(METRIC_NAMES.atomizerAtoms),
      parseMs,
      bytesPerSecond: parseMs > 0 ? (bytes * 1000) / parseMs : null,
    },
    executor: {
      nodes: c(METRIC_NAMES.executorNodes),
      attempts: c(METRIC_NAMES.executorAttempts),
      retries: c(METRIC_NAMES.executorRetries),
      failed: c(METRIC_NAMES.executorFailed),
    },
  };
}

/** One self-contained HTML page (inline CSS and SVG; no script, no network). */
export function renderDashboard(data: DashboardData): string {
  const criteriaIds = [...new Set(data.tasks.flatMap((t) => t.criteria.map((c) => c.id)))];
  const taskRows = data.tasks.map((t) => {
    const cells = criteriaIds.map((id) => {
      const c = t.criteria.find((x) => x.id === id);
      if (!c) return '<td>–</td>';
      const cls = c.target_met === null ? 'na' : c.target_met ? 'met' : 'missed';
      const shown =
        c.value === null
          ? 'n/a'
          : id === 'qa_artifact_coverage' || id === 'prompt_size_savings'
            ? `${Math.round(c.value * 100)}%`
            : formatNumber(c.value);
      return `<td class="${cls}" title="${escapeHtml(`${c.description}: target ${c.comparison} ${c.target}${c.detail ? ` (${c.detail})` : ''}`)}">${escapeHtml(shown)}</td>`;
    });
    return `<tr><th scope="row">${escapeHtml(t.task_id)}</th>${cells.join('')}</tr>`;
  });
  const trendSeries: Series[] = criteriaIds.map((id) => ({
    name: id,
    points: data.trend.map((r) => ({ x: r.at.slice(5, 16).replace('T', ' '), y: r.compliance[id] ?? null })),
  }));
  const a = data.atomizer;
  const e = data.executor;
  const atomizerBars: Bar[] =
    a.files > 0
      ? [
          { label: 'files', value: a.files },
          { label: 'atoms', value: a.atoms },
          { label: 'KiB parsed', value: a.bytes / 1024 },
        ]
      : [];
  const executorBars: Bar[] =
    e.nodes > 0 || e.attempts > 0
      ? [
          { label: 'nodes', value: e.nodes },
          { label: 'attempts', value: e.attempts },
          { label: 'retries', value: e.retries },
          { label: 'failed', value: e.failed },
        ]
      : [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#cbd5e1}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(600px,1fr));gap:16px;padding:16px 24px}
#criteria{grid-column:1/-1}section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;overflow-x:auto}section h2{font-size:15px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #e2e8f0;text-align:left;white-space:nowrap}
td.met{background:#dcfce7}td.missed{background:#fee2e2}td.na{color:#94a3b8}
.chart text{font-size:12px;fill:#334155}.chart .grid{stroke:#e2e8f0}.empty{color:#64748b;font-style:italic}
.kpi{display:flex;gap:24px;flex-wrap:wrap}.kpi div{min-width:110px}.kpi b{display:block;font-size:20px}
</style></head>
<body>
<header><h1>${escapeHtml(data.title)}</h1><p>Generated ${escapeHtml(data.generatedAt)} · ${data.tasks.length} task(s)</p></header>
<main>
<section id="criteria"><h2>Success criteria per task</h2>
${data.tasks.length === 0 ? '<p class="empty">No task metrics collected yet.</p>' : `<table><thead><tr><th>task</th>${criteriaIds.map((id) => `<th>${escapeHtml(id)}</th>`).join('')}</tr></thead><tbody>${taskRows.join('')}</tbody></table>`}
</section>
<section id="trend"><h2>Compliance across runs</h2>${lineChart(trendSeries, { title: 'compliance across runs', yMax: 1, percent: true })}</section>
<section id="gates"><h2>Gate durations (mean, ms)</h2>${barChart(data.gateDurations, { title: 'gate durations', unit: ' ms' })}</section>
<section id="atomizer"><h2>Atomizer throughput</h2><div class="kpi"><div><b>${formatNumber(a.files)}</b>files</div><div><b>${formatNumber(a.atoms)}</b>atoms</div><div><b>${a.bytesPerSecond === null ? 'n/a' : `${formatNumber(a.bytesPerSecond / 1e6)} MB/s`}</b>parse throughput</div></div>${barChart(atomizerBars, { title: 'atomizer' })}</section>
<section id="executor"><h2>Executor attempts and retries</h2>${barChart(executorBars, { title: 'executor' })}</section>
</main>
</body></html>
`;
}
