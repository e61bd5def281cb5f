import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { taskIdOfRef } from '@st3/evidence';
import { splitCommand } from '@st3/process';
import { St3Error, type Diagnostic } from '@st3/schemas';
import { recordTelemetry } from '@st3/telemetry';
import { hasMetricsSources, type MetricsPaths } from './collect.js';

/** What one `st3 telemetry record` call adds (the seed's TelemetryCollector methods, as flags). */
export interface TelemetryEvents {
  fileRead?: readonly string[];
  bytes?: number;
  cacheHit?: string;
  command?: string;
  exitCode?: number;
  durationMs?: number;
  warning?: string;
  level?: 'info' | 'warning' | 'error';
  promptBytes?: number;
  baselineBytes?: number;
  jsonParse?: 'ok' | 'failed';
  source?: string;
}

const usage = (message: string, hint: string) => new St3Error('E_USAGE', message, { hint });

/** Refuses flag combinations that do not say one thing (exit 2), before anything is written. */
export function checkEvents(e: TelemetryEvents): void {
  const kinds = [
    e.fileRead?.length ? '--file-read' : '',
    e.cacheHit !== undefined ? '--cache-hit' : '',
    e.command !== undefined ? '--command' : '',
    e.warning !== undefined ? '--warning' : '',
    e.promptBytes !== undefined ? '--prompt-bytes' : '',
    e.jsonParse !== undefined ? '--json-parse' : '',
  ].filter(Boolean);
  if (kinds.length === 0)
    throw usage(
      'nothing to record',
      'give --file-read PATH, --cache-hit TYPE --bytes N, --command CMD --exit-code N --duration-ms N, --warning TEXT, --prompt-bytes N or --json-parse ok|failed',
    );
  if (e.bytes !== undefined && e.fileRead?.length && e.cacheHit !== undefined)
    throw usage('--bytes is ambiguous with both --file-read and --cache-hit', 'record them in two calls');
  if (e.bytes !== undefined && !e.fileRead?.length && e.cacheHit === undefined)
    throw usage('--bytes goes with --file-read or --cache-hit', 'e.g. --cache-hit task_snapshot --bytes 8192');
  if (e.bytes !== undefined && (e.fileRead?.length ?? 0) > 1)
    throw usage(
      '--bytes is the size of one read; give one --file-read with it',
      'or leave --bytes out: each file is measured',
    );
  if (e.cacheHit !== undefined && e.bytes === undefined)
    throw usage(
      '--cache-hit needs --bytes (the bytes served from the cache)',
      'e.g. --cache-hit task_snapshot --bytes 8192',
    );
  if (e.command !== undefined && (e.exitCode === undefined || e.durationMs === undefined))
    throw usage(
      '--command needs --exit-code and --duration-ms',
      'e.g. --command "pnpm test" --exit-code 0 --duration-ms 5120',
    );
  if (e.command === undefined && (e.exitCode !== undefined || e.durationMs !== undefined))
    throw usage(
      '--exit-code and --duration-ms go with --command',
      'e.g. --command "pnpm test" --exit-code 0 --duration-ms 5120',
    );
  if (e.level !== undefined && e.warning === undefined)
    throw usage('--level goes with --warning', 'e.g. --warning "stale excerpt" --level info');
  if (e.baselineBytes !== undefined && e.promptBytes === undefined)
    throw usage('--baseline-bytes goes with --prompt-bytes', 'e.g. --prompt-bytes 3400 --baseline-bytes 4200');
  if (e.source !== undefined && e.jsonParse === undefined)
    throw usage('--source goes with --json-parse', 'e.g. --json-parse failed --source agent');
}

/** Several events of each kind at once (the MCP `telemetry_record` arguments); `st3 telemetry record` gives one. */
export interface TelemetryBatch {
  /** Files read; `bytes` defaults to the file's size (0, with a warning, when it cannot be measured). */
  fileReads?: readonly { path: string; bytes?: number }[];
  cacheHits?: readonly { type: string; bytes: number }[];
  /** Commands as one line each, split as a shell would (`pnpm test -- -t "adds two"`). */
  commands?: readonly { command: string; exitCode: number | null; durationMs: number }[];
  warnings?: readonly { message: string; level?: 'info' | 'warning' | 'error' }[];
  prompts?: readonly { bytes: number; baselineBytes?: number }[];
  /** JSON parses; `source` defaults to the agent. */
  jsonParses?: readonly { source?: string; ok: boolean }[];
}

/** The one-event flags of `st3 telemetry record` as a batch (after `checkEvents`). */
export function batchOf(e: TelemetryEvents): TelemetryBatch {
  return {
    fileReads: (e.fileRead ?? []).map((path) => ({ path, ...(e.bytes !== undefined ? { bytes: e.bytes } : {}) })),
    cacheHits: e.cacheHit !== undefined ? [{ type: e.cacheHit, bytes: e.bytes! }] : [],
    commands: e.command !== undefined ? [{ command: e.command, exitCode: e.exitCode!, durationMs: e.durationMs! }] : [],
    warnings: e.warning !== undefined ? [{ message: e.warning, level: e.level ?? 'warning' }] : [],
    prompts: e.promptBytes !== undefined ? [{ bytes: e.promptBytes, baselineBytes: e.baselineBytes }] : [],
    jsonParses: e.jsonParse !== undefined ? [{ source: e.source, ok: e.jsonParse === 'ok' }] : [],
  };
}

