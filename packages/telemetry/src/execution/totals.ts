import { join } from 'node:path';
import { withFileLock, writeJsonAtomic } from '@st3/fs';
import { ExecutionTotalsSchema, loadFile, St3Error, type ExecutionTotals } from '@st3/schemas';
import { metricInfo } from './catalog.js';

/** Where a workspace keeps the running totals of its execution metrics. */
export function executionTotalsPath(root: string): string {
  return join(root, '.st3', 'telemetry', 'execution-metrics.json');
}

export function emptyTotals(now = new Date()): ExecutionTotals {
  return { version: 1, updatedAt: now.toISOString(), counters: [], histograms: [] };
}

function key(name: string, labels: Record<string, string>): string {
  return `${name}\u0000${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000')}`;
}

/** Adds `value` to a counter of `totals`. */
export function addCounter(totals: ExecutionTotals, name: string, labels: Record<string, string>, value: number): void {
  if (!(value > 0)) return;
  const k = key(name, labels);
  const found = totals.counters.find((c) => key(c.name, c.labels) === k);
  if (found) found.value += value;
  else totals.counters.push({ name, labels: { ...labels }, value });
}

/** Adds one observation to a histogram of `totals` (bounds from the catalog). */
export function observeHistogram(
  totals: ExecutionTotals,
  name: string,
  labels: Record<string, string>,
  value: number,
): void {
  const bounds = [...(metricInfo(name).buckets ?? [])];
  const k = key(name, labels);
  let h = totals.histograms.find((x) => key(x.name, x.labels) === k);
  if (!h) {
    h = { name, labels: { ...labels }, bounds, counts: bounds.map(() => 0), sum: 0, count: 0 };
    totals.histograms.push(h);
  }
  const i = h.bounds.findIndex((b) => value <= b);
  if (i >= 0) h.counts[i]!++;
  h.sum += value;
  h.count++;
}

/** `base` + `delta` (counters and histograms added; `delta`'s last run wins). Histograms of other bounds are kept apart. */
export function addTotals(base: ExecutionTotals, delta: ExecutionTotals, now = new Date()): ExecutionTotals {
  const out = structuredClone(base);
  out.updatedAt = now.toISOString();
  for (const c of delta.counters) addCounter(out, c.name, c.labels, c.value);
  for (const h of delta.histograms) {
    const k = key(h.name, h.labels);
    const found = out.histograms.find((x) => key(x.name, x.labels) === k);
    if (found && found.bounds.join(',') === h.bounds.join(',')) {
      h.counts.forEach((n, i) => (found.counts[i]! += n));
      found.sum += h.sum;
      found.count += h.count;
    } else if (!found) out.histograms.push(structuredClone(h));
  }
  if (delta.lastRun) out.lastRun = { ...delta.lastRun };
  return out;
}

/** True when `delta` holds nothing to add. */
export function isEmptyTotals(delta: ExecutionTotals): boolean {
  return delta.counters.length === 0 && delta.histograms.length === 0 && !delta.lastRun;
}

/** The totals of a file (empty when it does not exist); a file that is not totals is E_TELEMETRY_CORRUPT. */
export async function loadExecutionTotals(file: string): Promise<ExecutionTotals> {
  const r = await loadFile(file, { schema: ExecutionTotalsSchema });
  if (r.value) return r.value;
  if (r.errors.some((d) => d.code === 'E_FILE_NOT_FOUND')) return emptyTotals();
  const first = r.errors[0];
  throw new St3Error(
    'E_TELEMETRY_CORRUPT',
    `${file} is not an execution metrics file: ${first?.message ?? 'invalid'}`,
    {
      file,
      line: first?.line,
      column: first?.column,
      hint: 'move it aside: the totals start again from zero (st3 validate shows what is wrong)',
    },
  );
}

/**
 * Adds `delta` to the totals in `file` under the file's lock (read, add, atomic write), so runs and
 * processes that finish at the same time lose nothing. Returns the new totals.
 */
export async function addExecutionTotals(file: string, delta: ExecutionTotals): Promise<ExecutionTotals> {
  return withFileLock(file, async () => {
    const next = addTotals(await loadExecutionTotals(file), delta);
    await writeJsonAtomic(file, next);
    return next;
  });
}
