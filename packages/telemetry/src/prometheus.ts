import { createServer, type Server } from 'node:http';
import type { Diagnostic, TelemetryRecord } from '@st3/schemas';
import type { Counter, Metric, Registry } from 'prom-client';
import { promClient } from './prom-client.js';

/** `st3_<name>` made valid for Prometheus (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
export function metricName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return `st3_${/^[0-9]/.test(clean) ? `_${clean}` : clean}`;
}

function labelName(name: string): string {
  const clean = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(clean) || clean.startsWith('__') ? `l_${clean}` : clean;
}

function cleanLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [labelName(k), v]));
}

/** The series every record has; a record's own counter of the same name is served beside them, not added in. */
const BUILT_IN = new Set([
  'st3_file_reads_total',
  'st3_file_read_bytes_total',
  'st3_cache_hits_total',
  'st3_cache_misses_total',
  'st3_cache_tokens_saved_total',
  'st3_commands_total',
  'st3_command_duration_ms_total',
  'st3_warnings_total',
  'st3_prompts_total',
  'st3_prompt_bytes_total',
  'st3_prompt_baseline_bytes_total',
]);

/** The exposed name of a record's own counter (`count(name)`), kept apart from the built-in series. */
function counterName(name: string): string {
  const exposed = `${metricName(name)}_total`;
  return BUILT_IN.has(exposed) ? `${metricName(`custom_${name}`)}_total` : exposed;
}

/**
 * Every label name each counter family is recorded with across the records. One counter counted with
 * other labels by another agent (or an older version) is one family with the union of the labels, a
 * label a series lacks being empty (what Prometheus reads as absent): one registry cannot hold a family
 * twice, and refusing it failed the whole scrape.
 */
function counterLabelNames(records: readonly TelemetryRecord[]): Map<string, string[]> {
  const names = new Map<string, Set<string>>();
  for (const r of records)
    for (const c of r.counters) {
      const set = names.get(counterName(c.name)) ?? new Set(Object.keys(cleanLabels(c.labels)));
      for (const k of Object.keys(cleanLabels(c.labels))) set.add(k);
      names.set(counterName(c.name), set);
    }
  return new Map([...names].map(([name, set]) => [name, [...set, 'agent', 'task'].filter(uniqueLabel)]));
}

const uniqueLabel = (name: string, i: number, all: string[]) => all.indexOf(name) === i;

/** A prom-client registry holding every series of the given telemetry records (labelled by agent and task). */
export function registryFromRecords(records: readonly TelemetryRecord[]): Registry {
  const { Counter, Registry } = promClient();
  const registry = new Registry();
  const counters = new Map<string, Counter<string>>();
  const counter = (name: string, help: string, labelNames: string[]) => {
    let c = counters.get(name);
    if (!c) {
      c = new Counter({ name, help, labelNames, registers: [registry] });
      counters.set(name, c);
    }
    return c;
  };
  const ownLabels = counterLabelNames(records);
  for (const r of records) {
    const base = { agent: r.agent, task: r.task_id ?? '' };
    const reads = r.file_reads.reduce((s, f) => s + f.count, 0);
    const bytes = r.file_reads.reduce((s, f) => s + f.bytes, 0);
    counter('st3_file_reads_total', 'Files read by the agent', ['agent', 'task']).inc(base, reads);
    counter('st3_file_read_bytes_total', 'Bytes of files read by the agent', ['agent', 'task']).inc(base, bytes);
    counter('st3_cache_hits_total', 'Context cache hits', ['agent', 'task']).inc(base, r.cache.hits);
    counter('st3_cache_misses_total', 'Context cache misses', ['agent', 'task']).inc(base, r.cache.misses);
    counter('st3_cache_tokens_saved_total', 'Estimated prompt tokens saved by the cache (bytes / 4)', [
      'agent',
      'task',
    ]).inc(base, r.cache.tokens_saved);
    for (const c of r.commands) {
      const outcome = c.exit_code === 0 ? 'ok' : 'failed';
      counter('st3_commands_total', 'Commands run', ['agent', 'task', 'outcome']).inc({ ...base, outcome }, 1);
      counter('st3_command_duration_ms_total', 'Milliseconds spent in commands', ['agent', 'task', 'outcome']).inc(
        { ...base, outcome },
        c.duration_ms,
      );
    }
    for (const w of r.warnings)
      counter('st3_warnings_total', 'Warnings, counting repeats', ['agent', 'task', 'level']).inc(
        { ...base, level: w.level },
        w.count,
      );
    if (r.prompts) {
      counter('st3_prompts_total', 'Prompts sent by the agent', ['agent', 'task']).inc(base, r.prompts.count);
      counter('st3_prompt_bytes_total', 'Bytes of the prompts sent by the agent', ['agent', 'task']).inc(
        base,
        r.prompts.bytes,
      );
      counter(
        'st3_prompt_baseline_bytes_total',
        'Bytes the compared prompts would have had without the context cache',
        ['agent', 'task'],
      ).inc(base, r.prompts.compared.baseline_bytes);
    }
    for (const c of r.counters) {
      const name = counterName(c.name);
      const labelNames = ownLabels.get(name)!;
      const own: Record<string, string> = { ...cleanLabels(c.labels), ...base };
      const labels = Object.fromEntries(labelNames.map((k) => [k, own[k] ?? '']));
      counter(name, `Counter ${c.name}`, labelNames).inc(labels, c.value);
    }
  }
  const histograms = new Map<string, { labels: Record<string, string>; h: TelemetryRecord['histograms'][number] }[]>();
  for (const r of records) {
    for (const h of r.histograms) {
      const list = histograms.get(h.name) ?? [];
      list.push({ labels: { ...cleanLabels(h.labels), agent: r.agent, task: r.task_id ?? '' }, h });
      histograms.set(h.name, list);
    }
  }
  for (const [name, series] of histograms)
    registry.registerMetric(preBucketedHistogram(metricName(name), `Histogram ${name}`, series));
  return registry;
}

