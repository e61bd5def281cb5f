import type { Stats } from 'node:fs';
import { lstat, mkdir, readFile, readlink, rename, rm, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { withFileLock, writeFileAtomic, writeJsonAtomic } from '@st3/fs';
import {
  EvidenceEntrySchema,
  EvidenceIndexSchema,
  QaMetadataSchema,
  St3Error,
  type ArchiveIndex,
  type Diagnostic,
  type EvidenceEntry,
  type EvidenceIndex,
  type EvidenceType,
} from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { readContext, updateContext } from '../context/store.js';
import { withUnknownKeys } from '../lossless.js';
import {
  displayPath,
  exists,
  isInside,
  readRecord,
  resolveInside,
  sha256,
  sha256File,
  systemClock,
  type Clock,
} from '../util.js';
import { qaMetadataOf, qaRecordIn, readRunsFile } from '../qa/runs.js';
import { archiveDirectory, type LeftOutEntry } from './archive.js';
import { archiveIndexProblems } from './archive-check.js';

/** Size limits per type, in bytes (a directory's limit applies to its compressed archive). */
export const EVIDENCE_LIMITS: Record<EvidenceType, number> = {
  file: 1_000_000,
  directory: 50_000_000,
  archive: 50_000_000,
  log: 10_000_000,
  screenshot: 5_000_000,
  qa_output: 10_000_000,
  summary: 500_000,
  diff: 10_000_000,
};

export interface AttachOptions {
  type: EvidenceType;
  /** Path of the file or folder, relative to the workspace root. */
  source: string;
  description: string;
  metadata?: Record<string, unknown>;
  /** Accept a source outside the workspace. */
  allowOutside?: boolean;
  clock?: Clock;
  signal?: AbortSignal;
}

export interface AttachResult {
  entry: EvidenceEntry;
  /** False when the same bytes were already attached (the existing entry is returned). */
  created: boolean;
  /** For a directory: what was not archived (symlinks leaving the folder, special files), as in its index. */
  leftOut: LeftOutEntry[];
  warnings: Diagnostic[];
}

const evidenceDir = (ws: EvidenceWorkspace, taskId: string): string => join(contextDirFor(ws, taskId), 'evidence');
export const indexFile = (ws: EvidenceWorkspace, taskId: string): string => join(evidenceDir(ws, taskId), 'index.json');

/** A task's evidence index as its schema knows it (no index yet: no entries). */
export function readEvidenceIndex(ws: EvidenceWorkspace, taskId: string): Promise<EvidenceIndex> {
  return loadEvidenceIndex(ws, taskId, false);
}

/**
 * The evidence index; with `keepUnknown`, with the keys the schema does not know too (a person's or
 * another tool's fields, at any depth), which `attachEvidence` writes back as they were.
 */
async function loadEvidenceIndex(ws: EvidenceWorkspace, taskId: string, keepUnknown: boolean): Promise<EvidenceIndex> {
  const file = indexFile(ws, taskId);
  const read = await readRecord(file, EvidenceIndexSchema, {
    what: `evidence index of ${taskId}`,
    display: displayPath(ws.root, file),
  });
  if (read === undefined) return { version: 1, task_id: taskId, entries: [] };
  return keepUnknown ? withUnknownKeys(read.raw, read.data) : read.data;
}

function validate(options: AttachOptions): void {
  if (!(options.type in EVIDENCE_LIMITS))
    throw new St3Error('E_EVIDENCE_INVALID', `unknown evidence type "${options.type}"`, {
      hint: `one of: ${Object.keys(EVIDENCE_LIMITS).join(', ')}`,
    });
  if (options.description.length > 200)
    throw new St3Error('E_EVIDENCE_INVALID', `description is ${options.description.length} characters; at most 200`, {
      hint: 'shorten it; put details in a summary attachment',
    });
  if (options.description.trim() === '')
    throw new St3Error('E_EVIDENCE_INVALID', 'a description is required', { hint: 'say what the evidence shows' });
  if (options.type === 'qa_output' && hasQaMetadata(options.metadata)) {
    // All or nothing: without any, the metadata comes from a QA record (see `qaMetadataFor`).
    const parsed = QaMetadataSchema.safeParse(options.metadata ?? {});
    if (!parsed.success)
      throw new St3Error(
        'E_EVIDENCE_INVALID',
        `qa_output needs metadata command, exit_code and duration_ms (${parsed.error.issues.map((i) => i.path.join('.') || i.message).join(', ')})`,
        { hint: 'e.g. --meta command="pnpm test" --meta exit_code=0 --meta duration_ms=5120' },
      );
  }
}

const QA_FIELDS = ['command', 'exit_code', 'duration_ms'] as const;
const hasQaMetadata = (m: Record<string, unknown> | undefined): boolean =>
  m !== undefined && QA_FIELDS.some((k) => m[k] !== undefined);

/**
 * The QA metadata of a `qa_output` attached without any: from the file itself when it is a QA record
 * (`st3 qa record --json` output), else from the task's recorded QA run whose log has these bytes.
 * Without either the attachment is kept without metadata (it covers no validation command) and a
 * warning says so; a later `st3 qa record` of the same log fills it in.
 */
async function qaMetadataFor(
  job: AttachJob,
  id: string,
  content: Buffer | undefined,
): Promise<Record<string, unknown> | undefined> {
  const { ws, taskId, options } = job;
  const source = options.source;
  const own = content ? qaRecordIn(content.toString('utf8')) : undefined;
  const run = own ?? (await readRunsFile(contextDirFor(ws, taskId))).findLast((r) => r.evidence_id === id);
  if (run) return qaMetadataOf(run);
  job.warnings.push({
    code: 'W_QA_METADATA_MISSING',
    severity: 'warning',
    file: source,
    message: `${source} has no QA record yet: attached without command, exit code and duration, so it covers no validation command`,
    hint: `record it: st3 qa record ${taskId} --command "…" --exit-code N --log ${source}`,
  });
  return undefined;
}

/**
 * Attaches evidence to a task: checks type, size and description, stores the bytes as `<id><ext>`
 * (id = first 16 hex of the SHA-256), archives a folder as a deterministic tar.zst with a per-file
 * index, and records it in `evidence/index.json` and context.json, all under the context lock.
 */
export async function attachEvidence(
  ws: EvidenceWorkspace,
  taskId: string,
  options: AttachOptions,
): Promise<AttachResult> {
  validate(options);
  const clock = options.clock ?? systemClock;
  await readContext(ws, taskId); // fails early with E_CONTEXT_NOT_FOUND
  const abs = await resolveInside(ws.root, options.source, { allowOutside: options.allowOutside }).catch(
    (error: unknown) => {
      throw sourceReadError(options.source, error);
    },
  );
  const info = await lstat(abs)
    .then((l) => (l.isSymbolicLink() ? stat(abs) : l))
    .catch((error: unknown) => {
      throw sourceReadError(options.source, error);
    });
  const dir = evidenceDir(ws, taskId);
  await mkdir(dir, { recursive: true });
  const job: AttachJob = { ws, taskId, options, abs, dir, clock, limit: EVIDENCE_LIMITS[options.type], warnings: [] };
  return updateContext(
    ws,
    taskId,
    async (context) => {
      const staged = await stage(job, info);
      if (staged.size > job.limit) {
        // A staged copy goes; a file is staged as itself (its bytes in memory): never the user's file.
        if (staged.path !== job.abs) await rm(staged.path, { force: true });
        throw tooLarge(options, staged.size, job.limit);
      }
      const id = staged.digest.slice(0, 16);
      const index = await loadEvidenceIndex(ws, taskId, true);
      const existing = index.entries.find((e) => e.id === id);
      const metadata = await metadataFor(job, id, existing, staged.content);
      if (existing) return keepExisting(job, staged, existing, metadata, index);
      const entry = await storeEvidence(job, staged, id, metadata);
      index.entries.push(entry);
      await writeEvidenceIndex(ws, taskId, index);
      context.evidence.push({ id, type: options.type, sha256: staged.digest });
      return { entry, created: true, leftOut: staged.leftOut, warnings: job.warnings };
    },
    clock,
  );
}

/** What the steps of one attachment share. */
interface AttachJob {
  ws: EvidenceWorkspace;
  taskId: string;
  options: AttachOptions;
  /** The source, resolved. */
  abs: string;
  /** The task's evidence folder. */
  dir: string;
  clock: Clock;
  /** The size limit of `options.type`. */
  limit: number;
  /** Warnings in the order they arise (returned as they are). */
  warnings: Diagnostic[];
}

/** The bytes to attach, hashed, before they are stored. */
interface Staged {
  /** A folder's archive in a staging file, or the source file itself (its bytes are in `content`). */
  path: string;
  digest: string;
  size: number;
  /** The extension of the stored file. */
  ext: string;
  /** A file's bytes, read once. */
  content?: Buffer;
  /** A folder's per-file index. */
  archiveIndex?: ArchiveIndex;
  leftOut: LeftOutEntry[];
}

/**
 * E_FILE_READ naming the source (and the file inside a folder that failed, when it is another one) for
 * a file-system failure while reading it (EACCES, EISDIR, ELOOP…): it was detected, so it is the user's
 * to fix, never E_INTERNAL. Typed errors, and failures on paths outside the source (writing the staging
 * archive into the evidence folder), pass through as they are.
 */
function sourceReadError(source: string, error: unknown, abs?: string): unknown {
  const errno = error as (NodeJS.ErrnoException & { path?: unknown }) | null;
  if (error instanceof St3Error || typeof errno?.code !== 'string') return error;
  const at = Buffer.isBuffer(errno.path) ? errno.path.toString() : errno.path;
  if (abs !== undefined && typeof at === 'string' && !isInside(abs, at)) return error;
  const inner = abs !== undefined && typeof at === 'string' && at !== abs ? relative(abs, at) : undefined;
  return new St3Error('E_FILE_READ', `cannot read ${source}${inner ? ` (at ${inner})` : ''}: ${errno.message}`, {
    file: source,
    cause: error,
    hint:
      errno.code === 'EACCES' || errno.code === 'EPERM'
        ? 'make it readable by the user running st3 (and its folders listable), or attach another copy'
        : 'attach a readable regular file, or a folder with --type directory',
  });
}

/** Stages the source as its type asks; a read failure is E_FILE_READ naming it (see `sourceReadError`). */
async function stage(job: AttachJob, info: Stats): Promise<Staged> {
  try {
    return job.options.type === 'directory' ? await stageDirectory(job, info) : await stageFile(job, info);
  } catch (error) {
    throw sourceReadError(job.options.source, error, job.abs);
  }
}

/** Archives a folder into a staging file of the evidence folder (renamed into place once it is kept). */
async function stageDirectory(job: AttachJob, info: Stats): Promise<Staged> {
  if (!info.isDirectory())
    throw new St3Error('E_EVIDENCE_INVALID', `${job.options.source} is not a folder`, {
      hint: 'use --type file (or another file type) for a file',
    });
  const path = join(job.dir, `.staging-${process.pid}-${Date.now()}.tar.zst`);
  const archived = await archiveDirectory(job.abs, path, { signal: job.options.signal });
  job.warnings.push(...archived.warnings);
  return {
    path,
    digest: archived.sha256,
    size: archived.size,
    ext: '.tar.zst',
    archiveIndex: archived.index,
    leftOut: archived.leftOut,
  };
}

async function stageFile(job: AttachJob, info: Stats): Promise<Staged> {
  if (!info.isFile())
    throw new St3Error('E_EVIDENCE_INVALID', `${job.options.source} is not a regular file`, {
      hint: 'attach a folder with --type directory',
    });
  if (info.size > job.limit) throw tooLarge(job.options, info.size, job.limit);
  // Read once: the bytes hashed are the bytes stored, even if the source changes meanwhile.
  const content = await readFile(job.abs);
  const ext =
    extname(job.abs)
      .toLowerCase()
      .replace(/[^.a-z0-9]/g, '') || '.bin';
  return { path: job.abs, digest: sha256(content), size: content.length, ext, content, leftOut: [] };
}

/**
 * The metadata to record: the caller's, except for a `qa_output` given none, which keeps the QA
 * metadata already attached with the same bytes or else gets it from a QA record.
 */
async function metadataFor(
  job: AttachJob,
  id: string,
  existing: EvidenceEntry | undefined,
  content: Buffer | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (job.options.type !== 'qa_output' || hasQaMetadata(job.options.metadata)) return job.options.metadata;
  if (existing && hasQaMetadata(existing.metadata)) return existing.metadata;
  return qaMetadataFor(job, id, content);
}

/** The same bytes are already attached: drops the staged copy and returns the existing entry. */
async function keepExisting(
  job: AttachJob,
  staged: Staged,
  existing: EvidenceEntry,
  metadata: Record<string, unknown> | undefined,
  index: EvidenceIndex,
): Promise<AttachResult> {
  if (staged.path !== job.abs) await rm(staged.path, { force: true });
  // The same log attached before without QA metadata (e.g. before its `qa record`) gets it now.
  if (existing.type === 'qa_output' && !hasQaMetadata(existing.metadata) && hasQaMetadata(metadata)) {
    existing.metadata = { ...existing.metadata, ...metadata };
    await writeEvidenceIndex(job.ws, job.taskId, index);
  }
  // The entry as its schema knows it; the index keeps the rest.
  return {
    entry: EvidenceEntrySchema.parse(existing),
    created: false,
    leftOut: staged.leftOut,
    warnings: job.warnings,
  };
}

/** Stores the staged bytes as `<id><ext>` (and a folder's index as `<id>.index.json`); returns the new entry. */
async function storeEvidence(
  job: AttachJob,
  staged: Staged,
  id: string,
  metadata: Record<string, unknown> | undefined,
): Promise<EvidenceEntry> {
  const stored = `${id}${staged.ext}`;
  if (staged.path !== job.abs) await rename(staged.path, join(job.dir, stored));
  else await writeFileAtomic(join(job.dir, stored), staged.content!);
  const entry: EvidenceEntry = {
    id,
    type: job.options.type,
    stored,
    source: displayPath(job.ws.root, job.abs),
    sha256: staged.digest,
    size: staged.size,
    description: job.options.description,
    attached_at: job.clock().toISOString(),
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
  if (staged.archiveIndex) {
    entry.archive_index = `${id}.index.json`;
    entry.file_count = staged.archiveIndex.files.length;
    await writeJsonAtomic(join(job.dir, entry.archive_index), staged.archiveIndex);
  }
  return entry;
}

/** Writes `evidence/index.json` atomically, under its own lock. */
async function writeEvidenceIndex(ws: EvidenceWorkspace, taskId: string, index: EvidenceIndex): Promise<void> {
  await withFileLock(indexFile(ws, taskId), () => writeJsonAtomic(indexFile(ws, taskId), index));
}

function tooLarge(options: AttachOptions, size: number, limit: number): St3Error {
  return new St3Error(
    'E_EVIDENCE_TOO_LARGE',
    `${options.source} is ${size} bytes; ${options.type} evidence is limited to ${limit} bytes`,
    {
      hint:
        options.type === 'file'
          ? 'attach it as a log, diff or archive if that is what it is, or attach its folder (compressed)'
          : 'attach a smaller file or a summary',
    },
  );
}

export interface VerifyReport {
  /** True only when at least one attachment was checked and every one is intact. */
  ok: boolean;
  checked: number;
  changed: { id: string; stored: string; expected: string; actual: string }[];
  missing: { id: string; stored: string }[];
  /** Stored files that are no longer a regular file of their own: a symlink in their place (not followed). */
  replaced: { id: string; stored: string; reason: string }[];
  /** Stored files that are there but cannot be read (a folder in their place, no permission): E_FILE_READ. */
  unreadable: { id: string; stored: string; code: 'E_FILE_READ'; reason: string }[];
  /** Files inside directory archives whose index no longer matches (index edited or lost). */
  indexProblems: { id: string; problem: string }[];
  /** The task has no attachment at all (neither context.json nor the index lists one): nothing was verified. */
  no_evidence: boolean;
}

/** What a stored attachment is now: its SHA-256, or why it cannot be hashed as the file that was stored. */
type StoredState = { sha256: string } | { missing: true } | { replaced: string } | { unreadable: string };

/**
 * Hashes a stored attachment without following a link: a symlink in its place is `replaced` even when
 * its target holds the same bytes (the store is no longer what was attached, and the target may lie
 * outside the workspace and change under it); gone is `missing`; there but not readable as a file (a
 * folder, no permission) is `unreadable` with the reason, never called missing.
 */
async function storedState(path: string): Promise<StoredState> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    return { unreadable: (error as Error).message };
  }
  if (info.isSymbolicLink())
    return { replaced: `a symlink (-> ${await readlink(path).catch(() => '?')}) is where the stored file was` };
  if (!info.isFile())
    return { unreadable: `${info.isDirectory() ? 'a folder' : 'not a regular file'} is where the stored file was` };
  try {
    return { sha256: await sha256File(path) };
  } catch (error) {
    return { unreadable: (error as Error).message };
  }
}

