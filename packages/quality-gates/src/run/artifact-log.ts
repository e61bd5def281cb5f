import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { ProcessResult } from '@st3/process';

export interface ArtifactLogOptions {
  /** Folder for the logs (relative to the workspace root or absolute). */
  dir: string;
  /** Keep at most this many log files; the oldest go first (default 200). */
  maxFiles?: number;
}

/** Writes one run's raw output: `<time>-<gate>[-<chunk>].log`, names sorting oldest first. */
export async function writeArtifactLog(
  root: string,
  options: ArtifactLogOptions,
  gateId: string,
  argv: readonly string[],
  run: ProcessResult,
  chunk: number,
  now: Date,
): Promise<string> {
  const dir = isAbsolute(options.dir) ? options.dir : resolve(root, options.dir);
  await mkdir(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const safeId = gateId.replace(/[^\w.-]/g, '_');
  const name = `${stamp}-${safeId}${chunk > 0 ? `-${chunk}` : ''}.log`;
  const body = [
    `gate: ${gateId}`,
    `command: ${JSON.stringify(argv)}`,
    `exit_code: ${run.exitCode ?? 'none'}${run.signal ? ` (signal ${run.signal})` : ''}`,
    `duration_ms: ${run.durationMs}`,
    ...(run.error ? [`error: ${run.error.code}: ${run.error.message}`] : []),
    ...(run.truncated
      ? [`truncated: stdout ${run.stdoutBytes} bytes, stderr ${run.stderrBytes} bytes written by the tool`]
      : []),
    '--- stdout ---',
    run.stdout,
    '--- stderr ---',
    run.stderr,
  ].join('\n');
  const path = join(dir, name);
  await writeFile(path, body);
  return path;
}

/** Deletes the oldest `*.log` files beyond `maxFiles`. */
export async function rotateArtifactLogs(root: string, options: ArtifactLogOptions): Promise<number> {
  const dir = isAbsolute(options.dir) ? options.dir : resolve(root, options.dir);
  const max = options.maxFiles ?? 200;
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
  } catch {
    return 0;
  }
  const excess = names.slice(0, Math.max(0, names.length - max));
  await Promise.all(excess.map((n) => rm(join(dir, n), { force: true })));
  return excess.length;
}
