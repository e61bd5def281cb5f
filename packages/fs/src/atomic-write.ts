import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, readlink, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { isSt3Error, St3Error } from '@st3/schemas/errors';
import { processAlive } from './owner.js';

export interface WriteAtomicOptions {
  /** File mode of a new file (default: the mode of the file being replaced, else 0o644). */
  mode?: number;
}

/**
 * Writes a file so that readers see either the old or the new content, never a part: write a temp
 * file beside it, fsync, rename over the target. A writer killed half-way leaves only its temp file,
 * which a later writer of that folder removes (see `removeOrphanTemps`).
 *
 * When `path` is a symbolic link (or a chain of them) the file it points to is replaced and the link
 * is kept: the temp file is written beside that target, so the rename stays in one folder (one file
 * system, atomic). A dangling link is written through to the path it names when that folder exists.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteAtomicOptions = {},
): Promise<void> {
  let target = path;
  let temp: string | undefined;
  try {
    target = await writeTarget(path);
    const dir = dirname(target);
    temp = join(dir, tempName(basename(target)));
    if (target === path) await mkdir(dir, { recursive: true });
    await removeOrphanTempsOnce(dir);
    const mode =
      options.mode ??
      (await stat(target).then(
        (s) => s.mode & 0o7777,
        () => 0o644,
      ));
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    if (temp !== undefined) await rm(temp, { force: true }).catch(() => undefined);
    if (isSt3Error(error)) throw error;
    const through = target === path ? '' : ` (through the link to ${target})`;
    throw new St3Error('E_WRITE', `cannot write ${path}${through}: ${(error as Error).message}`, {
      file: path,
      cause: error,
      hint: 'check disk space and permissions',
      ...(target === path ? {} : { details: { target } }),
    });
  }
}

/** `writeFileAtomic` of `JSON.stringify(value, null, 2)` plus a final newline. */
export function writeJsonAtomic(path: string, value: unknown, options: WriteAtomicOptions = {}): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** Links followed before a chain counts as a loop (Linux's own limit). */
const MAX_LINKS = 40;

/**
 * The file a write of `path` must replace: `path` itself unless it is a symbolic link, else the file
 * the link (chain) ends at. For a dangling link, the missing path it names, provided that path's
 * folder exists (else an `E_WRITE` St3Error saying so).
 */
async function writeTarget(path: string): Promise<string> {
  const first = await lstatOrUndefined(path);
  if (!first?.isSymbolicLink()) return path;
  try {
    return await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw loopError(path, error);
    if (code !== 'ENOENT') throw error;
  }
  // Dangling: follow the chain by hand to the missing name. Each link is resolved against the real
  // folder holding it and joined unnormalised, so `..` means what it means to the kernel.
  let current = path;
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    const link = await readlink(current);
    current = isAbsolute(link) ? link : `${await realpath(dirname(current))}${sep}${link}`;
    const s = await lstatOrUndefined(current);
    if (s === undefined) return danglingTarget(path, current);
    if (!s.isSymbolicLink()) return realpath(current); // it appeared meanwhile
  }
  throw loopError(path);
}

function loopError(path: string, cause?: unknown): St3Error {
  return new St3Error('E_WRITE', `cannot write ${path}: its symbolic links go round in a loop`, {
    file: path,
    hint: `point the link ${path} (or a link it leads to) at a file`,
    ...(cause === undefined ? {} : { cause }),
  });
}

async function danglingTarget(path: string, missing: string): Promise<string> {
  const name = basename(missing);
  const folder = await realpath(dirname(missing)).catch(() => undefined);
  const isDir =
    folder !== undefined &&
    (await stat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    ));
  if (!isDir || name === '' || name === '.' || name === '..')
    throw new St3Error(
      'E_WRITE',
      `cannot write ${path}: it is a symbolic link to ${missing}, and ${dirname(missing)} is not an existing folder`,
      {
        file: path,
        hint: `create the folder ${dirname(missing)}, or point the link ${path} at an existing file`,
        details: { target: missing },
      },
    );
  return join(folder, name);
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * `.<name>.st3-<pid>-<8 hex>.tmp`: hidden, marked as ST3's (`st3-`), naming its writer so a survivor
 * can tell an orphan from a live write. Exported for writers that stage several files before
 * renaming them (the scaffolder's batches): their orphans are then swept like these.
 */
export function tempName(name: string): string {
  return `.${name}.st3-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * The temp files `writeFileAtomic` creates, and nothing else: a leading dot, the `.st3-<pid>-<8 hex>.tmp`
 * marker. Older ST3 names (`.<name>.<pid>.<hex>[.<n>].tmp`) are not recognised: user files such as
 * `backup.20240101.deadbeef.tmp` have that shape too.
 */
const TEMP_RE = /^\..+\.st3-([1-9]\d{0,9})-[0-9a-f]{8}\.tmp$/;

/**
 * How old (by mtime) a dead writer's temp file must be before it is removed: a writer on another
 * machine or in another pid namespace sharing the folder cannot be seen by the pid test.
 */
const ORPHAN_MIN_AGE_MS = 60_000;

/** How long one process trusts a folder to stay clean of orphans before looking again. */
const RESCAN_MS = 60_000;
const lastScan = new Map<string, number>();

async function removeOrphanTempsOnce(dir: string): Promise<void> {
  const now = Date.now();
  const last = lastScan.get(dir);
  if (last !== undefined && now - last < RESCAN_MS) return;
  lastScan.set(dir, now);
  await removeOrphanTemps(dir).catch(() => undefined);
}

/**
 * Removes the temp files of atomic writers that died before their rename: a regular file named
 * `.<name>.st3-<pid>-<8 hex>.tmp` whose writer pid is not running (on this host) and that was last
 * modified over a minute ago. A live writer's temp file, and any file without that marker, is never
 * touched. Returns the names removed. Writers call this for their folder at most once a minute per
 * process.
 */
export async function removeOrphanTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    const path = join(dir, name);
    try {
      const s = await lstat(path);
      if (!s.isFile() || Date.now() - s.mtimeMs < ORPHAN_MIN_AGE_MS) continue;
      await rm(path, { force: true });
      removed.push(name);
    } catch {
      // Another writer removed it first, or we may not: either way not ours to fail on.
    }
  }
  return removed;
}

/**
 * Makes `dir` a folder git never shows: writes `<dir>/.gitignore` holding `*` unless one is there (as
 * `.pytest_cache` and `.ruff_cache` do), so a cache ST3 writes into a work tree is not an untracked change.
 */
export async function ignoreInGit(dir: string): Promise<void> {
  const path = join(dir, '.gitignore');
  if (
    await stat(path).then(
      () => true,
      () => false,
    )
  )
    return;
  await writeFileAtomic(path, '# written by ST3: everything here is a cache\n*\n');
}
