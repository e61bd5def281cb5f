import type { PilotVerdict, SuccessCriterion, TaskMetrics } from '@st3/schemas';
import type { CriterionDelta } from '../aggregate.js';
import { formatThreshold } from '../pilot-table.js';
import { formatCriterionValue, pct } from '../format.js';
import type { DashboardData } from './dashboard.js';
import { barChart, escapeHtml as h, formatNumber, seriesColor, timeChart, type TimeSeries } from './svg.js';

/** The criteria drawn on the trend chart (all on a 0-100% scale); JSON failures are counts and listed per run. */
const TREND = ['file_reads_per_agent', 'repeated_warnings', 'qa_artifact_coverage', 'prompt_size_savings'] as const;
const VERDICT_WORD: Record<PilotVerdict['verdict'], string> = { pass: 'PASS', fail: 'FAIL', incomplete: 'INCOMPLETE' };

const statusClass = (c: SuccessCriterion | undefined): string =>
  !c || c.target_met === null ? 'na' : c.target_met ? 'met' : 'missed';

function figure(c: SuccessCriterion | undefined): string {
  if (!c || c.value === null) return 'not measured';
  const f = c.figure;
  const fig =
    f && f.value !== null
      ? ` · ${f.unit === 'commands covered' || f.unit === 'average saving' ? pct(f.value) : formatNumber(f.value)} ${f.unit === 'average saving' ? '' : f.unit}`.trimEnd()
      : '';
  return `${formatCriterionValue(c)}${c.id === 'prompt_size_savings' || c.id === 'json_parse_failures' ? '' : fig}`;
}

function change(d: CriterionDelta | undefined): string {
  if (!d || d.figure.delta === null) return '–';
  const sign = d.figure.delta > 0 ? '+' : '';
  const value =
    d.figure.unit === 'commands covered' || d.figure.unit === 'average saving'
      ? `${sign}${Math.round(d.figure.delta * 1000) / 10} pts`
      : `${sign}${formatNumber(d.figure.delta)} ${d.figure.unit}`;
  const cls = d.improved === null ? 'same' : d.improved ? 'better' : 'worse';
  return `<span class="${cls}">${h(value)}</span>`;
}

function pilotSection(data: DashboardData): string {
  const base = data.baseline?.pilot.criteria ?? [];
  const rows = data.pilot.criteria.map((c) => {
    const b = base.find((x) => x.id === c.id);
    const d = data.comparison?.deltas.find((x) => x.criterion === c.id);
    return `<tr id="row-${c.id}"><th scope="row">${h(c.id)}</th><td>${h(formatThreshold(c.id))}</td><td class="${data.baseline ? statusClass(b) : 'na'}">${data.baseline ? h(figure(b)) : '–'}</td><td class="${statusClass(c)}">${h(figure(c))}</td><td>${change(d)}</td><td class="status ${statusClass(c)}">${h(c.status ?? 'not measured')}</td></tr>`;
  });
  const details = data.pilot.criteria.map(
    (c) =>
      `<details class="criterion" id="details-${c.id}"><summary>${h(c.id)}: ${h(c.detail ?? '')}</summary><p><b>source</b> ${h(c.source ?? 'unknown')}</p>${unitsTable(c)}</details>`,
  );
  const baseline = data.baseline
    ? `<p>Baseline: <b>${h(data.baseline.label)}</b> (${h(data.baseline.generatedAt)}), verdict ${h(VERDICT_WORD[data.baseline.pilot.verdict])}.</p>`
    : '<p class="empty">No baseline given: pass <code>--baseline FILE</code> (a rollup or metrics file of the baseline run) to compare.</p>';
  return `<section id="pilot"><h2>Pilot success criteria (the seed's pilot table)</h2>${baseline}
<table class="pilot"><thead><tr><th>criterion</th><th>pass threshold</th><th>baseline</th><th>current</th><th>change</th><th>status</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${details.join('\n')}</section>`;
}

