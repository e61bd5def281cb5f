import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readdirIfThere, withFileLock, writeFileAtomic, writeJsonAtomic } from '@st3/fs';
import {
  decodeUtf8,
  isSt3Error,
  QuarantineEntrySchema,
  QuarantineIndexSchema,
  St3Error,
  type Diagnostic,
  type QuarantineEntry,
  type QuarantineIndex,
} from '@st3/schemas';
import { extraKeys, withUnknownKeys } from './lossless.js';
import { repairYaml } from './repair.js';
import { validateTaskText } from './tasks/load.js';
import { readRecord, systemClock, type Clock } from './util.js';

const QUARANTINE_HINT = 'restore it from version control';

/**
 * The quarantine folder: one `<TASK-ID>.json` entry per task file that does not parse, an
 * `index.json` listing them, and `resolved/` for released entries. The index and the entries
 * change together under one lock, so the index always matches the folder. Fields their schemas do not
 * know (added by a person or another tool, at any depth) are written back as they were.
 */
export interface QuarantineStore {
  root: string;
  /** Quarantine folder (absolute). */
  dir: string;
  clock?: Clock;
}

const indexPath = (q: QuarantineStore): string => join(q.dir, 'index.json');
const entryPath = (q: QuarantineStore, id: string): string => join(q.dir, `${id}.json`);
const now = (q: QuarantineStore): string => (q.clock ?? systemClock)().toISOString();

/** The quarantine index as its schema knows it. */
export function readQuarantineIndex(q: QuarantineStore): Promise<QuarantineIndex> {
  return loadIndex(q, false);
}

/** The index; with `keepUnknown`, with the keys the schema does not know too (what `mutate` writes back). */
async function loadIndex(q: QuarantineStore, keepUnknown: boolean): Promise<QuarantineIndex> {
  const read = await readRecord(indexPath(q), QuarantineIndexSchema, {
    what: 'quarantine index',
    hint: QUARANTINE_HINT,
  });
  if (read === undefined) return { version: 1, last_updated: now(q), entries: [] };
  return keepUnknown ? withUnknownKeys(read.raw, read.data) : read.data;
}

/**
 * Every quarantined task's entry, in index order. The index and the entry files change together under one
 * lock, but a crash between the two writes (or a hand edit) leaves them apart — an entry file the index does
 * not list, or a listed task without its file — and then the list cannot be told: E_QUARANTINE_INDEX_MISMATCH
 * naming each, never a shorter list (a quarantined task left out reads as a task file that parses).
 */
export async function listQuarantined(q: QuarantineStore): Promise<QuarantineEntry[]> {
  const index = await readQuarantineIndex(q);
  const files = (await readdirIfThere(q.dir))
    .filter((name) => name.endsWith('.json') && name !== 'index.json')
    .map((name) => name.slice(0, -'.json'.length));
  const listed = new Set(index.entries.map((e) => e.task_id));
  const present = new Set(files);
  const unlisted = files.filter((id) => !listed.has(id)).sort();
  const missing = [...listed].filter((id) => !present.has(id)).sort();
  if (unlisted.length > 0 || missing.length > 0) {
    const said = [
      ...(unlisted.length > 0 ? [`entry file(s) the index does not list: ${unlisted.join(', ')}`] : []),
      ...(missing.length > 0 ? [`listed task(s) without an entry file: ${missing.join(', ')}`] : []),
    ];
    throw new St3Error(
      'E_QUARANTINE_INDEX_MISMATCH',
      `the quarantine index disagrees with its folder: ${said.join('; ')}`,
      {
        file: indexPath(q),
        hint: 'restore the quarantine folder from version control, or make index.json and the entry files agree by hand',
      },
    );
  }
  return Promise.all(index.entries.map((e) => readQuarantineEntry(q, e.task_id)));
}

/** A quarantine entry as its schema knows it. */
export function readQuarantineEntry(q: QuarantineStore, taskId: string): Promise<QuarantineEntry> {
  return loadEntry(q, taskId, false);
}

