import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { St3Error } from '@st3/schemas';
import { withFileLock, writeFileAtomic } from '../fs.js';
import { directoryEditLog, memoryEditLog } from './edit-log.js';
import { applyHunks, diffHunks, rebaseHunks, type Hunk } from './hunks.js';
import { sha256, unifiedDiff } from './text.js';

/** An edit to apply: hunks in the coordinates of `base`, the file as the editor saw it. */
export interface Edit {
  base: string;
  hunks: Hunk[];
  /** Who made it (a node id), for the record of what later edits were rebased over. */
  label: string;
}

export interface AppliedEdit {
  before: string;
  after: string;
  /** Labels of the edits applied to the file between `base` and this write. */
  rebasedOver: string[];
}

/**
 * The files an execution reads and changes. `disk` writes atomically under the file lock (so a
 * review server and an execute never interleave a read-modify-write of one file); `dryRun` keeps
 * every change in memory and produces the run's patch.
 */
export interface WorkspaceFiles {
  readonly root: string;
  readonly dryRun: boolean;
  /** Current text of a file (relative to the root); undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  /**
   * Applies an edit made on an older version of the file: rebased exactly over the edits written
   * since (by this process, or by any process sharing the `editLog` directory; atoms of one file never
   * touch the same lines, so they never conflict), refused with E_APPLY_CONFLICT when its lines were
   * changed meanwhile or the file changed by other means. `beforeWrite` runs under the lock just
   * before the write (to checkpoint the run).
   */
  applyEdit(path: string, edit: Edit, beforeWrite?: (result: AppliedEdit) => Promise<void>): Promise<AppliedEdit>;
  /** Read-modify-write under the file's lock: `compute` gets the current text and returns the new one. */
  replace(path: string, compute: (current: string) => string): Promise<{ before: string; after: string }>;
  /** Paths written through this object since it was made. */
  changed(): string[];
  /**
   * Takes the current text of `paths` as their starting versions (unless written through this object
   * already), so that `patch()` also shows what other processes change in them: agent nodes run on
   * workers write the files themselves.
   */
  track(paths: readonly string[]): Promise<void>;
  /** Unified diff of every changed or tracked file (as first read → now; unchanged ones omitted). */
  patch(): Promise<string>;
}

/** Resolves a workspace-relative path, refusing any that escapes the root. */
export function insideRoot(root: string, path: string): string {
  const abs = resolve(root, path);
  const rel = relative(root, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new St3Error('E_USAGE', `path ${path} is outside the workspace ${root}`, {
      hint: 'atoms must name files inside the workspace',
    });
  return abs;
}

async function readText(abs: string): Promise<string | undefined> {
  try {
    return await readFile(abs, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new St3Error('E_FILE_READ', `cannot read ${abs}: ${(error as Error).message}`, { file: abs });
  }
}

function conflict(path: string, label: string, why: string): St3Error {
  return Object.assign(
    new St3Error('E_APPLY_CONFLICT', `${path}: ${why}; ${label} is generated again from the file as it is now`),
    { category: 'context' as const },
  );
}

export interface WorkspaceFilesOptions {
  dryRun?: boolean;
  /**
   * Directory of the shared edit log (conventionally `.st3/edits`): processes writing the same files
   * (workers applying atoms of one file) rebase over each other's edits exactly instead of
   * regenerating. Without it the chain of versions is this object's own. Ignored in a dry run.
   */
  editLog?: string;
}

export function createWorkspaceFiles(root: string, options: WorkspaceFilesOptions = {}): WorkspaceFiles {
  const dryRun = options.dryRun === true;
  const overlay = new Map<string, string>();
  const original = new Map<string, string>();
  // Files others write (see track): their text when tracking began.
  const tracked = new Map<string, string>();
  // Per file: the versions written, each with the edit that made it (in the previous version's lines).
  const log = options.editLog && !dryRun ? directoryEditLog(options.editLog) : memoryEditLog();
  // In-process queue per file: the file lock is per process; this orders this process's own writes.
  const queues = new Map<string, Promise<unknown>>();
  const key = (path: string) => path.replace(/\\/g, '/');

  const read = async (path: string) => {
    const k = key(path);
    if (dryRun && overlay.has(k)) return overlay.get(k);
    return readText(insideRoot(root, k));
  };

  const serialized = <T>(k: string, body: () => Promise<T>): Promise<T> => {
    const abs = insideRoot(root, k);
    const run = () => (dryRun ? body() : withFileLock(abs, body, { timeoutMs: 30_000 }));
    const next = (queues.get(k) ?? Promise.resolve()).then(run, run);
    queues.set(
      k,
      next.catch(() => undefined),
    );
    return next;
  };

  const write = async (k: string, before: string, after: string, entry: { label: string; hunks: Hunk[] }) => {
    if (!original.has(k)) original.set(k, before);
    const chain = await log.load(k);
    if (chain.length === 0 || chain[chain.length - 1]!.sha !== sha256(before))
      // The first write of this file (or the first after a change by other means): its starting version.
      chain.splice(0, chain.length, { sha: sha256(before), label: '(start)', hunks: [] });
    if (dryRun) overlay.set(k, after);
    else await writeFileAtomic(insideRoot(root, k), after);
    chain.push({ sha: sha256(after), ...entry });
    await log.save(k, chain);
  };

  return {
    root,
    dryRun,
    read,
    applyEdit(path, edit, beforeWrite) {
      const k = key(path);
      return serialized(k, async () => {
        const current = (await read(k)) ?? '';
        let hunks = edit.hunks;
        const rebasedOver: string[] = [];
        if (current !== edit.base) {
          // The versions written since: the edit is rebased over those made after its base.
          const list = await log.load(k);
          const baseSha = sha256(edit.base);
          let from = list.length - 1;
          while (from >= 0 && list[from]!.sha !== baseSha) from--;
          if (from < 0 || list[list.length - 1]!.sha !== sha256(current))
            throw conflict(k, edit.label, 'the file was changed by other means since the agent read it');
          for (const entry of list.slice(from + 1)) {
            const r = rebaseHunks(hunks, entry.hunks);
            if (!r.ok) throw conflict(k, edit.label, `line ${r.conflictLine} was changed by ${entry.label} meanwhile`);
            hunks = r.hunks;
            rebasedOver.push(entry.label);
          }
        }
        const result: AppliedEdit = { before: current, after: applyHunks(current, hunks), rebasedOver };
        await beforeWrite?.(result);
        await write(k, current, result.after, { label: edit.label, hunks });
        return result;
      });
    },
    replace(path, compute) {
      const k = key(path);
      return serialized(k, async () => {
        const before = (await read(k)) ?? '';
        const after = compute(before);
        if (after !== before) await write(k, before, after, { label: '(review)', hunks: diffHunks(before, after) });
        return { before, after };
      });
    },
    changed: () => [...original.keys()],
    async track(paths) {
      for (const k of new Set(paths.map(key))) {
        if (original.has(k) || tracked.has(k)) continue;
        // A path that cannot be read (outside the workspace, say) fails its own node later, not the run.
        const text = await read(k).catch(() => null);
        if (text !== null) tracked.set(k, text ?? '');
      }
    },
    async patch() {
      const parts: string[] = [];
      const starts = new Map([...tracked, ...original]);
      for (const [path, before] of [...starts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const diff = unifiedDiff(path, before, (await read(path)) ?? '');
        if (diff) parts.push(diff);
      }
      return parts.join('');
    },
  };
}
