import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { St3Error } from '@st3/schemas';
import { processAlive } from './owner.js';

export interface LockOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock file older than this whose owner process is gone is taken over (default 30 s). */
  staleMs?: number;
}

/**
 * Runs `fn` while holding `<path>.lock` (created with O_EXCL, so it works across processes).
 * A lock left by a crashed process is detected (owner pid gone and old enough) and removed.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lockPath = `${path}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(lockPath), { recursive: true });
  let delay = 5;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(lockPath, staleMs)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new St3Error('E_LOCKED', `${path} is locked by another process`, {
          file: lockPath,
          hint: `wait, or remove ${lockPath} if no ST3 process is running`,
        });
      }
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 100);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [info, text] = await Promise.all([stat(lockPath), readFile(lockPath, 'utf8')]);
    const pid = Number.parseInt(text, 10);
    const ownerAlive = Number.isInteger(pid) && pid > 0 && processAlive(pid);
    if (!ownerAlive && text.trim() !== '') return true;
    return Date.now() - info.mtimeMs > staleMs && !ownerAlive;
  } catch {
    return false;
  }
}
