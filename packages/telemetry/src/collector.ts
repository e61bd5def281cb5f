import { join } from 'node:path';
import { writeJsonAtomic } from '@st3/fs';
import { countJsonParse, type TelemetryHandle, type TelemetryLabels, type TelemetryRecord } from '@st3/schemas';
import { appendRecord, BYTES_PER_TOKEN } from './merge.js';

export interface CollectorOptions {
  agent: string;
  taskId?: string | null;
  /** Injected clock (ms since epoch) so tests are deterministic. */
  now?: () => number;
  /** Histogram upper bounds (default: a 1-2-5 series from 1 to 100 000). */
  buckets?: readonly number[];
  /** Where `save()` writes `telemetry-<agent>.json` (the task context folder). */
  dir?: string;
  /**
   * `save()` adds this collector's figures to what the file already holds (under the file's lock,
   * so concurrent agents and tools lose nothing) and starts the collector afresh, instead of
   * replacing the file. CLIs use it: every run of a verb adds to the task's telemetry.
   */
  append?: boolean;
}

export { BYTES_PER_TOKEN };

const DEFAULT_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

interface HistogramState {
  name: string;
  labels: TelemetryLabels;
  count: number;
  sum: number;
  min: number;
  max: number;
  bucketCounts: Float64Array;
}

/**
 * Records what an agent or tool did, in memory: file reads, cache hits and misses, commands,
 * warnings (deduplicated with counts), counters and histograms. Recording does no I/O; `save()`
 * writes one JSON file atomically. Use it as a scoped resource:
 * `await using telemetry = createCollector({agent, dir})` saves on scope exit.
 */
export class TelemetryCollector implements TelemetryHandle, AsyncDisposable {
  readonly agent: string;
  readonly taskId: string | null;
  private readonly now: () => number;
  private readonly bounds: readonly number[];
  private readonly dir?: string;
  private readonly append: boolean;
  private startedAt: number;
  private readonly reads = new Map<string, { bytes: number; count: number }>();
  private cacheHits = 0;
  private cacheMisses = 0;
  private cacheBytesSaved = 0;
  private readonly cacheByType = new Map<string, { hits: number; bytes_saved: number }>();
  private readonly prompts = { count: 0, bytes: 0, compared: { count: 0, bytes: 0, baseline_bytes: 0 } };
  private readonly commands: TelemetryRecord['commands'] = [];
  private readonly warnings = new Map<
    string,
    { level: 'info' | 'warning' | 'error'; message: string; count: number }
  >();
  private readonly counters = new Map<string, { name: string; labels: TelemetryLabels; value: number }>();
  private readonly histograms = new Map<string, HistogramState>();
  private lastCounter?: { name: string; labelsRef: TelemetryLabels; entry: { value: number } };
  private lastHistogram?: { name: string; labelsRef: TelemetryLabels; entry: HistogramState };

  constructor(options: CollectorOptions) {
    this.agent = options.agent;
    this.taskId = options.taskId ?? null;
    this.now = options.now ?? Date.now;
    this.bounds = options.buckets ?? DEFAULT_BUCKETS;
    this.dir = options.dir;
    this.append = options.append ?? false;
    this.startedAt = this.now();
  }

  fileRead(path: string, bytes: number): void {
    const entry = this.reads.get(path);
    if (entry) {
      entry.count++;
      entry.bytes += bytes;
    } else {
      this.reads.set(path, { bytes, count: 1 });
    }
  }

  cacheHit(bytesSaved: number, type?: string): void {
    this.cacheHits++;
    this.cacheBytesSaved += bytesSaved;
    if (type !== undefined) {
      const entry = this.cacheByType.get(type);
      if (entry) {
        entry.hits++;
        entry.bytes_saved += bytesSaved;
      } else this.cacheByType.set(type, { hits: 1, bytes_saved: bytesSaved });
    }
  }