function unitsTable(c: SuccessCriterion): string {
  const units = c.units ?? [];
  if (units.length === 0) return '<p class="empty">Nothing measured for this criterion.</p>';
  const per = c.unit_target
    ? `${c.unit_target.per} (target ${c.unit_target.comparison} ${c.unit_target.value})`
    : 'unit';
  const rows = units.map(
    (u) =>
      `<tr><td>${h(u.id)}</td><td class="${u.met === null ? 'na' : u.met ? 'met' : 'missed'}">${u.value === null ? 'not measured' : h(formatNumber(u.value))}</td><td>${h(u.detail ?? '')}</td></tr>`,
  );
  return `<table class="units"><thead><tr><th>${h(per)}</th><th>value</th><th>detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function tasksSection(tasks: readonly TaskMetrics[]): string {
  if (tasks.length === 0)
    return '<section id="criteria"><h2>Tasks</h2><p class="empty">No task metrics collected yet.</p></section>';
  const ids = tasks[0]!.criteria.map((c) => c.id);
  const rows = tasks.map((t) => {
    const cells = ids.map((id) => {
      const c = t.criteria.find((x) => x.id === id);
      return `<td class="${statusClass(c)}" title="${h(c?.detail ?? '')}">${h(c ? formatCriterionValue(c) : '–')}</td>`;
    });
    return `<tr><th scope="row">${h(t.task_id)}</th>${cells.join('')}<td class="${t.verdict === 'pass' ? 'met' : t.verdict === 'fail' ? 'missed' : 'na'}">${h(t.verdict ?? 'not measured')}</td></tr>`;
  });
  const details = tasks.map((t) => {
    const m = t.measures;
    if (!m)
      return `<details class="task"><summary>${h(t.task_id)}</summary><p class="empty">Recorded by an older ST3 without measures.</p></details>`;
    const agents = m.agents.map(
      (a) =>
        `<tr><td>${h(a.agent)}</td><td>${a.reads_tracked ? a.file_reads : 'not tracked'}</td><td>${a.distinct_files}</td><td>${formatNumber(a.bytes_read)}</td><td>${a.cache_hits}</td></tr>`,
    );
    const warnings = m.warnings.top.map((w) => `<li>${h(`${w.count}× ${w.level}: ${w.message}`)}</li>`).join('');
    return `<details class="task"><summary>${h(t.task_id)}: ${m.agents.length} agent(s), ${m.sources.length} telemetry file(s)</summary>
<table class="units"><thead><tr><th>agent</th><th>file reads</th><th>files</th><th>bytes read</th><th>cache hits</th></tr></thead><tbody>${agents.join('')}</tbody></table>
<p>warnings: ${m.warnings.total} (${m.warnings.repeated} repeated)</p>${warnings ? `<ul>${warnings}</ul>` : ''}
<p>QA: ${m.qa ? `${m.qa.covered}/${m.qa.expected} validation command(s) covered${m.qa.uncovered.length ? `; missing ${h(m.qa.uncovered.join(', '))}` : ''}` : 'not read'} · prompts: ${m.prompts.count} (${formatNumber(m.prompts.bytes)} bytes) · JSON parses: ${m.json.parses}, failures: ${m.json.failures}</p></details>`;
  });
  return `<section id="criteria"><h2>Tasks</h2><table><thead><tr><th>task</th>${ids.map((id) => `<th>${h(id)}</th>`).join('')}<th>verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${details.join('\n')}</section>`;
}

function trendSection(data: DashboardData): string {
  const series: TimeSeries[] = TREND.map((id) => ({
    name: id,
    points: data.trend.map((r) => ({ t: Date.parse(r.at), y: r.values[id] ?? null })),
  }));
  const legend = TREND.map(
    (id, i) =>
      `<label><input type="checkbox" id="show-${i}" checked> <span class="swatch" style="background:${seriesColor(i)}"></span>${h(id)}</label>`,
  ).join('');
  const runs = data.trend
    .slice(-20)
    .reverse()
    .map(
      (r) =>
        `<li><span class="verdict-dot ${r.verdict}"></span>${h(r.at)}: ${h(VERDICT_WORD[r.verdict])}, JSON parse failures ${r.values.json_parse_failures ?? 'not measured'}</li>`,
    )
    .join('');
  const chart = timeChart(series, {
    title: 'criteria across runs',
    yMax: 1,
    percent: true,
    targets: [
      { y: 0.8, label: '80% of agents' },
      { y: 0.15, label: '15% saved' },
    ],
  });
  return `<section id="trend"><h2>Trend across runs</h2><div class="legend">${legend}</div>${chart}<ol class="runs">${runs}</ol></section>`;
}

const STYLE = `body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:16px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#cbd5e1}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:700;margin-right:8px}.verdict.pass{background:#16a34a}.verdict.fail{background:#dc2626}.verdict.incomplete{background:#d97706}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(640px,1fr));gap:16px;padding:16px 24px}
#pilot,#criteria{grid-column:1/-1}section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;overflow-x:auto}section h2{font-size:15px;margin:0 0 8px}
table{border-collapse:collapse;width:100%;margin:4px 0}th,td{padding:4px 8px;border-bottom:1px solid #e2e8f0;text-align:left;white-space:nowrap}
table.pilot td,table.units td{white-space:normal}td.met{background:#dcfce7}td.missed{background:#fee2e2}td.na{color:#64748b}.better{color:#15803d}.worse{color:#b91c1c}
details{margin:6px 0;border-left:3px solid #cbd5e1;padding-left:8px}summary{cursor:pointer;font-weight:600}
.legend label{margin-right:14px;cursor:pointer}.swatch{display:inline-block;width:10px;height:10px;margin:0 4px}
.runs{max-height:160px;overflow:auto;font-size:13px}.verdict-dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:6px}.verdict-dot.pass{background:#16a34a}.verdict-dot.fail{background:#dc2626}.verdict-dot.incomplete{background:#d97706}
${TREND.map((_, i) => `#trend:has(#show-${i}:not(:checked)) .series-${i}{display:none}`).join('\n')}
.chart text{font-size:12px;fill:#334155}.chart .grid{stroke:#e2e8f0}.empty{color:#64748b;font-style:italic}
.kpi{display:flex;gap:24px;flex-wrap:wrap}.kpi div{min-width:110px}.kpi b{display:block;font-size:20px}`;

/** One self-contained HTML page (inline CSS and SVG; no script, no network). */
export function renderDashboard(data: DashboardData): string {
  const a = data.atomizer;
  const e = data.executor;
  const atomizerBars =
    a.files > 0
      ? [
          { label: 'files', value: a.files },
          { label: 'atoms', value: a.atoms },
          { label: 'KiB parsed', value: a.bytes / 1024 },
        ]
      : [];
  const executorBars =
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
<title>${h(data.title)}</title><link rel="icon" href="data:,">
<style>
${STYLE}
</style></head>
<body>
<header><h1>${h(data.title)}</h1><p><span class="verdict ${data.pilot.verdict}" id="verdict">Pilot: ${VERDICT_WORD[data.pilot.verdict]}</span>${h(data.pilot.summary)}</p><p>Generated ${h(data.generatedAt)} · ${data.tasks.length} task(s)</p></header>
<main>
${pilotSection(data)}
${tasksSection(data.tasks)}
${trendSection(data)}
<section id="gates"><h2>Gate durations (mean, ms)</h2>${barChart(data.gateDurations, { title: 'gate durations', unit: ' ms' })}</section>
<section id="atomizer"><h2>Atomizer throughput</h2><div class="kpi"><div><b>${formatNumber(a.files)}</b>files</div><div><b>${formatNumber(a.atoms)}</b>atoms</div><div><b>${a.bytesPerSecond === null ? 'n/a' : `${formatNumber(a.bytesPerSecond / 1e6)} MB/s`}</b>parse throughput</div></div>${barChart(atomizerBars, { title: 'atomizer' })}</section>
<section id="executor"><h2>Executor attempts and retries</h2>${barChart(executorBars, { title: 'executor' })}</section>
</main>
</body></html>
`;
}
