import { lstatSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { St3Error } from '@st3/schemas';
import { DEPENDENCY_FOLDERS } from '@st3/fs';

/** Folders shared into a scratch copy by a symbolic link (installed dependencies, @st3/fs: read-only for the gates). */
const LINKED = new Set(DEPENDENCY_FOLDERS);
/** Folders left out of a scratch copy (VCS data, caches, ST3's own run state). */
const SKIPPED = new Set([
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.turbo',
  '.cache',
]);
const SKIPPED_ST3 = new Set(['runs', 'review', 'cache', 'logs', 'tasks', 'telemetry', 'scratch', 'state.json']);

/**
 * How a workspace file looked when it was seen: a write in place changes its size or times, an atomic
 * write (temp file + rename) its inode, so a file whose stamp is unchanged was not written since.
 */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** One entry of a scratch copy: a copied file, a symbolic link to the workspace's entry, or a folder. */
export type ScanEntry = { kind: 'file'; stamp: FileStamp } | { kind: 'link'; dir?: true } | { kind: 'dir' };

/** Every entry a scratch copy holds, by workspace-relative path with forward slashes. */
export type WorkspaceScan = Map<string, ScanEntry>;

function listError(dir: string, error: NodeJS.ErrnoException): St3Error {
  return new St3Error('E_FILE_READ', `cannot list ${dir} to copy it for validation (${error.code ?? error.message})`, {
    file: dir,
    hint: 'fix its permissions, or ignore it: the change is validated on a copy of the whole workspace',
    cause: error,
  });
}

/**
 * The stamp of a file, or undefined when it vanished meanwhile (any other failure is E_FILE_READ).
 * Synchronous: an `lstat` takes microseconds, a trip through the thread pool ten times that.
 */
export function stampOf(abs: string): FileStamp | undefined {
  try {
    const s = lstatSync(abs);
    return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return undefined;
    throw new St3Error('E_FILE_READ', `cannot look at ${abs} to copy it for validation (${e.code ?? e.message})`, {
      file: abs,
      hint: 'fix its permissions: a file left out of the copy could let the gates pass without it',
      cause: error,
    });
  }
}

/**
 * What a scratch copy of `root` holds (the copy's rules: VCS data, caches and ST3's run state left out,
 * dependency folders and symbolic links linked), with a stamp per file: one listing per folder and one
 * `lstat` per file, no file read.
 */
export async function scanWorkspace(root: string): Promise<WorkspaceScan> {
  const scan: WorkspaceScan = new Map();
  const visit = async (rel: string): Promise<void> => {
    const from = rel ? join(root, rel) : root;
    // A folder left out of the copy could let the gates pass without it: only one that vanished is skipped.
    const entries = await readdir(from, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
      throw listError(from, error);
    });
    await Promise.all(
      entries.map(async (e) => {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (rel === '.st3' && SKIPPED_ST3.has(e.name)) return;
        if (e.isDirectory()) {
          if (SKIPPED.has(e.name)) return;
          if (LINKED.has(e.name)) return void scan.set(r, { kind: 'link', dir: true });
          scan.set(r, { kind: 'dir' });
          return visit(r);
        }
        if (e.isSymbolicLink()) return void scan.set(r, { kind: 'link' });
        if (!e.isFile()) return;
        const stamp = stampOf(join(root, r));
        if (stamp) scan.set(r, { kind: 'file', stamp });
      }),
    );
  };
  await visit('');
  return scan;
}

/** Whether two entries are the same version of one path (a folder or link is the same while it is there). */
export function sameEntry(a: ScanEntry | undefined, b: ScanEntry | undefined): boolean {
  if (!a || !b || a.kind !== b.kind) return a === b;
  if (a.kind !== 'file' || b.kind !== 'file') return true;
  const [x, y] = [a.stamp, b.stamp];
  return x.size === y.size && x.mtimeMs === y.mtimeMs && x.ctimeMs === y.ctimeMs && x.ino === y.ino;
}

/** Paths of files and links created, changed or deleted between two scans (folders are not files). */
export function changedBetween(before: WorkspaceScan, now: WorkspaceScan): string[] {
  const changed: string[] = [];
  for (const [p, entry] of now) if (entry.kind !== 'dir' && !sameEntry(before.get(p), entry)) changed.push(p);
  for (const [p, entry] of before) if (entry.kind !== 'dir' && (now.get(p)?.kind ?? 'dir') === 'dir') changed.push(p);
  return changed;
}
