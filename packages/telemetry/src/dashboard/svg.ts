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
  const max = Math.max(...bars.map((b) => b.value), 1e-9);
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

export interface Series {
  name: string;
  points: { x: string; y: number | null }[];
}

/** Lines over shared x labels (e.g. run dates); y in [0, yMax]. */
export function lineChart(
  series: readonly Series[],
  options: { title: string; yMax?: number; percent?: boolean; width?: number } = { title: '' },
): string {
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))];
  if (xs.length === 0) return emptyChart(options.title);
  const width = options.width ?? 560;
  const left = 44;
  const right = 12;
  const top = 12;
  const legendColumns = Math.max(1, Math.floor((width - left) / 170));
  const legendRows = Math.ceil(series.length / legendColumns);
  const bottom = 36 + legendRows * 18;
  const height = 164 + bottom;
  const values = series.flatMap((s) => s.points.map((p) => p.y).filter((y): y is number => y !== null));
  const yMax = options.yMax ?? Math.max(1e-9, ...values);
  const xAt = (i: number) =>
    left + (xs.length === 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (xs.length - 1));
  const yAt = (v: number) => top + (height - top - bottom) * (1 - v / yMax);
  const fmt = (v: number) => (options.percent ? `${Math.round(v * 100)}%` : formatNumber(v));
  const grid = [0, 0.5, 1].map((f) => {
    const y = yAt(yMax * f);
    return `<line x1="${left}" x2="${width - right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" class="grid"/><text x="${left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${fmt(yMax * f)}</text>`;
  });
  const xLabels = xs.map(
    (x, i) =>
      `<text x="${xAt(i).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${escapeHtml(truncate(x, 12))}</text>`,
  );
  const lines = series.map((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const pts = s.points
      .filter((p): p is { x: string; y: number } => p.y !== null)
      .map((p) => ({ x: xAt(xs.indexOf(p.x)), y: yAt(p.y), label: `${s.name} @ ${p.x}: ${fmt(p.y)}` }));
    const path = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    const dots = pts
      .map(
        (p) =>
          `<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="3.5" fill="${color}"><title>${escapeHtml(p.label)}</title></circle>`,
      )
      .join('');
    return `<g class="series"><path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>${dots}</g>`;
  });
  const legend = series.map(
    (s, si) =>
      `<g transform="translate(${left + (si % legendColumns) * 170},${height - bottom + 30 + Math.floor(si / legendColumns) * 18})"><rect width="10" height="10" fill="${PALETTE[si % PALETTE.length]}"/><text x="14" y="9">${escapeHtml(truncate(s.name, 24))}</text></g>`,
  );
  return `<svg class="chart" role="img" aria-label="${escapeHtml(options.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${grid.join('')}${xLabels.join('')}${lines.join('')}${legend.join('')}</svg>`;
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
