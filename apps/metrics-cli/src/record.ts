import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { splitCommand } from '@st3/process';
import { St3Error } from '@st3/schemas';
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

/**
 * Adds an agent's events to `telemetry-<agent>.json` in the task's context folder, under the file's
 * lock (concurrent agents lose nothing). The task must have a context (or telemetry) already: an unknown
 * task is E_CONTEXT_NOT_FOUND and nothing is created.
 */
export async function recordEvents(
  paths: MetricsPaths,
  taskId: string,
  agent: string,
  events: TelemetryEvents,
): Promise<{ file: string; recorded: string[] }> {
  checkEvents(events);
  const id = taskId.toUpperCase();
  const dir = join(paths.tasksDir, id);
  if (!hasMetricsSources(dir))
    throw new St3Error(
      'E_CONTEXT_NOT_FOUND',
      `no task context for ${id} in ${relative(paths.ws.root, paths.tasksDir) || '.'}`,
      {
        hint: `create it first: \`st3 tasks context init ${id}\``,
      },
    );
  const reads: [string, number][] = [];
  for (const path of events.fileRead ?? []) {
    const size =
      events.bytes ??
      (await stat(resolve(paths.ws.root, path)).then(
        (s) => (s.isFile() ? s.size : 0),
        () => 0,
      ));
    reads.push([path, size]);
  }
  const recorded: string[] = [];
  const file = await recordTelemetry({ dir, agent, taskId: id }, (c) => {
    for (const [path, size] of reads) {
      c.fileRead(path, size);
      recorded.push(`file read ${path} (${size} bytes)`);
    }
    if (events.cacheHit !== undefined) {
      c.cacheHit(events.bytes!, events.cacheHit);
      recorded.push(`cache hit ${events.cacheHit} (${events.bytes} bytes)`);
    }
    if (events.command !== undefined) {
      const split = splitCommand(events.command);
      c.command(split.ok ? split.argv : [events.command], events.exitCode!, events.durationMs!);
      recorded.push(`command "${events.command}" exit ${events.exitCode} in ${events.durationMs} ms`);
    }
    if (events.warning !== undefined) {
      c.warn(events.level ?? 'warning', events.warning);
      recorded.push(`${events.level ?? 'warning'} "${events.warning}"`);
    }
    if (events.promptBytes !== undefined) {
      c.prompt(events.promptBytes, events.baselineBytes);
      recorded.push(
        `prompt of ${events.promptBytes} bytes${events.baselineBytes !== undefined ? ` (baseline ${events.baselineBytes})` : ''}`,
      );
    }
    if (events.jsonParse !== undefined) {
      c.jsonParse(events.source ?? agent, events.jsonParse === 'ok');
      recorded.push(`JSON parse ${events.jsonParse} (${events.source ?? agent})`);
    }
  });
  return { file, recorded };
}
