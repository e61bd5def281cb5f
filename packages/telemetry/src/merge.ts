import { readFile } from 'node:fs/promises';
import { withFileLock, writeJsonAtomic } from '@st3/fs';
import { St3Error, TelemetryRecordSchema, type TelemetryRecord } from '@st3/schemas';

type Histogram = TelemetryRecord['histograms'][number];

/** Estimated tokens for a number of bytes: the usual rule of thumb of ~4 bytes per token. */
export const BYTES_PER_TOKEN = 4;

/**
 * Adds `b` to `a` (one agent's record of one task, written in several sessions or by several
 * processes): reads and warnings by key, cache, prompts, counters and histograms summed, commands
 * appended, the time span widened. Neither input is changed.
 */
export function mergeRecords(a: TelemetryRecord, b: TelemetryRecord): TelemetryRecord {
  const reads = new Map(a.file_reads.map((f) => [f.path, { ...f }]));
  for (const f of b.file_reads) {
    const seen = reads.get(f.path);
    if (seen) {
      seen.bytes += f.bytes;
      seen.count += f.count;
    } else reads.set(f.path, { ...f });
  }
  const warnings = new Map(a.warnings.map((w) => [`${w.level}\u0000${w.message}`, { ...w }]));
  for (const w of b.warnings) {
    const seen = warnings.get(`${w.level}\u0000${w.message}`);
    if (seen) seen.count += w.count;
    else warnings.set(`${w.level}\u0000${w.message}`, { ...w });
  }
  const counters = new Map(a.counters.map((c) => [seriesKey(c.name, c.labels), { ...c, labels: { ...c.labels } }]));
  for (const c of b.counters) {
    const seen = counters.get(seriesKey(c.name, c.labels));
    if (seen) seen.value += c.value;
    else counters.set(seriesKey(c.name, c.labels), { ...c, labels: { ...c.labels } });
  }
  const histograms: Histogram[] = a.histograms.map(copyHistogram);
  for (const h of b.histograms) {
    const seen = histograms.find(
      (x) => x.name === h.name && seriesKey(x.name, x.labels) === seriesKey(h.name, h.labels) && sameBounds(x, h),
    );
    if (!seen) {
      histograms.push(copyHistogram(h));
      continue;
    }
    seen.count += h.count;
    seen.sum += h.sum;
    seen.min = seen.min === null ? h.min : h.min === null ? seen.min : Math.min(seen.min, h.min);
    seen.max = seen.max === null ? h.max : h.max === null ? seen.max : Math.max(seen.max, h.max);
    seen.buckets.forEach((bucket, i) => (bucket.count += h.buckets[i]!.count));
  }
  const byType = { ...a.cache.by_type };
  for (const [type, v] of Object.entries(b.cache.by_type ?? {})) {
    const seen = byType[type];
    byType[type] = seen ? { hits: seen.hits + v.hits, bytes_saved: seen.bytes_saved + v.bytes_saved } : { ...v };
  }
  const prompts = sumPrompts(a.prompts, b.prompts);
  return {
    schema_version: '1.0',
    agent: a.agent,
    task_id: a.task_id ?? b.task_id,
    started_at: a.started_at < b.started_at ? a.started_at : b.started_at,
    ended_at: a.ended_at > b.ended_at ? a.ended_at : b.ended_at,
    file_reads: [...reads.values()].sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)),
    cache: {
      hits: a.cache.hits + b.cache.hits,
      misses: a.cache.misses + b.cache.misses,
      bytes_saved: a.cache.bytes_saved + b.cache.bytes_saved,
      tokens_saved: Math.round((a.cache.bytes_saved + b.cache.bytes_saved) / BYTES_PER_TOKEN),
      ...(Object.keys(byType).length > 0 ? { by_type: byType } : {}),
    },
    ...(prompts ? { prompts } : {}),
    commands: [...a.commands, ...b.commands].map((c) => ({ ...c, argv: [...c.argv] })),
    warnings: [...warnings.values()],
    counters: [...counters.values()],
    histograms,
  };
}

function sumPrompts(a: TelemetryRecord['prompts'], b: TelemetryRecord['prompts']): TelemetryRecord['prompts'] {
  if (!a) return b && { ...b, compared: { ...b.compared } };
  if (!b) return { ...a, compared: { ...a.compared } };
  return {
    count: a.count + b.count,
    bytes: a.bytes + b.bytes,
    compared: {
      count: a.compared.count + b.compared.count,
      bytes: a.compared.bytes + b.compared.bytes,
      baseline_bytes: a.compared.baseline_bytes + b.compared.baseline_bytes,
    },
  };
}

/** Reads one telemetry file: `undefined` when it does not exist; a typed error when it is not a telemetry record. */
export async function readTelemetryFile(path: string): Promise<TelemetryRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `not JSON: ${(error as Error).message}`);
  }
  const parsed = TelemetryRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw corrupt(path, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function corrupt(path: string, why: string): St3Error {
  return new St3Error('E_TELEMETRY_CORRUPT', `${path} is not a telemetry record (${why}); it was left as it is`, {
    file: path,
    hint: 'move the file aside (or fix it); st3 never overwrites a telemetry file it cannot read',
  });
}

/**
 * Adds `record` to the telemetry file at `path` under the file's lock, atomically: concurrent
 * writers (several agents, or an agent and an ST3 verb) each add their figures and none is lost.
 * A file that is not a telemetry record, or is another task's or another agent's record, is an error and is
 * left untouched.
 */
export async function appendRecord(path: string, record: TelemetryRecord): Promise<TelemetryRecord> {
  return withFileLock(path, async () => {
    const existing = await readTelemetryFile(path);
    // Another task's record is not counted for this one (loadTelemetryDir): adding to it would lose the figures.
    if (existing?.task_id && record.task_id && existing.task_id.toUpperCase() !== record.task_id.toUpperCase())
      throw new St3Error(
        'E_TELEMETRY_MISFILED',
        `${path} is agent ${existing.agent}'s telemetry of ${existing.task_id}, not of ${record.task_id}; it was left as it is`,
        { file: path, hint: `move it to ${existing.task_id}'s context folder (or remove it), then record again` },
      );
    // Nor is another agent's: merged, two agents would be judged as one (a copy, or a file name that
    // a case-insensitive file system gives both).
    if (existing && existing.agent !== record.agent)
      throw new St3Error(
        'E_TELEMETRY_MISFILED',
        `${path} is agent ${existing.agent}'s telemetry, not ${record.agent}'s; it was left as it is`,
        { file: path, hint: `move it aside (it holds agent ${existing.agent}'s figures), then record again` },
      );
    const merged = existing ? mergeRecords(existing, record) : record;
    await writeJsonAtomic(path, merged);
    return merged;
  });
}

function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  return `${name}\u0000${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000')}`;
}

function sameBounds(a: Histogram, b: Histogram): boolean {
  return a.buckets.length === b.buckets.length && a.buckets.every((x, i) => x.le === b.buckets[i]!.le);
}

function copyHistogram(h: Histogram): Histogram {
  return { ...h, labels: { ...h.labels }, buckets: h.buckets.map((x) => ({ ...x })) };
}
