import type { Stats } from 'node:fs';
import { lstat, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@st3/fs';
import {
  EvidenceEntrySchema,
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
import { displayPath, isInside, resolveInside, sha256, systemClock, type Clock } from '../util.js';
import { qaMetadataOf, qaRecordIn, readRunsFile } from '../qa/runs.js';
import { archiveDirectory, type LeftOutEntry } from './archive.js';
import { evidenceDir, loadEvidenceIndex, writeEvidenceIndex } from './evidence-index.js';

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