/** An entry; with `keepUnknown`, with the keys the schema does not know too (what the writers below write back). */
async function loadEntry(q: QuarantineStore, taskId: string, keepUnknown: boolean): Promise<QuarantineEntry> {
  const read = await readRecord(entryPath(q, taskId), QuarantineEntrySchema, {
    what: 'quarantine entry',
    hint: QUARANTINE_HINT,
  });
  if (read === undefined)
    throw new St3Error('E_QUARANTINE_NOT_FOUND', `${taskId} is not quarantined`, {
      hint: '`st3 tasks quarantine list` shows the quarantined tasks',
    });
  return keepUnknown ? withUnknownKeys(read.raw, read.data) : read.data;
}

/** An entry as its schema knows it (what the functions return; the file keeps the rest). */
const known = (entry: QuarantineEntry): QuarantineEntry => QuarantineEntrySchema.parse(entry);

export async function isQuarantined(q: QuarantineStore, taskId: string): Promise<boolean> {
  const index = await readQuarantineIndex(q);
  return index.entries.some((e) => e.task_id === taskId);
}

function mutate<T>(q: QuarantineStore, fn: (index: QuarantineIndex) => Promise<T>): Promise<T> {
  return withFileLock(indexPath(q), async () => {
    await mkdir(q.dir, { recursive: true });
    const index = await loadIndex(q, true);
    const result = await fn(index);
    index.last_updated = now(q);
    index.entries.sort((a, b) => (a.task_id < b.task_id ? -1 : 1));
    await writeJsonAtomic(indexPath(q), index);
    return result;
  });
}

/**
 * Quarantines a task file (idempotent: a second call updates the error details). Entries are keyed by task
 * id, so a second file carrying an id that is quarantined for another file still there is refused with
 * E_TASK_DUPLICATE_ID (one entry would otherwise hold one file's path and the other's error); an entry whose
 * file is gone (moved or renamed) takes the new path.
 */
export function quarantineTask(
  q: QuarantineStore,
  taskId: string,
  originalPath: string,
  error: Diagnostic,
  reason = 'task file does not parse',
): Promise<QuarantineEntry> {
  return mutate(q, async (index) => {
    let entry: QuarantineEntry;
    try {
      entry = await loadEntry(q, taskId, true);
      if (entry.original_path !== originalPath) {
        if (existsSync(resolve(q.root, entry.original_path))) throw quarantinedElsewhere(taskId, entry, originalPath);
        entry.original_path = originalPath;
      }
      // The new error replaces the old one; fields the schema does not know stay.
      entry.error_details = {
        ...extraKeys(entry.error_details, ['code', 'message', 'line', 'column']),
        ...details(error),
      };
      entry.status = 'quarantined';
    } catch (e) {
      if (!isSt3Error(e, 'E_QUARANTINE_NOT_FOUND')) throw e;
      entry = {
        task_id: taskId,
        original_path: originalPath,
        reason,
        error_details: details(error),
        quarantined_at: now(q),
        status: 'quarantined',
        repair_attempts: [],
        resolved_at: null,
      };
    }
    await writeJsonAtomic(entryPath(q, taskId), entry);
    const previous = index.entries.find((e) => e.task_id === taskId);
    index.entries = index.entries.filter((e) => e.task_id !== taskId);
    index.entries.push({
      ...previous,
      task_id: taskId,
      original_path: originalPath,
      reason,
      quarantined_at: entry.quarantined_at,
      status: 'quarantined',
    });
    return known(entry);
  });
}

function quarantinedElsewhere(taskId: string, entry: QuarantineEntry, originalPath: string): St3Error {
  return new St3Error(
    'E_TASK_DUPLICATE_ID',
    `not quarantined: ${taskId} is quarantined for ${entry.original_path}, which carries the same id (one quarantine entry per task id)`,
    {
      file: originalPath,
      hint: `give each task its own id (file name and \`id:\`), or release ${taskId} (\`st3 tasks quarantine release ${taskId}\`) and validate again`,
    },
  );
}

function details(d: Diagnostic): QuarantineEntry['error_details'] {
  return {
    code: d.code,
    message: d.message,
    ...(d.line ? { line: d.line } : {}),
    ...(d.column ? { column: d.column } : {}),
  };
}

