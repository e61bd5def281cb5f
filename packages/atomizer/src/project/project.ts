import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TelemetryHandle } from '@st3/schemas';
import { ignoreInGit } from '@st3/fs';
import { St3Error } from '@st3/schemas/errors';
import type { AtomizeOptions, ComplexityRecord } from '../api.js';
import type { AtomizedFileRecord } from '../atomize.js';
import { checkVariant } from '../analyze.js';
import { resolveAtomOptions } from '../atoms/options.js';
import { findSourceFiles } from './files.js';
import { runJobWithCost, type AnyJobResult, type Job, type JobCost, type JobResult } from './job.js';
import { runPool } from './pool.js';
import { skippedResult } from './skipped.js';
import type { AtomizedFileSummary } from './summary.js';

export interface ProjectProgress {
  done: number;
  total: number;
  path: string;
  cached: boolean;
}

export interface ProjectOptions extends AtomizeOptions {
  /** Root for relative paths, globs and `.gitignore` (default: process.cwd()). */
  cwd?: string;
  /** `atomize` (default) gives full records; `complexity` only functions with their complexity. */
  mode?: 'atomize' | 'complexity';
  /**
   * With `mode: 'atomize'`: `records` (default) yields every file's whole record; `summary` yields its
   * counts and worst functions and atoms (`AtomizedFileSummary`), for a run that only reports totals.
   */
  detail?: 'records' | 'summary';
  /** Worker threads; 0 runs in this thread. Default: up to 4 (by CPU count) when there are 16 files or more. */
  workers?: number;
  /** Content-hash cache folder; `false` disables it. Default `<cwd>/.st3/cache/atomizer`. */
  cache?: string | false;
  /** Honour `.gitignore` for files found by expanding folders and globs (default true). */
  gitignore?: boolean;
  onProgress?: (progress: ProjectProgress) => void;
  signal?: AbortSignal;
  /** Receives `atomizer.files{status}`, `atomizer.bytes`, `atomizer.atoms`, `atomizer.parse_ms` and a `fileRead` per file (main thread only). */
  telemetry?: TelemetryHandle;
}

function workerUrl(): URL | undefined {
  for (const rel of ['./project/worker.js', './worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (url.protocol === 'file:' && existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/**
 * Atomizes (or measures) every source file matched by `patterns`, streaming one result per file
 * as it completes. Files are parsed in worker threads; unchanged files come from the cache.
 * The record type follows the mode: full records by default, function complexity with `mode: 'complexity'`.
 */
export function atomizeProject(
  patterns: string[],
  options: ProjectOptions & { mode: 'complexity' },
): AsyncGenerator<JobResult<ComplexityRecord>>;
export function atomizeProject(
  patterns: string[],
  options: ProjectOptions & { mode?: 'atomize'; detail: 'summary' },
): AsyncGenerator<JobResult<AtomizedFileSummary>>;
export function atomizeProject(
  patterns: string[],
  options?: ProjectOptions & { mode?: 'atomize'; detail?: 'records' },
): AsyncGenerator<JobResult<AtomizedFileRecord>>;
export function atomizeProject(
  patterns: string[],
  options: ProjectOptions & { mode?: 'atomize' },
): AsyncGenerator<JobResult<AtomizedFileRecord | AtomizedFileSummary>>;
export function atomizeProject(
  patterns: string[],
  options?: ProjectOptions & { detail?: 'records' },
): AsyncGenerator<JobResult>;
export function atomizeProject(patterns: string[], options?: ProjectOptions): AsyncGenerator<AnyJobResult>;
export async function* atomizeProject(patterns: string[], options: ProjectOptions = {}): AsyncGenerator<AnyJobResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const mode = options.mode ?? 'atomize';
  checkVariant(options.complexityVariant);
  if (mode === 'atomize') resolveAtomOptions(options);
  const { files, missing, unreadable } = await findSourceFiles(patterns, cwd, { gitignore: options.gitignore });
  if (missing.length > 0)
    throw new St3Error('E_FILE_NOT_FOUND', `no such file or folder: ${missing.join(', ')}`, {
      hint: 'paths are resolved from --cwd',
    });
  const jobOptions: AtomizeOptions = {
    language: options.language,
    complexityVariant: options.complexityVariant,
    targetLoc: options.targetLoc,
    maxLoc: options.maxLoc,
    maxComplexity: options.maxComplexity,
  };
  const cacheDir =
    options.cache === false ? undefined : resolve(cwd, options.cache ?? join('.st3', 'cache', 'atomizer'));
  // The cache never shows in `git status` (nor among auto scope's changed files).
  if (cacheDir && files.length > 0) await ignoreInGit(cacheDir).catch(() => undefined);
  const shown = (file: string) => {
    const rel = relative(cwd, file);
    return rel.startsWith('..') ? file : rel.split(sep).join('/');
  };
  const jobs: Job[] = files.map((file) => ({
    file,
    path: shown(file),
    mode,
    options: jobOptions,
    cacheDir,
    detail: options.detail,
  }));
  // A folder that could not be listed is a skipped entry: whoever needs every file measured sees the gap.
  for (const { folder, code } of unreadable)
    yield skippedResult(
      shown(folder),
      'E_FILE_READ',
      'warning',
      `cannot list this folder (${code}): its source files were not read`,
    );
  const total = jobs.length;
  let done = 0;
  const telemetry = options.telemetry;
  const report = (r: AnyJobResult, cost: JobCost) => {
    if (telemetry) reportJob(telemetry, r, cost);
    options.onProgress?.({ done: ++done, total, path: r.path, cached: r.cached });
  };
  const url = workerUrl();
  const wanted = options.workers ?? (total >= 16 ? Math.min(4, availableParallelism()) : 0);
  const count = url ? Math.min(wanted, total) : 0;
  if (count <= 0) {
    for (const job of jobs) {
      if (options.signal?.aborted) throw new St3Error('E_INTERRUPTED', 'atomize was cancelled');
      const { result: r, cost } = await runJobWithCost(job);
      report(r, cost);
      yield r;
    }
    return;
  }
  yield* runPool(jobs, count, url!, report, options.signal);
}

/** One file as the metrics dashboard reads it (atomizer throughput: bytes per parse millisecond). */
function reportJob(telemetry: TelemetryHandle, r: AnyJobResult, cost: JobCost): void {
  // Every file read counts as a read of the task's agent (the `file_reads_per_agent` criterion), cached or not.
  if (cost.bytes > 0) telemetry.fileRead?.(r.path, cost.bytes);
  telemetry.count('atomizer.files', 1, { status: !r.ok ? 'skipped' : r.cached ? 'cached' : 'parsed' });
  telemetry.count('atomizer.bytes', cost.bytes);
  if (r.ok && 'atoms' in r.record)
    telemetry.count('atomizer.atoms', typeof r.record.atoms === 'number' ? r.record.atoms : r.record.atoms.length);
  if (r.ok && !r.cached) telemetry.observe('atomizer.parse_ms', cost.parseMs);
}
