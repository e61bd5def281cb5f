import { constants } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { St3Error } from '@st3/schemas';
import { writeFileAtomic } from '../fs.js';
import { sha256 } from '../change/text.js';

/** Folders shared into a scratch copy by a symbolic link (installed dependencies: read-only for the gates). */
const LINKED = new Set(['node_modules', '.venv', 'venv', '.tox', 'bower_components']);
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

/** Copies a workspace for validation: files copied (reflinked where the file system can), dependency folders linked. */
export async function copyWorkspace(root: string, target: string): Promise<void> {
  const visit = async (rel: string): Promise<void> => {
    const from = join(root, rel);
    // A folder left out of the copy could let the gates pass without it: only one that vanished is skipped.
    const entries = await readdir(from, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
      throw new St3Error(
        'E_FILE_READ',
        `cannot list ${from} to copy it for validation (${error.code ?? error.message})`,
        {
          file: from,
          hint: 'fix its permissions, or ignore it: the change is validated on a copy of the whole workspace',
          cause: error,
        },
      );
    });
    await mkdir(join(target, rel), { recursive: true });
    await Promise.all(
      entries.map(async (e) => {
        const r = rel ? join(rel, e.name) : e.name;
        if (rel === '.st3' && SKIPPED_ST3.has(e.name)) return;
        if (e.isDirectory()) {
          if (SKIPPED.has(e.name)) return;
          if (LINKED.has(e.name)) return symlink(join(root, r), join(target, r), 'dir');
          return visit(r);
        }
        if (e.isSymbolicLink()) return symlink(join(root, r), join(target, r)).catch(() => undefined);
        if (e.isFile()) return copyFile(join(root, r), join(target, r), constants.COPYFILE_FICLONE);
        return undefined;
      }),
    );
  };
  await visit('');
}

/** One scratch copy of the workspace; it remembers which files it holds in another version. */
export interface ScratchSlot {
  readonly dir: string;
  /** sha256 of files whose content here differs from the copy's origin (written since the copy). */
  readonly written: Map<string, string>;
  write(path: string, text: string): Promise<void>;
}

export interface ScratchPool {
  /** Runs `fn` with a free slot (copied on first use), at most `size` at once. */
  use<T>(fn: (slot: ScratchSlot) => Promise<T>): Promise<T>;
  dispose(): Promise<void>;
}

/** Scratch copies of `root`, created lazily in the system temp folder and removed by `dispose`. */
export function createScratchPool(root: string, size = 2): ScratchPool {
  const free: ScratchSlot[] = [];
  const all: ScratchSlot[] = [];
  const waiters: ((slot: ScratchSlot | undefined) => void)[] = [];
  let created = 0;
  let disposed = false;
  const make = async (): Promise<ScratchSlot> => {
    const dir = await mkdtemp(join(tmpdir(), 'st3-scratch-'));
    const slot: ScratchSlot = {
      dir,
      written: new Map(),
      async write(path, text) {
        const abs = join(dir, path);
        await mkdir(dirname(abs), { recursive: true });
        await writeFileAtomic(abs, text);
        slot.written.set(path, sha256(text));
      },
    };
    all.push(slot);
    try {
      await copyWorkspace(root, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      all.splice(all.indexOf(slot), 1);
      throw error;
    }
    return slot;
  };
  const acquire = async (): Promise<ScratchSlot> => {
    const slot = free.pop();
    if (slot) return slot;
    if (created < size) {
      created++;
      try {
        return await make();
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