export interface RepairOutcome {
  entry: QuarantineEntry;
  success: boolean;
  applied: string[];
  /** The error that remains when the repair did not make the file parse. */
  remaining?: Diagnostic;
}

/**
 * Tries the bounded repairs on the original file; the attempt is logged in the entry whether it
 * worked or not. A repair that makes the file parse is written back (unless `dryRun`).
 */
export function repairQuarantined(
  q: QuarantineStore,
  taskId: string,
  options: { dryRun?: boolean } = {},
): Promise<RepairOutcome> {
  return mutate(q, async (index) => {
    const entry = await loadEntry(q, taskId, true);
    const abs = resolve(q.root, entry.original_path);
    let bytes: Buffer;
    try {
      bytes = await readFile(abs);
    } catch (error) {
      throw new St3Error('E_FILE_NOT_FOUND', `the quarantined file ${entry.original_path} is gone`, {
        file: entry.original_path,
        cause: error,
        hint: 'release the entry with --force',
      });
    }
    // Exact text, or E_FILE_ENCODING at its line:column: a repair of a lossy copy would write U+FFFD over
    // the bytes that are not UTF-8.
    const text = decodeUtf8(bytes, entry.original_path);
    const { text: repaired, applied } = repairYaml(text);
    const verdict = validateTaskText(repaired, entry.original_path);
    const remaining = verdict.parseFailed ? verdict.errors[0] : undefined;
    const success = remaining === undefined;
    entry.repair_attempts.push({
      at: now(q),
      fixes: applied,
      success,
      error: remaining ? `${remaining.line ?? '?'}:${remaining.column ?? '?'} ${remaining.message}` : null,
    });
    if (success && applied.length > 0 && !options.dryRun) await writeFileAtomic(abs, repaired);
    if (success && !options.dryRun) entry.status = 'repaired';
    await writeJsonAtomic(entryPath(q, taskId), entry);
    const row = index.entries.find((e) => e.task_id === taskId);
    if (row) row.status = entry.status === 'repaired' ? 'repaired' : 'quarantined';
    return { entry: known(entry), success, applied, remaining };
  });
}

/** Releases an entry: it moves to `resolved/` and leaves the index. Refused while the file still does not parse, unless `force`. */
export function releaseQuarantined(
  q: QuarantineStore,
  taskId: string,
  options: { force?: boolean } = {},
): Promise<QuarantineEntry> {
  return mutate(q, async (index) => {
    const entry = await loadEntry(q, taskId, true);
    if (!options.force) {
      let bytes: Buffer | undefined;
      try {
        bytes = await readFile(resolve(q.root, entry.original_path));
      } catch {
        bytes = undefined;
      }
      // A file that is not UTF-8 is not released: it parses only once decoded lossily.
      let d: Diagnostic | undefined;
      let parses = false;
      if (bytes !== undefined) {
        try {
          const verdict = validateTaskText(decodeUtf8(bytes, entry.original_path), entry.original_path);
          parses = !verdict.parseFailed;
          d = verdict.errors[0];
        } catch (error) {
          if (!isSt3Error(error)) throw error;
          d = { code: error.code, severity: 'error', message: error.message, line: error.line, column: error.column };
        }
      }
      if (!parses) {
        throw new St3Error(
          'E_TASK_QUARANTINED',
          `${taskId} still does not parse${d ? ` (${d.line}:${d.column} ${d.message})` : ''}`,
          {
            file: entry.original_path,
            line: d?.line,
            column: d?.column,
            hint: 'fix it or run `st3 tasks quarantine repair`; --force releases anyway',
          },
        );
      }
    }
    entry.status = 'resolved';
    entry.resolved_at = now(q);
    await mkdir(join(q.dir, 'resolved'), { recursive: true });
    await writeJsonAtomic(entryPath(q, taskId), entry);
    const stamp = entry.resolved_at.replace(/[:.]/g, '-');
    await rename(entryPath(q, taskId), join(q.dir, 'resolved', `${taskId}-${stamp}.json`));
    index.entries = index.entries.filter((e) => e.task_id !== taskId);
    return known(entry);
  });
}
