import { rm } from 'node:fs/promises';
import { judgeOwner, processAlive } from '../owner.js';
import { createLockFile, freshRecord, readLockFile, type LockState } from './lock-file.js';

/**
 * A claim on one generation of a lock file: the exclusive right to change it. Every change of a
 * lock after its creation — taking it over, refreshing it, releasing it — first creates
 * `<target>.takeover-<generation>` the same way a lock is created (complete record, link()), then
 * re-reads the target and acts only if it is still that generation. Two takers of one stale lock
 * therefore cannot both replace it, and a holder cannot release or refresh a lock while another
 * process is replacing it. A claim whose own owner died is broken through a claim on *its*
 * generation (the same code, one level down).
 */
export interface ClaimContext {
  now: () => number;
  staleMs: number;
}

export type ClaimOutcome<T> = { status: 'done'; value: T } | { status: 'busy' };

export function claimPath(target: string, generation: string): string {
  return `${target}.takeover-${generation}`;
}

/** The generation a lock state belongs to: its token, or for a foreign file its inode and time. */
export function generationOf(state: LockState): string | undefined {
  if (state.kind === 'owned') return state.owner.token;
  if (state.kind === 'foreign') return `f${state.ino.toString(16)}-${Math.floor(state.mtimeMs).toString(16)}`;
  return undefined;
}

/**
 * Runs `fn` holding the claim on `generation` of `target`; `busy` when a live process holds it.
 * Does not wait: callers poll.
 */
export async function withClaim<T>(
  target: string,
  generation: string,
  fn: () => Promise<T>,
  ctx: ClaimContext,
  depth = 0,
): Promise<ClaimOutcome<T>> {
  const path = claimPath(target, generation);
  const record = freshRecord(ctx.now());
  if (!(await createLockFile(path, record))) {
    const state = await readLockFile(path);
    if (state.kind === 'absent') return { status: 'busy' }; // released meanwhile: the caller polls again
    if (!isStale(state, ctx) || depth >= 4) return { status: 'busy' };
    // Its claimer died: break the claim through a claim on the claim's own generation.
    await withClaim(
      path,
      generationOf(state)!,
      async () => {
        const again = await readLockFile(path);
        if (generationOf(again) === generationOf(state) && isStale(again, ctx)) await rm(path, { force: true });
      },
      ctx,
      depth + 1,
    );
    return { status: 'busy' };
  }
  try {
    return { status: 'done', value: await fn() };
  } finally {
    const mine = await readLockFile(path).catch(() => undefined);
    if (mine?.kind === 'owned' && mine.owner.token === record.token) await rm(path, { force: true });
  }
}

/**
 * The one stale rule (see `judgeOwner`), plus one for foreign files: an older ST3's pid-only lock
 * is stale when that pid is gone or the file is older than the stale age; an empty or damaged file
 * (a writer killed between create and write, or a crash) once it is more than a second old.
 */
export function isStale(state: LockState, ctx: ClaimContext): boolean {
  if (state.kind === 'absent') return false;
  if (state.kind === 'owned') return judgeOwner(state.owner, ctx.now(), ctx.staleMs).stale;
  const age = ctx.now() - state.mtimeMs;
  const pid = /^\s*(\d+)\s*$/.exec(state.text)?.[1];
  if (pid === undefined) return age > 1000;
  return age > ctx.staleMs || !processAlive(Number(pid));
}