/**
 * Adds an agent's events (one of each kind, as the CLI flags give them) to `telemetry-<agent>.json` in
 * the task's context folder: see `recordBatch`. Flags that do not say one thing are E_USAGE first.
 */
export async function recordEvents(
  paths: MetricsPaths,
  taskId: string,
  agent: string,
  events: TelemetryEvents,
  options: RecordOptions = {},
): Promise<RecordResult> {
  checkEvents(events);
  return recordBatch(paths, taskId, agent, batchOf(events), options);
}

export interface RecordOptions {
  /** The folder relative file-read paths are resolved from (the invocation folder; default the workspace root). */
  cwd?: string;
}

export interface RecordResult {
  /** The task id recorded for (from an id or a task file's path). */
  taskId: string;
  file: string;
  recorded: string[];
  /** A file read whose size could not be measured (missing, not a file): recorded with 0 bytes, and said so. */
  warnings: Diagnostic[];
}

/**
 * A file read as recorded: its path relative to the workspace root when inside it (what ST3's own verbs
 * record, so one file is one file whichever folder the agent ran from), and its size unless given.
 */
async function fileReadOf(root: string, cwd: string, read: { path: string; bytes?: number }, warnings: Diagnostic[]) {
  const absolute = resolve(cwd, read.path);
  const inRoot = relative(root, absolute);
  const outside = inRoot === '' || inRoot === '..' || inRoot.startsWith(`..${sep}`) || isAbsolute(inRoot);
  const path = outside ? absolute : inRoot.split(sep).join('/');
  if (read.bytes !== undefined) return { path, bytes: read.bytes };
  const size = await stat(absolute).then(
    (s) => (s.isFile() ? s.size : 'not a file'),
    () => 'not found',
  );
  if (typeof size === 'number') return { path, bytes: size };
  warnings.push({
    code: size === 'not found' ? 'E_FILE_NOT_FOUND' : 'E_FILE_READ',
    severity: 'warning',
    file: absolute,
    message: `${size}: its read is recorded with 0 bytes`,
    hint: 'give its size with --bytes N; a relative path is resolved from the folder st3 runs in',
  });
  return { path, bytes: 0 };
}

/**
 * Adds an agent's events to `telemetry-<agent>.json` in the task's context folder, under the file's
 * lock (concurrent agents lose nothing). Nothing to record is E_USAGE; the task must have a context (or
 * telemetry) already: an unknown task is E_CONTEXT_NOT_FOUND and nothing is created.
 */
export async function recordBatch(
  paths: MetricsPaths,
  taskId: string,
  agent: string,
  batch: TelemetryBatch,
  options: RecordOptions = {},
): Promise<RecordResult> {
  const count = Object.values(batch).reduce((n, list: readonly unknown[] | undefined) => n + (list?.length ?? 0), 0);
  if (count === 0) checkEvents({});
  const id = taskIdOfRef(taskId);
  const dir = join(paths.tasksDir, id);
  if (!hasMetricsSources(dir))
    throw new St3Error(
      'E_CONTEXT_NOT_FOUND',
      `no task context for ${id} in ${relative(paths.ws.root, paths.tasksDir) || '.'}`,
      {
        hint: `create it first: \`st3 tasks context init ${id}\``,
      },
    );
  const warnings: Diagnostic[] = [];
  const reads: [string, number][] = [];
  for (const r of batch.fileReads ?? []) {
    const read = await fileReadOf(paths.ws.root, options.cwd ?? paths.ws.root, r, warnings);
    reads.push([read.path, read.bytes]);
  }
  const recorded: string[] = [];
  const file = await recordTelemetry({ dir, agent, taskId: id }, (c) => {
    for (const [path, size] of reads) {
      c.fileRead(path, size);
      recorded.push(`file read ${path} (${size} bytes)`);
    }
    for (const h of batch.cacheHits ?? []) {
      c.cacheHit(h.bytes, h.type);
      recorded.push(`cache hit ${h.type} (${h.bytes} bytes)`);
    }
    for (const x of batch.commands ?? []) {
      const split = splitCommand(x.command);
      c.command(split.ok ? split.argv : [x.command], x.exitCode, x.durationMs);
      recorded.push(`command "${x.command}" exit ${x.exitCode} in ${x.durationMs} ms`);
    }
    for (const w of batch.warnings ?? []) {
      c.warn(w.level ?? 'warning', w.message);
      recorded.push(`${w.level ?? 'warning'} "${w.message}"`);
    }
    for (const p of batch.prompts ?? []) {
      c.prompt(p.bytes, p.baselineBytes);
      recorded.push(
        `prompt of ${p.bytes} bytes${p.baselineBytes !== undefined ? ` (baseline ${p.baselineBytes})` : ''}`,
      );
    }
    for (const j of batch.jsonParses ?? []) {
      c.jsonParse(j.source ?? agent, j.ok);
      recorded.push(`JSON parse ${j.ok ? 'ok' : 'failed'} (${j.source ?? agent})`);
    }
  });
  return { taskId: id, file, recorded, warnings };
}
