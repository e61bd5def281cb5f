import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processAlive } from '../owner.js';

const RESCAN_MS = 60_000;
const lastSweep = new Map<string, number>();

/**
 * Removes what killed lock users leave beside a lock: record temp files (`.<lock>.<pid>.<token>.pending`)
 * whose process is gone, and — when the current generation is known (we just took the lock) —
 * claims on older generations, which nobody can act on any more (every claimer re-reads the token).
 * Runs at most once a minute per lock and process unless `force`.
 */
export async function sweepLockLitter(
  lockPath: string,
  currentToken: string | undefined,
  force = false,
): Promise<void> {
  const now = Date.now();
  const last = lastSweep.get(lockPath);
  if (!force && last !== undefined && now - last < RESCAN_MS) return;
  lastSweep.set(lockPath, now);
  const dir = dirname(lockPath);
  const name = basename(lockPath);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const pendingPrefix = `.${name}.`;
  const claimPrefix = `${name}.takeover-`;
  for (const entry of names) {
    let remove = false;
    if (entry.startsWith(pendingPrefix) && entry.endsWith('.pending')) {
      // `.<name>.<pid>.<token>.pending`, where <name> may hold dots (a claim's name does): read from the end.
      const parts = entry.slice(0, -'.pending'.length).split('.');
      const pid = Number(parts[parts.length - 2]);
      remove = Number.isInteger(pid) && pid !== process.pid && !processAlive(pid);
    } else if (currentToken !== undefined && entry.startsWith(claimPrefix)) {
      remove = !entry.startsWith(`${claimPrefix}${currentToken}`);
    }
    if (remove) await rm(join(dir, entry), { force: true }).catch(() => undefined);
  }
}
