import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { St3Error } from '@st3/schemas';
import { VirtualTree } from '../tree/virtual-tree.js';
import { toBaseRelative, type PatternWorkspace } from './workspace.js';

export type FileAction = 'create' | 'update' | 'unchanged' | 'kept';
export type FileStatus = 'planned' | 'created' | 'updated' | 'unchanged' | 'kept' | 'failed';

/** One file a batch wants to write (or decided to leave alone). */
export interface FileChange {
  /** Relative to the link base, forward slashes. */
  path: string;
  abs: string;
  phase: 1 | 2;
  pattern?: string;
  action: FileAction;
  content?: string;
  /** Why a file is kept or what the change is. */
  note?: string;
}

/**
 * The files as accepted so far: disk overlaid with the output of every batch that passed its
 * validation. A dry run never writes, so later batches (and phase 2) read earlier batches' output
 * from here, exactly as they would read it from disk after a real commit.
 */
export class Overlay {
  private readonly files = new Map<string, string>();
  private readonly disk = new Map<string, string | undefined>();

  async read(abs: string): Promise<string | undefined> {
    if (this.files.has(abs)) return this.files.get(abs);
    return this.readDisk(abs);
  }

  /** The file on disk; undefined only when there is none (one that cannot be read is E_FILE_READ: taken for absent, it would be overwritten). */
  async readDisk(abs: string): Promise<string | undefined> {
    if (!this.disk.has(abs)) this.disk.set(abs, await readIfThere(abs));
    return this.disk.get(abs);
  }

  exists(abs: string): boolean {
    return this.files.has(abs) || existsSync(abs);
  }

  accept(changes: readonly FileChange[]): void {
    for (const c of changes)
      if (c.content !== undefined && (c.action === 'create' || c.action === 'update')) this.files.set(c.abs, c.content);
  }
}

/** Decides create/update/unchanged for new content against what the overlay holds. */
export async function changeFor(
  ws: PatternWorkspace,
  overlay: Overlay,
  abs: string,
  content: string,
  phase: 1 | 2,
  pattern: string | undefined,
  note?: string,
): Promise<FileChange> {
  const current = await overlay.read(abs);
  const action: FileAction = current === undefined ? 'create' : current === content ? 'unchanged' : 'update';
  return { path: toBaseRelative(ws, abs), abs, phase, pattern, action, content, note };
}

/**
 * Commits a batch through the virtual tree: atomic per file (temp + rename) and as a whole (a
 * failure rolls every file of the batch back). Returns the paths written.
 */
export async function commitBatch(ws: PatternWorkspace, changes: readonly FileChange[]): Promise<string[]> {
  const tree = new VirtualTree(ws.linkBase, { policy: 'force' });
  for (const c of changes)
    if (c.content !== undefined && (c.action === 'create' || c.action === 'update')) tree.write(c.path, c.content);
  if (tree.size === 0) return [];
  const report = await tree.commit();
  return report.written;
}

/** Runs `fn` on every item at once (the work is file I/O and small CPU steps) and keeps the order. */
export function parallel<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  return Promise.all(items.map(fn));
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function readIfThere(abs: string): Promise<string | undefined> {
  try {
    return await readFile(abs, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new St3Error('E_FILE_READ', `cannot read ${abs} (${code ?? (error as Error).message})`, {
      file: abs,
      hint: 'fix its permissions (or move it away): a file that cannot be read is not replaced',
      cause: error,
    });
  }
}
