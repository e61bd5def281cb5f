import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { newToken, ownerRecord, parseOwner, type OwnerRecord } from '../owner.js';

/**
 * The file operations of the lock protocol, shared by the lock and by its per-generation claims.
 * A lock file is created with its complete owner record already inside: the record is written to
 * a private temp file, then hard-linked to the lock name — link() is atomic and fails with EEXIST
 * when the name is taken, so no reader ever sees an empty or partial lock.
 */

/** `<dir>/.<lock name>.<pid>.<token>.pending`: a lock record being put in place. */
export function pendingName(lockPath: string, token: string): string {
  return join(dirname(lockPath), `.${basename(lockPath)}.${process.pid}.${token}.pending`);
}

async function writePending(lockPath: string, record: OwnerRecord): Promise<string> {
  const temp = pendingName(lockPath, `${record.token}${newToken().slice(0, 8)}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(record)}\n`);
  } finally {
    await handle.close();
  }
  return temp;
}

/** Creates `lockPath` holding `record` if nothing holds that name; false when it is taken. */
export async function createLockFile(lockPath: string, record: OwnerRecord): Promise<boolean> {
  const temp = await writePending(lockPath, record);
  try {
    await link(temp, lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: exclusive create, then write (a reader may briefly see it empty).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS')
      return createExclusive(lockPath, record);
    throw error;
  } finally {
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

async function createExclusive(lockPath: string, record: OwnerRecord): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(record)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

/** Replaces whatever `lockPath` holds with `record`, atomically (rename). Callers hold the generation's claim. */
export async function replaceLockFile(lockPath: string, record: OwnerRecord): Promise<void> {
  const temp = await writePending(lockPath, record);
  try {
    await rename(temp, lockPath);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

export type LockState =
  | { kind: 'absent' }
  | { kind: 'owned'; owner: OwnerRecord }
  /** Not an owner record: an older ST3's pid-only lock, or a file damaged by a crash. */
  | { kind: 'foreign'; text: string; mtimeMs: number; ino: number };

export async function readLockFile(lockPath: string): Promise<LockState> {
  let text: string;
  let info: { mtimeMs: number; ino: number };
  try {
    [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  const owner = parseOwner(text);
  return owner ? { kind: 'owned', owner } : { kind: 'foreign', text, mtimeMs: info.mtimeMs, ino: info.ino };
}

/** A record for a fresh acquisition by this process. */
export function freshRecord(now: number): OwnerRecord {
  return ownerRecord(newToken(), now);
}
