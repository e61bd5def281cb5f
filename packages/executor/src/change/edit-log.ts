import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ignoreInGit, writeFileAtomic } from '../fs.js';
import type { Hunk } from './hunks.js';
import { sha256 } from './text.js';

/** One version of a file and the exact edit that produced it from the previous one. */
export interface EditLogEntry {
  sha: string;
  label: string;
  hunks: Hunk[];
}

/**
 * The chain of versions of each file written through a workspace, so a later edit made on an older
 * version can be rebased exactly. In memory it serves one process; with a directory it is shared by
 * every process that writes the same files (worker processes applying atoms of one file), read and
 * saved under the file's lock by the caller.
 */
export interface EditLog {
  load(path: string): Promise<EditLogEntry[]>;
  save(path: string, chain: EditLogEntry[]): Promise<void>;
}

/** Versions kept per file: an edit based on an older one is regenerated, never guessed. */
export const EDIT_LOG_DEPTH = 256;

export function memoryEditLog(): EditLog {
  const chains = new Map<string, EditLogEntry[]>();
  return {
    load: async (path) => chains.get(path) ?? [],
    save: async (path, chain) => void chains.set(path, chain.slice(-EDIT_LOG_DEPTH)),
  };
}

/** One JSON file per workspace file under `dir`; an unreadable or foreign log is an empty chain. */
export function directoryEditLog(dir: string): EditLog {
  const fileOf = (path: string) => join(dir, `${sha256(path).slice(0, 24)}.json`);
  return {
    async load(path) {
      try {
        const doc = JSON.parse(await readFile(fileOf(path), 'utf8')) as { path?: unknown; chain?: unknown };
        return doc.path === path && Array.isArray(doc.chain) ? (doc.chain as EditLogEntry[]) : [];
      } catch {
        // Missing or damaged: the chain starts again at the file as it is (an older edit is regenerated).
        return [];
      }
    },
    async save(path, chain) {
      await mkdir(dir, { recursive: true });
      // The log is ST3's bookkeeping: git never shows it as an untracked change.
      await ignoreInGit(dir);
      await writeFileAtomic(fileOf(path), JSON.stringify({ path, chain: chain.slice(-EDIT_LOG_DEPTH) }));
    },
  };
}