  /** One prompt sent by the agent: its size, and (when known) the size it would have had without the context cache. */
  prompt(bytes: number, baselineBytes?: number): void {
    this.prompts.count++;
    this.prompts.bytes += bytes;
    if (baselineBytes !== undefined) {
      this.prompts.compared.count++;
      this.prompts.compared.bytes += bytes;
      this.prompts.compared.baseline_bytes += baselineBytes;
    }
  }

  /** One JSON document parsed from a tool or an agent (`source` names the producer); see `JSON_PARSE_COUNTERS`. */
  jsonParse(source: string, ok: boolean): void {
    countJsonParse(this, source, ok);
  }

  cacheMiss(): void {
    this.cacheMisses++;
  }

  command(argv: readonly string[], exitCode: number | null, durationMs: number): void {
    this.commands.push({ argv: [...argv], exit_code: exitCode, duration_ms: durationMs });
  }

  warn(level: 'info' | 'warning' | 'error', message: string): void {
    const key = `${level}\u0000${message}`;
    const entry = this.warnings.get(key);
    if (entry) entry.count++;
    else this.warnings.set(key, { level, message, count: 1 });
  }

  /** Labels objects are treated as immutable: pass a new object rather than changing one already used. */
  count(name: string, value = 1, labels: TelemetryLabels = EMPTY): void {
    // Counters only count up, and recording never throws into the caller's work nor yields a record the
    // schema rejects: an amount that is not a count (negative, NaN, infinite) is not added. Summed, a
    // negative one would cancel real counts (a failed JSON parse). One comparison: the hot path stays cheap.
    if (!(value >= 0 && value !== Infinity)) return;
    // One-entry cache: hot loops count the same series with the same labels object.
    const last = this.lastCounter;
    if (last !== undefined && last.name === name && last.labelsRef === labels) {
      last.entry.value += value;
      return;
    }
    const key = seriesKey(name, labels);
    let entry = this.counters.get(key);
    if (entry) entry.value += value;
    else this.counters.set(key, (entry = { name, labels: { ...labels }, value }));
    this.lastCounter = { name, labelsRef: labels, entry };
  }

  observe(name: string, value: number, labels: TelemetryLabels = EMPTY): void {
    let h: HistogramState | undefined;
    const last = this.lastHistogram;
    if (last !== undefined && last.name === name && last.labelsRef === labels) h = last.entry;
    else {
      const key = seriesKey(name, labels);
      h = this.histograms.get(key);
      if (!h) {
        h = {
          name,
          labels: { ...labels },
          count: 0,
          sum: 0,
          min: Infinity,
          max: -Infinity,
          bucketCounts: new Float64Array(this.bounds.length),
        };
        this.histograms.set(key, h);
      }
      this.lastHistogram = { name, labelsRef: labels, entry: h };
    }
    h.count++;
    h.sum += value;
    if (value < h.min) h.min = value;
    if (value > h.max) h.max = value;
    // Per-bucket (non-cumulative) counts while recording; made cumulative in the snapshot.
    const i = lowerBound(this.bounds, value);
    if (i < this.bounds.length) h.bucketCounts[i]!++;
  }