/** A histogram whose buckets were counted by the collector, exposed through prom-client's registry. */
export function preBucketedHistogram(
  name: string,
  help: string,
  series: { labels: Record<string, string>; h: TelemetryRecord['histograms'][number] }[],
): Metric<string> {
  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (const { labels, h } of series) {
        for (const b of h.buckets)
          values.push({ labels: { ...labels, le: b.le }, value: b.count, metricName: `${name}_bucket` });
        values.push({ labels: { ...labels, le: '+Inf' }, value: h.count, metricName: `${name}_bucket` });
        values.push({ labels, value: h.sum, metricName: `${name}_sum` });
        values.push({ labels, value: h.count, metricName: `${name}_count` });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
    reset() {},
  };
  return metric as unknown as Metric<string>;
}

/** Prometheus text exposition (version 0.0.4) of the given records. */
export function toPrometheusText(records: readonly TelemetryRecord[]): Promise<string> {
  return registryFromRecords(records).metrics();
}

/**
 * What a scrape serves: the records read, and the telemetry files that could not be read (one located
 * error per file or more). With `unreadable` the scrape says how complete it is; without it, it cannot.
 */
export interface TelemetryLoad {
  records: readonly TelemetryRecord[];
  unreadable: readonly Diagnostic[];
}

/**
 * Adds to `registry` how many telemetry files could not be read (`st3_telemetry_files_unreadable`, 0 when
 * all were) and one `st3_telemetry_unreadable_file_info{file,code,line,column}` per file at its first
 * error: the telemetry series leave those files' figures out, and a scrape must not read as complete.
 */
export function addUnreadableFiles(registry: Registry, unreadable: readonly Diagnostic[]): void {
  const { Gauge } = promClient();
  const byFile = new Map<string, Diagnostic>();
  for (const d of unreadable) if (!byFile.has(d.file ?? '')) byFile.set(d.file ?? '', d);
  new Gauge({
    name: 'st3_telemetry_files_unreadable',
    help: 'Telemetry files (or task folders) that could not be read or parsed: their figures are missing from the st3_* telemetry series (incomplete when above 0)',
    registers: [registry],
  }).set(byFile.size);
  const info = new Gauge({
    name: 'st3_telemetry_unreadable_file_info',
    help: 'A telemetry file (or task folder) that could not be read or parsed, at its first error (the serving process logs each error on stderr)',
    labelNames: ['file', 'code', 'line', 'column'],
    registers: [registry],
  });
  for (const [file, d] of byFile)
    info.set({ file, code: d.code, line: String(d.line ?? ''), column: String(d.column ?? '') }, 1);
}

export interface MetricsServerOptions {
  port: number;
  /** Loopback by default; another address must be asked for explicitly. */
  host?: string;
  /**
   * Called on every scrape, so the page always shows the latest records. Return the unreadable files too
   * ({@link TelemetryLoad}) so the scrape exposes them; a bare list of records cannot say what is missing.
   */
  load: () => Promise<readonly TelemetryRecord[] | TelemetryLoad>;
  /** More metrics to serve beside the records' (e.g. the execution metrics), built on every scrape. */
  extra?: () => Promise<Registry | undefined>;
}

/** An HTTP server answering `GET /metrics` with the Prometheus exposition. Resolves once listening. */
export function serveMetrics(
  options: MetricsServerOptions,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    options
      .load()
      .then(async (loaded) => {
        const { records, unreadable } = Array.isArray(loaded)
          ? { records: loaded as readonly TelemetryRecord[], unreadable: undefined }
          : (loaded as TelemetryLoad);
        const own = registryFromRecords(records);
        if (unreadable) addUnreadableFiles(own, unreadable);
        const more = await options.extra?.();
        return more ? promClient().Registry.merge([own, more]) : own;
      })
      .then(async (registry) => {
        const body = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType }).end(body);
      })
      .catch((error: unknown) =>
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`),
      );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        url: `http://${shownHost}:${port}/metrics`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
