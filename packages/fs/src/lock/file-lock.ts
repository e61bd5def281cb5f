import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { St3Error } from '@st3/schemas/errors';
import { judgeOwner, type OwnerRecord } from '../owner.js';
import { generationOf, isStale, withClaim, type ClaimContext } from './claim.js';
import { createLockFile, freshRecord, readLockFile, replaceLockFile, type LockState } from './lock-file.js';
import { sweepLockLitter } from './sweep.js';

/**
 * A lock whose owner is alive but has not refreshed it for this long is stale. Holders refresh every
 * third of it, so only a holder stopped (SIGSTOP, a debugger, a frozen VM) or on another machine
 * that stopped refreshing reaches it; a holder that died is recognised at once by its pid.
 */
export const LOCK_STALE_MS = 30_000;

export interface LockOptions {
  /** Give up with `E_LOCKED` after waiting this long (default 10 s). */
  timeoutMs?: number;
  /** The refresh age after which a lock is stale (default `LOCK_STALE_MS`, 30 s). */
  staleMs?: number;
  /** How often `withFileLock` refreshes the lock it holds (default a third of `staleMs`). */
  refreshMs?: number;
  /** Stop waiting (the error is then `E_INTERRUPTED`). */
  signal?: AbortSignal;
  /** The clock (epoch ms) owner records and ages use; tests may pass their own. */
  now?: () => number;
}

/** A held lock. */
export interface FileLock {
  /** The file the lock guards, and the lock file itself (`<path>.lock`). */
  readonly path: string;
  readonly lockPath: string;
  /** This acquisition's token (written in the lock file). */
  readonly token: string;
  /** Aborted when the lock was found taken over or removed (`E_LOCK_COMPROMISED` is the reason). */
  readonly signal: AbortSignal;
  /** Pushes the refresh time forward; throws `E_LOCK_COMPROMISED` when the lock is no longer ours. */
  refresh(): Promise<void>;
  /**
   * Removes the lock if it is still ours; throws `E_LOCK_COMPROMISED` when another process took it
   * over. A lock file already gone (its holder deleted the folder) is not an error. Idempotent.
   */
  release(): Promise<void>;
}

const DEFAULT_TIMEOUT = 10_000;

/**
 * Takes `<path>.lock`: created atomically with its complete owner record (pid, host, process start
 * time, boot id, random token, times); a stale lock is taken over only through a claim on its
 * generation and only if it is still the same lock (same token) and still stale, by an atomic
 * rename — never deleted by name. Waits with short polls until `timeoutMs`.
 */
export async function acquireFileLock(path: string, options: LockOptions = {}): Promise<FileLock> {
  const lockPath = `${path}.lock`;
  const ctx: ClaimContext = { now: options.now ?? Date.now, staleMs: options.staleMs ?? LOCK_STALE_MS };
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT);
  await mkdir(dirname(lockPath), { recursive: true }).catch((error: unknown) => {
    // A file where the folder should be (or no permission): the caller's write cannot happen either.
    throw new St3Error('E_WRITE', `cannot lock ${path}: ${(error as Error).message}`, {
      file: dirname(lockPath),
      cause: error,
      hint: 'its folder must be a folder this process can write',
    });
  });
  await sweepLockLitter(lockPath, undefined);
  let delay = 2;
  for (;;) {
    if (options.signal?.aborted)
      throw new St3Error('E_INTERRUPTED', `stopped waiting for the lock on ${path}`, { file: lockPath });
    const record = freshRecord(ctx.now());
    if (await createLockFile(lockPath, record)) return heldLock(path, lockPath, record, ctx);
    const state = await readLockFile(lockPath);
    if (state.kind === 'absent') continue;
    if (isStale(state, ctx)) {
      const taken = await takeOver(lockPath, state, ctx);
      if (taken) {
        await sweepLockLitter(lockPath, taken.token, true);
        return heldLock(path, lockPath, taken, ctx);
      }
      continue;
    }
    if (Date.now() > deadline) throw lockedError(path, lockPath, state);
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
}