  /** Times `fn` into histogram `name` (milliseconds). */
  async time<T>(name: string, fn: () => Promise<T>, labels?: TelemetryLabels): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.observe(name, performance.now() - start, labels);
    }
  }

  /** The record as it stands now (what `save()` writes). */
  snapshot(): TelemetryRecord {
    return {
      schema_version: '1.0',
      agent: this.agent,
      task_id: this.taskId,
      started_at: new Date(this.startedAt).toISOString(),
      ended_at: new Date(this.now()).toISOString(),
      file_reads: [...this.reads]
        .map(([path, r]) => ({ path, bytes: r.bytes, count: r.count }))
        .sort((a, b) => a.path.localeCompare(b.path)),
      cache: {
        hits: this.cacheHits,
        misses: this.cacheMisses,
        bytes_saved: this.cacheBytesSaved,
        tokens_saved: Math.round(this.cacheBytesSaved / BYTES_PER_TOKEN),
        ...(this.cacheByType.size > 0
          ? { by_type: Object.fromEntries([...this.cacheByType].map(([k, v]) => [k, { ...v }])) }
          : {}),
      },
      ...(this.prompts.count > 0 ? { prompts: { ...this.prompts, compared: { ...this.prompts.compared } } } : {}),
      commands: this.commands.map((c) => ({ ...c, argv: [...c.argv] })),
      warnings: [...this.warnings.values()].map((w) => ({ ...w })),
      counters: [...this.counters.values()].map((c) => ({ name: c.name, labels: { ...c.labels }, value: c.value })),
      histograms: [...this.histograms.values()].map((h) => {
        let cumulative = 0;
        const buckets = this.bounds.map((le, i) => ({ le, count: (cumulative += h.bucketCounts[i]!) }));
        return {
          name: h.name,
          labels: { ...h.labels },
          count: h.count,
          sum: h.sum,
          min: h.count ? h.min : null,
          max: h.count ? h.max : null,
          buckets,
        };
      }),
    };
  }

  /**
   * Writes `telemetry-<agent>.json` into `dir` (or the collector's `dir`) atomically; returns the path.
   * With `append: true` the figures are added to the file's (under its lock) and the collector is reset,
   * so saving twice never counts anything twice.
   */
  async save(dir = this.dir): Promise<string> {
    if (!dir) throw new TypeError('TelemetryCollector.save needs a folder: pass `dir` to createCollector or save()');
    const path = join(dir, telemetryFileName(this.agent));
    if (!this.append) {
      await writeJsonAtomic(path, this.snapshot());
      return path;
    }
    await appendRecord(path, this.snapshot());
    this.reset();
    return path;
  }

  /** Forgets everything recorded so far (the next snapshot starts now). */
  reset(): void {
    this.reads.clear();
    this.cacheHits = 0;
    this.cacheMisses = 0;
    this.cacheBytesSaved = 0;
    this.cacheByType.clear();
    this.prompts.count = 0;
    this.prompts.bytes = 0;
    this.prompts.compared = { count: 0, bytes: 0, baseline_bytes: 0 };
    this.commands.length = 0;
    this.warnings.clear();
    this.counters.clear();
    this.histograms.clear();
    this.lastCounter = undefined;
    this.lastHistogram = undefined;
    this.startedAt = this.now();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.dir) await this.save();
  }
}

export function createCollector(options: CollectorOptions): TelemetryCollector {
  return new TelemetryCollector(options);
}

/**
 * `telemetry-<agent>.json`: the name as is when made of ASCII letters, digits, `.`, `_` and `-`, any other
 * character %-encoded (its UTF-8 bytes). One name, one file: replacing them by `_` gave `a b` and `a_b`,
 * or any two names in another script, the same file, and their figures were merged into one agent.
 */
export function telemetryFileName(agent: string): string {
  const encoded = agent.replace(/[^A-Za-z0-9._-]/gu, (ch) =>
    Array.from(new TextEncoder().encode(ch), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return `telemetry-${encoded}.json`;
}

/** The name ST3 gave the file before {@link telemetryFileName} (other characters as `_`): still read. */
export function legacyTelemetryFileName(agent: string): string {
  return `telemetry-${agent.replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
}

const EMPTY: TelemetryLabels = Object.freeze({});

/** Series identity: name plus labels in key order. Avoids allocating when labels are already sorted (the usual case). */
function seriesKey(name: string, labels: TelemetryLabels): string {
  if (labels === EMPTY) return name;
  let sorted = true;
  let previous = '';
  let count = 0;
  for (const k in labels) {
    if (k < previous) sorted = false;
    previous = k;
    count++;
  }
  if (count === 0) return name;
  let key = name;
  if (sorted) {
    for (const k in labels) key += `\u0000${k}=${labels[k]}`;
    return key;
  }
  for (const k of Object.keys(labels).sort()) key += `\u0000${k}=${labels[k]}`;
  return key;
}

function lowerBound(bounds: readonly number[], value: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
