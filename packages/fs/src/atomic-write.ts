import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { St3Error } from '@st3/schemas/errors';
import { processAlive } from './owner.js';

export interface WriteAtomicOptions {
  /** File mode of a new file (default: the mode of the file being replaced, else 0o644). */
  mode?: number;
}

/**
 * Writes a file so that readers see either the old or the new content, never a part: write a temp
 * file beside it, fsync, rename over the target. A writer killed half-way leaves only its temp file,
 * which the next writer of that folder removes (see `removeOrphanTemps`).
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteAtomicOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, tempName(basename(path)));
  try {
    await mkdir(dir, { recursive: true });
    await removeOrphanTempsOnce(dir);
    const mode =
      options.mode ??
      (await stat(path).then(
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
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new St3Error('E_WRITE', `cannot write ${path}: ${(error as Error).message}`, {
      file: path,
      cause: error,
      hint: 'check disk space and permissions',
    });
  }
}

/** `writeFileAtomic` of `JSON.stringify(value, null, 2)` plus a final newline. */
export function writeJsonAtomic(path: string, value: unknown, options: WriteAtomicOptions = {}): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, options);
}

/** `.<name>.<pid>.<8 hex>.tmp`: hidden, and naming its writer so a survivor can tell an orphan from a live write. */
function tempName(name: string): string {
  return `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Temp files of ST3 writers: ours (`.<name>.<pid>.<hex>.tmp`), the scaffolder's batch commits
 * (`.<name>.<pid>.<hex>.<n>.tmp`) and the older executor form (`<name>.<pid>.<hex>.tmp`).
 */
const TEMP_RE = /^\.?.+\.(\d+)\.[0-9a-f]{8}(?:\.\d+)?\.tmp$/;

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
 * Removes the temp files of atomic writers that died before their rename: a temp file whose writer
 * pid is no longer running (on this host). A live writer's temp file is never touched. Returns the
 * names removed. Writers call this for their folder at most once a minute per process.
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
    try {
      await rm(join(dir, name), { force: true });
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
