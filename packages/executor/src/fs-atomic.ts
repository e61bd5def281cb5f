import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { St3Error } from '@st3/schemas';
import { systemClock, type Clock } from './clock.js';

/** Writes `text` to `path` through a temp file in the same folder and a rename: readers see the old or the new file, never half of one. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new St3Error('E_WRITE', `could not write ${path}: ${(error as Error).message}`, { file: path, cause: error });
  }
}

export interface LockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock file older than this is left by a crashed process and is taken over (default 60 s). */
  staleMs?: number;
  clock?: Clock;
}

/**
 * Runs `fn` while holding `<path>.lock` (created with O_EXCL, holding the owner's pid). Waits for
 * another holder with short polls; takes over a stale lock.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${path}.lock`;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 60_000;
  const started = clock.now();
  await mkdir(dirname(lockPath), { recursive: true });
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    try {
      await writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new St3Error('E_WRITE', `could not create lock ${lockPath}: ${(error as Error).message}`, {
          file: lockPath,
        });
      const info = await stat(lockPath).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > staleMs) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (clock.now() - started > timeoutMs) {
        const owner = (await readFile(lockPath, 'utf8').catch(() => '?')).trim();
        throw new St3Error('E_LOCKED', `${path} is locked by process ${owner}`, {
          file: lockPath,
          hint: 'wait for the other st3 process, or remove the lock file if it crashed',
        });
      }
      await clock.sleep(delay);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
