import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomizeSource, decodeSource, measureSource, type AtomizeOptions, type ComplexityRecord } from '../api.js';
import type { AtomizedFileRecord } from '../atomize.js';
import type { SkippedFile } from '../analyze.js';
import { skippedResult } from './skipped.js';
import { summarizeFile, type AtomizedFileSummary } from './summary.js';

/** Bump when the output of the same input changes, so old cache entries are not reused. */
export const CACHE_VERSION = 'atomizer-5';

export interface Job {
  /** Absolute path to read. */
  file: string;
  /** Path written in records (relative to the project root). */
  path: string;
  mode: 'atomize' | 'complexity';
  options: AtomizeOptions;
  /** Cache folder, or undefined for no cache. */
  cacheDir?: string;
  /** `summary`: an atomized file's result carries its summary, not its record (the cache keeps the record). */
  detail?: 'records' | 'summary';
}

/** One file's outcome; `R` is the record of the mode (`atomize`: AtomizedFileRecord, `complexity`: ComplexityRecord). */
export type JobResult<
  R extends AtomizedFileRecord | AtomizedFileSummary | ComplexityRecord = AtomizedFileRecord | ComplexityRecord,
> =
  | { path: string; ok: true; cached: boolean; record: R }
  | { path: string; ok: false; cached: boolean; skipped: SkippedFile };

function cacheKey(job: Job, bytes: Uint8Array): string {
  const h = createHash('sha256');
  h.update(`${CACHE_VERSION}\0${job.mode}\0${job.path}\0${JSON.stringify(job.options)}\0`);
  h.update(bytes);
  return h.digest('hex');
}

/** A result of any mode and detail. */
export type AnyJobResult = JobResult<AtomizedFileRecord | AtomizedFileSummary | ComplexityRecord>;

/** What a job cost, for the telemetry handle of `atomizeProject` (kept out of the result and its cache). */
export interface JobCost {
  bytes: number;
  /** Time parsing and atomizing (0 for a cache hit or an unreadable file). */
  parseMs: number;
}

/** One file, start to end: read, look up the content-hash cache, parse, atomize, store; summarized when asked. */
export async function runJobWithCost(job: Job): Promise<{ result: AnyJobResult; cost: JobCost }> {
  const { result, cost } = await computeJob(job);
  if (job.detail === 'summary' && job.mode === 'atomize' && result.ok)
    return { result: { ...result, record: summarizeFile(result.record as AtomizedFileRecord) }, cost };
  return { result, cost };
}

async function computeJob(job: Job): Promise<{ result: JobResult; cost: JobCost }> {
  const cost: JobCost = { bytes: 0, parseMs: 0 };
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(job.file);
  } catch (error) {
    return {
      result: skippedResult(job.path, 'E_FILE_READ', 'warning', `cannot read: ${readError(job.file, error)}`),
      cost,
    };
  }
  cost.bytes = bytes.length;
  const key = job.cacheDir ? cacheKey(job, bytes) : '';
  const entry = job.cacheDir ? join(job.cacheDir, key.slice(0, 2), `${key}.json`) : '';
  if (entry) {
    try {
      return { result: { ...(JSON.parse(readFileSync(entry, 'utf8')) as JobResult), cached: true }, cost };
    } catch {
      // not cached yet (or unreadable): compute it
    }
  }
  const decoded = decodeSource(bytes, job.path, job.options.language);
  let result: JobResult;
  if ('reason' in decoded) result = { path: job.path, ok: false, cached: false, skipped: decoded };
  else {
    const started = performance.now();
    const r =
      job.mode === 'atomize'
        ? await atomizeSource(decoded.text, job.path, job.options)
        : await measureSource(decoded.text, job.path, job.options);
    cost.parseMs = performance.now() - started;
    if ('reason' in r) result = { path: job.path, ok: false, cached: false, skipped: r };
    else {
      r.diagnostics.unshift(...decoded.warnings);
      result = { path: job.path, ok: true, cached: false, record: r };
    }
  }
  if (entry) {
    try {
      mkdirSync(join(job.cacheDir!, key.slice(0, 2)), { recursive: true });
      const tmp = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, JSON.stringify(result));
      renameSync(tmp, entry);
    } catch {
      // A cache that cannot be written only costs time.
    }
  }
  return { result, cost };
}

/** Why a file could not be read; a link whose target is missing says so (the walk lists links as git does). */
function readError(file: string, error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT' || code === 'ELOOP') {
    try {
      return `a symbolic link to ${readlinkSync(file)}, which ${code === 'ELOOP' ? 'loops' : 'does not exist'}`;
    } catch {
      // not a link: the error as it is
    }
  }
  return message;
}
