import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { withFileLock, writeFileAtomic, writeJsonAtomic } from '@st3/fs';
import {
  ArchiveIndexSchema,
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
import { displayPath, readJsonFile, resolveInside, sha256, sha256File, systemClock, type Clock } from '../util.js';
import { qaMetadataOf, qaRecordIn, readRunsFile } from '../qa/runs.js';
import { archiveDirectory, indexPathBytes, readArchive, type LeftOutEntry } from './archive.js';

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
const indexFile = (ws: EvidenceWorkspace, taskId: string): string => join(evidenceDir(ws, taskId), 'index.json');

export async function readEvidenceIndex(ws: EvidenceWorkspace, taskId: string): Promise<EvidenceIndex> {
  const raw = await readJsonFile<unknown>(indexFile(ws, taskId));
  if (raw === undefined) return { version: 1, task_id: taskId, entries: [] };
  const parsed = EvidenceIndexSchema.safeParse(raw);
  if (!parsed.success)
    throw new St3Error('E_CONTEXT_CORRUPT', `evidence index of ${taskId} is invalid`, { file: indexFile(ws, taskId) });
  return parsed.data;
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
  ws: EvidenceWorkspace,
  taskId: string,
  id: string,
  content: Buffer | undefined,
  warnings: Diagnostic[],
  source: string,
): Promise<Record<string, unknown> | undefined> {
  const own = content ? qaRecordIn(content.toString('utf8')) : undefined;
  const run = own ?? (await readRunsFile(contextDirFor(ws, taskId))).findLast((r) => r.evidence_id === id);
  if (run) return qaMetadataOf(run);
  warnings.push({
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
  const abs = await resolveInside(ws.root, options.source, { allowOutside: options.allowOutside });
  const info = await lstat(abs).then((l) => (l.isSymbolicLink() ? stat(abs) : l));
  const dir = evidenceDir(ws, taskId);
  await mkdir(dir, { recursive: true });
  const limit = EVIDENCE_LIMITS[options.type];
  const warnings: Diagnostic[] = [];
  return updateContext(
    ws,
    taskId,
    async (context) => {
      let digest: string;
      let size: number;
      let ext: string;
      let stagedPath: string;
      let archiveIndex: ArchiveIndex | undefined;
      let leftOut: LeftOutEntry[] = [];
      let content: Buffer | undefined;
      if (options.type === 'directory') {
        if (!info.isDirectory())
          throw new St3Error('E_EVIDENCE_INVALID', `${options.source} is not a folder`, {
            hint: 'use --type file (or another file type) for a file',
          });
        stagedPath = join(dir, `.staging-${process.pid}-${Date.now()}.tar.zst`);
        const archived = await archiveDirectory(abs, stagedPath, { signal: options.signal });
        warnings.push(...archived.warnings);
        leftOut = archived.leftOut;
        digest = archived.sha256;
        size = archived.size;
        ext = '.tar.zst';
        archiveIndex = archived.index;
      } else {
        if (!info.isFile())
          throw new St3Error('E_EVIDENCE_INVALID', `${options.source} is not a regular file`, {
            hint: 'attach a folder with --type directory',
          });
        stagedPath = abs;
        if (info.size > limit) throw tooLarge(options, info.size, limit);
        // Read once: the bytes hashed are the bytes stored, even if the source changes meanwhile.
        content = await readFile(abs);
        size = content.length;
        digest = sha256(content);
        ext =
          extname(abs)
            .toLowerCase()
            .replace(/[^.a-z0-9]/g, '') || '.bin';
      }
      if (size > limit) {
        await rm(stagedPath, { force: true });
        throw tooLarge(options, size, limit);
      }
      const id = digest.slice(0, 16);
      const index = await readEvidenceIndex(ws, taskId);
      const existing = index.entries.find((e) => e.id === id);
      const metadata =
        options.type === 'qa_output' && !hasQaMetadata(options.metadata)
          ? existing && hasQaMetadata(existing.metadata)
            ? existing.metadata
            : await qaMetadataFor(ws, taskId, id, content, warnings, options.source)
          : options.metadata;
      if (existing) {
        if (stagedPath !== abs) await rm(stagedPath, { force: true });
        // The same log attached before without QA metadata (e.g. before its `qa record`) gets it now.
        if (existing.type === 'qa_output' && !hasQaMetadata(existing.metadata) && hasQaMetadata(metadata)) {
          existing.metadata = { ...existing.metadata, ...metadata };
          await withFileLock(indexFile(ws, taskId), () => writeJsonAtomic(indexFile(ws, taskId), index));
        }
        return { entry: existing, created: false, leftOut, warnings };
      }
      const stored = `${id}${ext}`;
      if (stagedPath !== abs) await rename(stagedPath, join(dir, stored));
      else await writeFileAtomic(join(dir, stored), content!);
      const entry: EvidenceEntry = {
        id,
        type: options.type,
        stored,
        source: displayPath(ws.root, abs),
        sha256: digest,
        size,
        description: options.description,
        attached_at: clock().toISOString(),
        ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
      };
      if (archiveIndex) {
        entry.archive_index = `${id}.index.json`;
        entry.file_count = archiveIndex.files.length;
        await writeJsonAtomic(join(dir, entry.archive_index), archiveIndex);
      }
      index.entries.push(entry);
      await withFileLock(indexFile(ws, taskId), () => writeJsonAtomic(indexFile(ws, taskId), index));
      context.evidence.push({ id, type: options.type, sha256: digest });
      return { entry, created: true, leftOut, warnings };
    },
    clock,
  );
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
  ok: boolean;
  checked: number;
  changed: { id: string; stored: string; expected: string; actual: string }[];
  missing: { id: string; stored: string }[];
  /** Files inside directory archives whose index no longer matches (index edited or lost). */
  indexProblems: { id: string; problem: string }[];
}

/** Re-hashes every stored attachment (and each archive's index) and reports what changed or went missing. */
export async function verifyEvidence(ws: EvidenceWorkspace, taskId: string): Promise<VerifyReport> {
  await readContext(ws, taskId);
  const index = await readEvidenceIndex(ws, taskId);
  const dir = evidenceDir(ws, taskId);
  const report: VerifyReport = { ok: true, checked: 0, changed: [], missing: [], indexProblems: [] };
  for (const entry of index.entries) {
    report.checked++;
    let actual: string;
    try {
      actual = await sha256File(join(dir, entry.stored));
    } catch {
      report.missing.push({ id: entry.id, stored: entry.stored });
      continue;
    }
    if (actual !== entry.sha256)
      report.changed.push({ id: entry.id, stored: entry.stored, expected: entry.sha256, actual });
    if (entry.archive_index) {
      const raw = await readJsonFile<unknown>(join(dir, entry.archive_index)).catch(() => undefined);
      const parsed = ArchiveIndexSchema.safeParse(raw);
      if (!parsed.success)
        report.indexProblems.push({ id: entry.id, problem: `${entry.archive_index} is missing or invalid` });
      else if (parsed.data.archive_sha256 !== entry.sha256 || parsed.data.files.length !== entry.file_count)
        report.indexProblems.push({ id: entry.id, problem: `${entry.archive_index} does not match the archive` });
      else if (actual === entry.sha256) {
        // The archive is intact: check each file inside against the per-file index too.
        // Names are compared as bytes: any byte-valid file name (newlines, non-UTF-8) round-trips.
        const inside = new Map(
          (await readArchive(join(dir, entry.stored)))
            .filter((e) => e.type === '0')
            .map((e) => [e.pathBytes.toString('latin1'), e.data]),
        );
        for (const f of parsed.data.files) {
          const data = inside.get(indexPathBytes(f).toString('latin1'));
          if (!data)
            report.indexProblems.push({ id: entry.id, problem: `${f.path} is in the index but not in the archive` });
          else if (createHash('sha256').update(data).digest('hex') !== f.sha256)
            report.indexProblems.push({ id: entry.id, problem: `${f.path} does not match its SHA-256 in the index` });
        }
      }
    }
  }
  report.ok = report.changed.length === 0 && report.missing.length === 0 && report.indexProblems.length === 0;
  return report;
}
