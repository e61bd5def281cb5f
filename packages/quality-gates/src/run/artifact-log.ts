import { mkdir, open, readdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { ProcessResult } from '@st3/process';

export interface ArtifactLogOptions {
  /** Folder for the logs (relative to the workspace root or absolute). */
  dir: string;
  /** Keep at most this many of ST3's own log files; the oldest go first (default 200). Other files are never touched. */
  maxFiles?: number;
}

/*
 * The log folder is often shared with the application's own logs (the seed's configs point it at
 * `mcp_server/logs/qa_logs`), so rotation must only ever touch files ST3 wrote. The name format and the
 * header are defined here, side by side with the pattern that recognises them: change one, change both
 * (a test checks the pattern against the writer's names).
 */

/** The first bytes of every log ST3 writes (`gate: <id>`). */
const LOG_HEADER = 'gate: ';

/**
 * The name of one run's log: `<ISO time, ':' and '.' as '-'>-<gate>[-<chunk>].log`, e.g.
 * `2024-05-01T12-30-00-123Z-ruff.log` or `…Z-mypy-2.log`; names sort oldest first.
 */
export function artifactLogName(now: Date, gateId: string, chunk: number): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const safeId = gateId.replace(/[^\w.-]/g, '_') || '_';
  return `${stamp}-${safeId}${chunk > 0 ? `-${chunk}` : ''}.log`;
}

/**
 * Exactly the names `artifactLogName` produces (years 0000-9999; the chunk suffix is part of `[\w.-]+`).
 * Rotation counts and deletes only files whose name matches this and whose content starts with the header.
 */
export const ARTIFACT_LOG_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[\w.-]+\.log$/;

/** Writes one run's raw output to `artifactLogName(now, gateId, chunk)` in the log folder. */
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
  const name = artifactLogName(now, gateId, chunk);
  const body = [
    `${LOG_HEADER}${gateId}`,
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

/**
 * Deletes the oldest of ST3's own logs beyond `maxFiles`: regular files named as `artifactLogName` names them
 * and starting with ST3's header. Every other file of the folder (the application's `*.log` files, whatever
 * their name) is neither counted nor touched.
 */
export async function rotateArtifactLogs(root: string, options: ArtifactLogOptions): Promise<number> {
  const dir = isAbsolute(options.dir) ? options.dir : resolve(root, options.dir);
  const max = options.maxFiles ?? 200;
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && ARTIFACT_LOG_NAME.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return 0;
  }
  if (names.length <= max) return 0;
  const own: string[] = [];
  for (const n of names) if (await startsWithHeader(join(dir, n))) own.push(n);
  const excess = own.slice(0, Math.max(0, own.length - max));
  await Promise.all(excess.map((n) => rm(join(dir, n), { force: true })));
  return excess.length;
}

/** Whether a file begins with ST3's log header (read errors: no, it is left alone). */
async function startsWithHeader(path: string): Promise<boolean> {
  const head = Buffer.alloc(LOG_HEADER.length);
  try {
    const file = await open(path, 'r');
    try {
      const { bytesRead } = await file.read(head, 0, head.length, 0);
      return head.toString('utf8', 0, bytesRead) === LOG_HEADER;
    } finally {
      await file.close();
    }
  } catch {
    return false;
  }
}
