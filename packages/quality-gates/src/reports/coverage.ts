import { readReport, relPath } from './text-util.js';

/** One coverage measure: covered of total, and the percentage (null when there is nothing to cover). */
export interface CoverageMetric {
  total: number;
  covered: number;
  pct: number | null;
}

export interface CoverageTotals {
  lines?: CoverageMetric;
  statements?: CoverageMetric;
  functions?: CoverageMetric;
  branches?: CoverageMetric;
}

export interface CoverageReport {
  format: 'istanbul-summary' | 'lcov';
  total: CoverageTotals;
  /** Per file, relative to the workspace root, sorted by path. */
  files: ({ file: string } & CoverageTotals)[];
}

const METRICS = ['lines', 'statements', 'functions', 'branches'] as const;

const metric = (total: number, covered: number): CoverageMetric => ({
  total,
  covered,
  pct: total > 0 ? Math.round((covered / total) * 10000) / 100 : null,
});

function readMetric(raw: unknown): CoverageMetric | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const { total, covered } = raw as { total?: unknown; covered?: unknown };
  if (typeof total !== 'number' || typeof covered !== 'number' || total < 0 || covered < 0) return undefined;
  return metric(total, covered);
}

function readTotals(raw: unknown): CoverageTotals {
  const out: CoverageTotals = {};
  for (const key of METRICS) {
    const m = readMetric((raw as Record<string, unknown>)[key]);
    if (m) out[key] = m;
  }
  return out;
}

/**
 * istanbul's `coverage-summary.json` (reporter `json-summary`, written by nyc, c8, jest and
 * vitest): `{"total": {...}, "<file>": {...}}`. Percentages are recomputed from the counts
 * (istanbul writes `"Unknown"` for an empty measure).
 */
export function parseIstanbulSummary(text: string, root: string): CoverageReport {
  return readReport('an istanbul coverage-summary.json', () => parseIstanbulSummaryUnchecked(text, root));
}

function parseIstanbulSummaryUnchecked(text: string, root: string): CoverageReport {
  const raw = JSON.parse(text) as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || !('total' in raw))
    throw new Error('not an istanbul coverage-summary.json (no "total" entry)');
  const files: CoverageReport['files'] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === 'total' || !value || typeof value !== 'object') continue;
    files.push({ file: relPath(root, key), ...readTotals(value) });
  }
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { format: 'istanbul-summary', total: readTotals((raw as { total: unknown }).total), files };
}

/**
 * An lcov tracefile (`lcov.info`): per `SF:` record the LF/LH, FNF/FNH and BRF/BRH totals (the
 * DA/FNDA/BRDA lines are counted when a record has no totals). lcov has no statements.
 */
export function parseLcov(text: string, root: string): CoverageReport {
  return readReport('an lcov tracefile', () => parseLcovUnchecked(text, root));
}

/** A record's counts before its lines are read: -1 for a total the record has not given (yet). */
function emptyLcovCounts() {
  return {
    lf: -1,
    lh: -1,
    fnf: -1,
    fnh: -1,
    brf: -1,
    brh: -1,
    da: 0,
    daHit: 0,
    fnda: 0,
    fndaHit: 0,
    brda: 0,
    brdaHit: 0,
  };
}

type LcovCounts = ReturnType<typeof emptyLcovCounts>;

/** The measures lcov has (no statements). */
type LcovTotals = Required<Pick<CoverageTotals, 'lines' | 'functions' | 'branches'>>;

/** Adds one `TAG:value` line of a record to its counts (a total sets it; a DA/FNDA/BRDA line is counted). */
function countLcovLine(counts: LcovCounts, tag: string, value: string): void {
  const n = Number(value);
  switch (tag) {
    case 'LF':
      counts.lf = n;
      break;
    case 'LH':
      counts.lh = n;
      break;
    case 'FNF':
      counts.fnf = n;
      break;
    case 'FNH':
      counts.fnh = n;
      break;
    case 'BRF':
      counts.brf = n;
      break;
    case 'BRH':
      counts.brh = n;
      break;
    case 'DA':
      counts.da++;
      if (Number(value.split(',')[1]) > 0) counts.daHit++;
      break;
    case 'FNDA':
      counts.fnda++;
      if (Number(value.split(',')[0]) > 0) counts.fndaHit++;
      break;
    case 'BRDA': {
      counts.brda++;
      const taken = value.split(',')[3];
      if (taken !== undefined && taken !== '-' && Number(taken) > 0) counts.brdaHit++;
      break;
    }
    default:
      break;
  }
}

/** A record's measures: its LF/LH, FNF/FNH and BRF/BRH totals, or the lines counted where it gave none. */
function lcovRecordTotals(counts: LcovCounts): LcovTotals {
  const pick = (summary: number, counted: number) => (summary >= 0 ? summary : counted);
  return {
    lines: metric(pick(counts.lf, counts.da), pick(counts.lh, counts.daHit)),
    functions: metric(pick(counts.fnf, counts.fnda), pick(counts.fnh, counts.fndaHit)),
    branches: metric(pick(counts.brf, counts.brda), pick(counts.brh, counts.brdaHit)),
  };
}

/** The report over the files' measures: the files sorted by path, the total their sum. */
function lcovReport(files: Map<string, LcovTotals>): CoverageReport {
  const list = [...files]
    .map(([f, t]) => ({ file: f, ...t }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const sum = (key: 'lines' | 'functions' | 'branches') =>
    metric(
      list.reduce((s, f) => s + f[key].total, 0),
      list.reduce((s, f) => s + f[key].covered, 0),
    );
  return {
    format: 'lcov',
    total: { lines: sum('lines'), functions: sum('functions'), branches: sum('branches') },
    files: list,
  };
}

function parseLcovUnchecked(text: string, root: string): CoverageReport {
  const files = new Map<string, LcovTotals>();
  let file: string | undefined;
  let counts = emptyLcovCounts();
  let records = 0;
  const finish = () => {
    if (file === undefined) return;
    const prev = files.get(file);
    const next = lcovRecordTotals(counts);
    // The same file in two records (two test processes): keep the union's best estimate, the larger cover.
    files.set(file, prev && prev.lines.covered > next.lines.covered ? prev : next);
    records++;
    file = undefined;
  };
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith('SF:')) {
      finish();
      file = relPath(root, line.slice(3));
      counts = emptyLcovCounts();
      continue;
    }
    if (file === undefined) continue;
    if (line === 'end_of_record') {
      finish();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    countLcovLine(counts, line.slice(0, colon), line.slice(colon + 1));
  }
  finish();
  if (records === 0) throw new Error('not an lcov tracefile (no SF: … end_of_record record)');
  return lcovReport(files);
}
