import { constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../fs.js';
import { sha256 } from '../change/text.js';
import { sameEntry, scanWorkspace, type ScanEntry, type WorkspaceScan } from './workspace-scan.js';

/** `ScratchSlot.written`'s mark of a file removed from the copy (a sha256 is never empty). */
export const REMOVED = '';

/** Puts one scanned entry into `target`; false when the workspace's file vanished meanwhile. */
async function copyEntry(root: string, target: string, path: string, entry: ScanEntry): Promise<boolean> {
  const to = join(target, path);
  if (entry.kind === 'dir') return mkdir(to, { recursive: true }).then(() => true);
  await mkdir(dirname(to), { recursive: true });
  if (entry.kind === 'link') {
    await symlink(join(root, path), to, entry.dir ? 'dir' : undefined).catch((error: NodeJS.ErrnoException) => {
      // A link to a file that is no link target on this system is left out, as before; a folder's is needed.
      if (entry.dir && error.code !== 'EEXIST') throw error;
    });
    return true;
  }
  try {
    await copyFile(join(root, path), to, constants.COPYFILE_FICLONE);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await rm(to, { force: true });
    return false;
  }
}

/** Copies the scanned entries into `target` (folders first); the entries copied, by path. */
async function copyScan(root: string, target: string, entries: [string, ScanEntry][]): Promise<WorkspaceScan> {
  const copied: WorkspaceScan = new Map();
  const dirs = entries.filter(([, e]) => e.kind === 'dir');
  await Promise.all(dirs.map(([p, e]) => copyEntry(root, target, p, e).then(() => copied.set(p, e))));
  const others = entries.filter(([, e]) => e.kind !== 'dir');
  await Promise.all(
    others.map(async ([p, e]) => {
      if (await copyEntry(root, target, p, e)) copied.set(p, e);
    }),
  );
  return copied;
}

/** Copies a workspace for validation: files copied (reflinked where the file system can), dependency folders linked. */
export async function copyWorkspace(root: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  await copyScan(root, target, [...(await scanWorkspace(root))]);
}

/**
 * One scratch copy of the workspace. Each of its paths is either copied from the workspace (with the
 * stamp the workspace's file had just before the copy: `catchUp` copies it again when that changes) or
 * written by the validator (`written`: a file of the run, the change under validation), never both.
 */
export interface ScratchSlot {
  readonly dir: string;
  /** sha256 of files whose content here is the validator's, not the workspace's ({@link REMOVED}: removed). */
  readonly written: Map<string, string>;
  write(path: string, text: string): Promise<void>;
  /** Removes a file the validator holds as gone (a file of the run that does not exist). */
  remove(path: string): Promise<void>;
  /** Gives a written path back to the workspace: removed here, `catchUp` copies it again if it exists. */
  release(path: string): Promise<void>;
  /**
   * Brings every path not `written` in line with `scan` (taken by the caller just before): files whose
   * stamp changed are copied again, new ones copied, deleted ones removed. Files the gates created here
   * (caches, build info) are left.
   */
  catchUp(scan: WorkspaceScan): Promise<void>;
}

export interface ScratchPool {
  /** Runs `fn` with a free slot (copied on first use), at most `size` at once. */
  use<T>(fn: (slot: ScratchSlot) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

/** Removes what the slot holds at `path` and forgets what it knew of it and of the paths under it. */
async function forget(slot: ScratchSlot, copied: WorkspaceScan, path: string): Promise<void> {
  await rm(join(slot.dir, path), { recursive: true, force: true });
  for (const map of [copied, slot.written])
    for (const p of [...map.keys()]) if (p === path || p.startsWith(`${path}/`)) map.delete(p);
}

/** See `ScratchSlot.catchUp`; `copied` is the slot's map of copied paths and their stamps. */
async function catchUp(root: string, slot: ScratchSlot, copied: WorkspaceScan, scan: WorkspaceScan): Promise<void> {
  for (const [p, held] of [...copied]) {
    if (!copied.has(p)) continue; // forgotten with its folder
    const now = scan.get(p);
    if (now?.kind === held.kind) continue;
    // Gone, or another kind: a folder that vanished keeps what the gates made in it, its files go one by one.
    if (!now && held.kind === 'dir') copied.delete(p);
    else await forget(slot, copied, p);
  }
  const stale = [...scan].filter(([p, e]) => !slot.written.has(p) && !sameEntry(copied.get(p), e));
  const fresh = await copyScan(root, slot.dir, stale);
  // A file that vanished since the scan was removed here by the copy: the next scan will not list it.
  for (const [p] of stale) copied.delete(p);
  for (const [p, e] of fresh) copied.set(p, e);
}

async function makeSlot(root: string): Promise<ScratchSlot> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-scratch-'));
  const copied: WorkspaceScan = new Map();
  const slot: ScratchSlot = {
    dir,
    written: new Map(),
    async write(path, text) {
      const abs = join(dir, path);
      await mkdir(dirname(abs), { recursive: true });
      await writeFileAtomic(abs, text);
      copied.delete(path);
      slot.written.set(path, sha256(text));
    },
    async remove(path) {
      await rm(join(dir, path), { force: true });
      copied.delete(path);
      slot.written.set(path, REMOVED);
    },
    async release(path) {
      await rm(join(dir, path), { force: true });
      slot.written.delete(path);
    },
    catchUp: (scan) => catchUp(root, slot, copied, scan),
  };
  try {
    for (const [p, e] of await copyScan(root, dir, [...(await scanWorkspace(root))])) copied.set(p, e);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return slot;
}

/** Scratch copies of `root`, created lazily in the system temp folder and removed by `dispose`. */
export function createScratchPool(root: string, size = 2): ScratchPool {
  const free: ScratchSlot[] = [];
  const all: ScratchSlot[] = [];
  const waiters: ((slot: ScratchSlot | undefined) => void)[] = [];
  let created = 0;
  let disposed = false;
  const acquire = async (): Promise<ScratchSlot> => {
    const slot = free.pop();
    if (slot) return slot;
    if (created < size) {
      created++;
      try {
        const made = await makeSlot(root);
        all.push(made);
        if (!disposed) return made;
        await rm(made.dir, { recursive: true, force: true });
        throw new Error('scratch pool disposed');
      } catch (error) {
        created--;
        throw error;
      }
    }
    const next = await new Promise<ScratchSlot | undefined>((r) => waiters.push(r));
    if (!next) throw new Error('scratch pool disposed');
    return next;
  };
  const release = (slot: ScratchSlot) => {
    const waiter = waiters.shift();
    if (waiter) waiter(slot);
    else free.push(slot);
  };
  return {
    async use(fn) {
      if (disposed) throw new Error('scratch pool disposed');
      const slot = await acquire();
      try {
        return await fn(slot);
      } finally {
        release(slot);
      }
    },
    async dispose() {
      disposed = true;
      for (const w of waiters.splice(0)) w(undefined);
      await Promise.all(all.map((s) => rm(s.dir, { recursive: true, force: true })));
    },
  };
}