/**
 * Re-hashes every stored attachment (and each archive's index) and reports what changed, went
 * missing, was replaced (a symlink in its place) or cannot be read. The index is held against
 * context.json first: an attachment the context lists that the index lacks (the whole index deleted,
 * or its entry) or records with another SHA-256 is an index problem, so a lost index is never "all
 * intact". A task with no attachment is `no_evidence` and not ok: verifying nothing is no pass.
 */
export async function verifyEvidence(ws: EvidenceWorkspace, taskId: string): Promise<VerifyReport> {
  const context = await readContext(ws, taskId);
  const indexed = await exists(indexFile(ws, taskId));
  const index = await readEvidenceIndex(ws, taskId);
  const dir = evidenceDir(ws, taskId);
  const where = displayPath(ws.root, indexFile(ws, taskId));
  const report: VerifyReport = {
    ok: true,
    checked: 0,
    changed: [],
    missing: [],
    replaced: [],
    unreadable: [],
    indexProblems: indexAgainstContext(context.evidence, index, indexed, where),
    no_evidence: context.evidence.length === 0 && index.entries.length === 0,
  };
  for (const entry of index.entries) {
    report.checked++;
    const state = await storedState(join(dir, entry.stored));
    const { id, stored } = entry;
    if ('missing' in state) report.missing.push({ id, stored });
    else if ('replaced' in state) report.replaced.push({ id, stored, reason: state.replaced });
    else if ('unreadable' in state)
      report.unreadable.push({ id, stored, code: 'E_FILE_READ', reason: state.unreadable });
    if (!('sha256' in state)) continue;
    if (state.sha256 !== entry.sha256)
      report.changed.push({ id, stored, expected: entry.sha256, actual: state.sha256 });
    if (entry.archive_index) report.indexProblems.push(...(await archiveIndexProblems(dir, entry, state.sha256)));
  }
  report.ok =
    !report.no_evidence &&
    report.checked > 0 &&
    [report.changed, report.missing, report.replaced, report.unreadable, report.indexProblems].every(
      (list) => list.length === 0,
    );
  return report;
}

/**
 * The attachments context.json lists that the index lacks (`indexed` false: the index file `where`
 * is missing) or records with another SHA-256.
 */
export function indexAgainstContext(
  listed: readonly { id: string; sha256: string }[],
  index: EvidenceIndex,
  indexed: boolean,
  where: string,
): VerifyReport['indexProblems'] {
  const problems: VerifyReport['indexProblems'] = [];
  // By id: one pass over each list, however many attachments a task holds.
  const byId = new Map(index.entries.map((e) => [e.id, e]));
  for (const item of listed) {
    const entry = byId.get(item.id);
    if (!entry)
      problems.push({
        id: item.id,
        problem: indexed
          ? `listed in context.json but not in ${where}`
          : `listed in context.json but ${where} is missing (${listed.length} attachment(s) not checked)`,
      });
    else if (entry.sha256 !== item.sha256)
      problems.push({
        id: item.id,
        problem: `context.json records SHA-256 ${item.sha256.slice(0, 16)}…, ${where} ${entry.sha256.slice(0, 16)}…`,
      });
  }
  return problems;
}
