// Small inline-SVG charts: the dashboard is one self-contained file, no script, no CDN.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];

export interface Bar {
  label: string;
  value: number;
}

/** Horizontal bars with value labels; empty input renders a "no data" note instead of an empty box. */
export function barChart(
  bars: readonly Bar[],
  options: { title: string; unit?: string; width?: number } = { title: '' },
): string {
  const unit = options.unit ?? '';
  if (bars.length === 0) return emptyChart(options.title);
  const width = options.width ?? 560;
  const rowHeight = 26;
  const labelWidth = 170;
  const height = bars.length * rowHeight + 16;
  const max = maxOf(
    bars.map((b) => b.value),
    1e-9,
  );
  const rows = bars.map((b, i) => {
    const w = Math.max(1, ((width - labelWidth - 80) * b.value) / max);
    const y = 8 + i * rowHeight;
    const value = `${formatNumber(b.value)}${unit}`;
    return (
      `<g class="bar"><title>${escapeHtml(`${b.label}: ${value}`)}</title>` +
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(truncate(b.label, 26))}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowHeight - 8}" rx="3" fill="${PALETTE[i % PALETTE.length]}"/>` +
      `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 16}">${escapeHtml(value)}</text></g>`
    );
  });
  return `<svg class="chart" role="img" aria-label="${escapeHtml(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${rows.join('')}</svg>`;
}

export interface TimeSeries {
  name: string;
  /** `t`: milliseconds since the epoch. */
  points: { t: number; y: number | null; label?: string }[];
}

/**
 * Lines over a real time axis: each point sits at its time, so runs seconds apart are spread by
 * seconds and runs days apart by days (ticks show seconds when the span is short). y in [0, yMax].
 * Series `i` is drawn in a `<g class="series series-i">` so a page can hide it with CSS.
 */
export function timeChart(
  series: readonly TimeSeries[],
  options: {
    title: string;
    yMax?: number;
    percent?: boolean;
    width?: number;
    targets?: { y: number; label: string }[];
  } = {
    title: '',
  },
): string {
  const times = series.flatMap((s) => s.points.map((p) => p.t));
  if (times.length === 0) return emptyChart(options.title);
  const width = options.width ?? 640;
  const [left, right, top, bottom] = [48, 16, 12, 40];
  const height = 220;
  const t0 = minOf(times);
  const t1 = maxOf(times, -Infinity);
  const values = series.flatMap((s) => s.points.map((p) => p.y).filter((y): y is number => y !== null));
  const yMax = options.yMax ?? maxOf(values, 1e-9);
  const xAt = (t: number) =>
    left + (t1 === t0 ? (width - left - right) / 2 : ((t - t0) * (width - left - right)) / (t1 - t0));
  const yAt = (v: number) => top + (height - top - bottom) * (1 - Math.min(v, yMax) / yMax);
  const fmt = (v: number) => (options.percent ? `${Math.round(v * 100)}%` : formatNumber(v));
  const grid = [0, 0.5, 1].map((f) => {
    const y = yAt(yMax * f);
    return `<line x1="${left}" x2="${width - right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${fmt(yMax * f)}</text>`;
  });
  const targets = (options.targets ?? []).map(
    (g) =>
      `<g class="target"><line x1="${left}" x2="${width - right}" y1="${yAt(g.y).toFixed(1)}" y2="${yAt(g.y).toFixed(1)}" stroke="#64748b" stroke-dasharray="4 3"/><text x="${width - right}" y="${(yAt(g.y) - 3).toFixed(1)}" text-anchor="end">${escapeHtml(g.label)}</text></g>`,
  );
  const tickCount = t1 === t0 ? 1 : Math.min(5, new Set(times).size);
  const ticks = Array.from({ length: tickCount }, (_, i) =>
    tickCount === 1 ? t0 : t0 + ((t1 - t0) * i) / (tickCount - 1),
  );
  const xLabels = ticks.map(
    (t, i) =>
      `<text class="tick" x="${xAt(t).toFixed(1)}" y="${height - bottom + 16}" text-anchor="${tickCount > 1 && i === 0 ? 'start' : tickCount > 1 && i === tickCount - 1 ? 'end' : 'middle'}">${escapeHtml(timeLabel(t, t1 - t0))}</text>`,
  );
  const lines = series.map((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const pts = s.points
      .filter((p): p is { t: number; y: number; label?: string } => p.y !== null)
      .sort((a, b) => a.t - b.t)
      .map((p) => ({
        x: xAt(p.t),
        y: yAt(p.y),
        label: `${s.name} @ ${new Date(p.t).toISOString()}: ${p.label ?? fmt(p.y)}`,
      }));
    const path = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const dots = pts
      .map(
        (p) =>
          `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="4" fill="${color}"><title>${escapeHtml(p.label)}</title></circle>`,
      )
      .join('');
    return `<g class="series series-${si}" data-series="${escapeHtml(s.name)}"><path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>${dots}</g>`;
  });
  return `<svg class="chart" role="img" aria-label="${escapeHtml(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${grid.join('')}${targets.join('')}${xLabels.join('')}${lines.join('')}</svg>`;
}

/** The colour of series `i` (legends outside the SVG use it). */
export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** A tick label precise enough for the span shown: seconds for short spans, dates for long ones. */
function timeLabel(t: number, span: number): string {
  const iso = new Date(t).toISOString();
  if (span < 60_000) return iso.slice(11, 19);
  if (span < 86_400_000) return iso.slice(11, 19);
  if (span < 30 * 86_400_000) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return iso.slice(0, 10);
}

function emptyChart(title: string): string {
  return `<p class="empty" data-chart="${escapeHtml(title)}">No data recorded yet.</p>`;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return String(Math.round(v * 100) / 100);
}

function truncate(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/** The largest of `values` and `floor`, by a loop: a long trend spread into Math.max overflows the call stack. */
function maxOf(values: readonly number[], floor: number): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

function minOf(values: readonly number[]): number {
  let min = Infinity;
  for (const v of values) if (v < min) min = v;
  return min;
}