/** Runs `fn` holding the lock on `path` (see `acquireFileLock`), refreshing it while `fn` runs. */
export async function withFileLock<T>(
  path: string,
  fn: (lock: FileLock) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lock = await acquireFileLock(path, options);
  const every = options.refreshMs ?? Math.max(50, Math.floor((options.staleMs ?? LOCK_STALE_MS) / 3));
  let refreshing: Promise<void> | undefined;
  // One refresh at a time; a failed one has already aborted lock.signal, and release reports it.
  const timer = setInterval(() => {
    refreshing ??= lock
      .refresh()
      .catch(() => undefined)
      .finally(() => (refreshing = undefined));
  }, every);
  timer.unref?.();
  let result: T;
  try {
    result = await fn(lock);
  } catch (error) {
    clearInterval(timer);
    await lock.release().catch(() => undefined);
    throw error;
  }
  clearInterval(timer);
  await lock.release();
  return result;
}

/** Replaces a stale lock with ours if, holding the claim on its generation, it is still that lock and still stale. */
async function takeOver(lockPath: string, seen: LockState, ctx: ClaimContext): Promise<OwnerRecord | undefined> {
  const generation = generationOf(seen);
  if (generation === undefined) return undefined;
  const outcome = await withClaim(
    lockPath,
    generation,
    async () => {
      const now = await readLockFile(lockPath);
      if (generationOf(now) !== generation || !isStale(now, ctx)) return undefined;
      const record = freshRecord(ctx.now());
      await replaceLockFile(lockPath, record);
      return record;
    },
    ctx,
  );
  return outcome.status === 'done' ? outcome.value : undefined;
}

function heldLock(path: string, lockPath: string, acquired: OwnerRecord, ctx: ClaimContext): FileLock {
  const controller = new AbortController();
  let record = acquired;
  let released = false;
  const compromised = (why: string): St3Error => {
    const error = new St3Error('E_LOCK_COMPROMISED', `the lock on ${path} was ${why} while this process held it`, {
      file: lockPath,
      hint: 'run the command again; look for a process stalled while holding the lock or a tool deleting *.lock files',
    });
    if (!controller.signal.aborted) controller.abort(error);
    return error;
  };
  /**
   * Runs `change` on our own generation, waiting out a taker's claim; its verdict decides. A lock
   * whose folder is gone (the holder deleted it, lock included) is simply absent.
   */
  const onOurGeneration = async (change: (state: LockState) => Promise<void>): Promise<void> => {
    const giveUp = Date.now() + ctx.staleMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      let outcome: Awaited<ReturnType<typeof withClaim<void>>>;
      try {
        outcome = await withClaim(lockPath, record.token, async () => change(await readLockFile(lockPath)), ctx);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        return change({ kind: 'absent' });
      }
      if (outcome.status === 'done') return;
      if (Date.now() > giveUp) throw compromised('claimed by another process for too long');
      await sleep(delay);
    }
  };
  const whyNotOurs = (state: LockState): string => `taken over (it now holds ${describe(state)})`;
  return {
    path,
    lockPath,
    get token() {
      return record.token;
    },
    signal: controller.signal,
    async refresh() {
      if (released) return;
      if (controller.signal.aborted) throw controller.signal.reason;
      await onOurGeneration(async (state) => {
        if (state.kind === 'absent') return; // removed by its holder (e.g. with its folder): nothing to keep alive
        if (state.kind !== 'owned' || state.owner.token !== record.token) throw compromised(whyNotOurs(state));
        const next = { ...record, refreshedAt: ctx.now() };
        await replaceLockFile(lockPath, next);
        record = next;
      });
    },
    async release() {
      if (released) return;
      released = true;
      if (controller.signal.aborted) throw controller.signal.reason;
      await onOurGeneration(async (state) => {
        if (state.kind === 'absent') return; // the holder removed it (with its folder, say): released already
        if (state.kind !== 'owned' || state.owner.token !== record.token) throw compromised(whyNotOurs(state));
        await rm(lockPath, { force: true });
      });
    },
  };
}

function lockedError(path: string, lockPath: string, state: LockState): St3Error {
  return new St3Error('E_LOCKED', `${path} is locked by ${describe(state)}`, {
    file: lockPath,
    hint: `wait for that process; a lock whose owner is gone is taken over by the next writer (remove ${lockPath} only if that fails)`,
  });
}

function describe(state: LockState): string {
  if (state.kind === 'owned') {
    const o = state.owner;
    const verdict = judgeOwner(o, Date.now(), Number.MAX_SAFE_INTEGER);
    return `pid ${o.pid} on ${o.host} since ${new Date(o.acquiredAt).toISOString()}${verdict.stale ? ` (${verdict.reason})` : ''}`;
  }
  if (state.kind === 'foreign')
    return `a lock file this version does not write (${JSON.stringify(state.text.slice(0, 40))})`;
  return 'nobody';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
