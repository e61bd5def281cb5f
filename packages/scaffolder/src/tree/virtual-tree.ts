import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { St3Error } from '@st3/schemas';
import { resolveInside, toPosix } from './paths.js';

/** What to do when a file to write already exists with other content. */
export type OverwritePolicy = 'refuse' | 'force' | 'skip-if-exists';

export type ChangeAction = 'create' | 'update' | 'unchanged' | 'skip' | 'conflict';

export interface PlannedChange {
  path: string;
  action: ChangeAction;
  /** Unified diff, for updates and conflicts. */
  diff?: string;
}

export interface CommitReport {
  changes: PlannedChange[];
  /** Paths actually written (creates and updates). */
  written: string[];
}

interface Staged {
  path: string;
  abs: string;
  content: string;
  policy: OverwritePolicy;
}

/**
 * A set of pending writes under one root. Nothing touches disk until `commit()`, which writes
 * every file through a temp file + rename and rolls the whole batch back if any step fails.
 */
export class VirtualTree {
  readonly root: string;
  private readonly policy: OverwritePolicy;
  private readonly staged = new Map<string, Staged>();

  constructor(root: string, options: { policy?: OverwritePolicy } = {}) {
    this.root = root;
    this.policy = options.policy ?? 'refuse';
  }

  /** Stages a file; a path outside the root is refused at once (E_PATH_ESCAPE). */
  write(path: string, content: string, options: { policy?: OverwritePolicy } = {}): void {
    const abs = resolveInside(this.root, path);
    const rel = toPosix(path.replace(/\\/g, '/')).replace(/\/{2,}/g, '/');
    this.staged.set(abs, { path: rel, abs, content, policy: options.policy ?? this.policy });
  }

  /** The staged content, else the file on disk, else undefined. */
  async read(path: string): Promise<string | undefined> {
    const abs = resolveInside(this.root, path);
    const staged = this.staged.get(abs);
    if (staged) return staged.content;
    return readIfFile(abs);
  }

  get size(): number {
    return this.staged.size;
  }

  paths(): string[] {
    return [...this.staged.values()].map((s) => s.path);
  }

  /** What a commit would do, without writing anything. */
  async plan(): Promise<PlannedChange[]> {
    const out: PlannedChange[] = [];
    for (const file of this.staged.values()) {
      // Re-check at plan time: a symlink may have appeared since staging.
      resolveInside(this.root, file.path);
      const current = await readIfFile(file.abs);
      if (current === undefined) {
        if (await exists(file.abs)) throw new St3Error('E_WRITE', `${file.path} exists and is not a regular file`, { file: file.path, hint: 'choose another output path' });
        out.push({ path: file.path, action: 'create' });
      } else if (current === file.content) out.push({ path: file.path, action: 'unchanged' });
      else if (file.policy === 'skip-if-exists') out.push({ path: file.path, action: 'skip' });
      else {
        const diff = createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, current, file.content, undefined, undefined, { context: 3 });
        out.push({ path: file.path, action: file.policy === 'force' ? 'update' : 'conflict', diff });
      }
    }
    return out;
  }

  /**
   * Writes the batch: refuses it whole (E_CONFLICT, nothing written) when a file would be
   * overwritten against the policy; otherwise all files or none (E_WRITE after rollback).
   */
  async commit(): Promise<CommitReport> {
    const changes = await this.plan();
    const conflicts = changes.filter((c) => c.action === 'conflict');
    if (conflicts.length > 0) {
      throw new St3Error('E_CONFLICT', `${conflicts.length} file(s) already exist with different content: ${conflicts.map((c) => c.path).join(', ')}`, {
        file: conflicts[0]!.path,
        hint: 'review the diff with --dry-run, then pass --force to overwrite',
        details: { conflicts: conflicts.map((c) => ({ path: c.path, diff: c.diff })) },
      });
    }
    const toWrite = changes.filter((c) => c.action === 'create' || c.action === 'update');
    const byPath = new Map([...this.staged.values()].map((s) => [s.path, s]));
    const temps: { file: Staged; temp: string; original?: string }[] = [];
    const createdDirs: string[] = [];
    try {
      for (const change of toWrite) {
        const file = byPath.get(change.path)!;
        await mkdirTracked(dirname(file.abs), createdDirs);
        const temp = join(dirname(file.abs), `.${basename(file.abs)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
        const original = change.action === 'update' ? await readIfFile(file.abs) : undefined;
        temps.push({ file, temp, original });
        const handle = await open(temp, 'wx', 0o644);
        try {
          await handle.writeFile(file.content);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }
    } catch (error) {
      await Promise.all(temps.map((t) => rm(t.temp, { force: true })));
      await removeDirs(createdDirs);
      throw writeError(error);
    }
    const renamed: typeof temps = [];
    try {
      for (const t of temps) {
        await rename(t.temp, t.file.abs);
        renamed.push(t);
      }
    } catch (error) {
      await rollback(renamed, temps);
      await removeDirs(createdDirs);
      throw writeError(error);
    }
    this.staged.clear();
    return { changes, written: toWrite.map((c) => c.path) };
  }
}

async function rollback(renamed: { file: Staged; temp: string; original?: string }[], temps: { temp: string }[]): Promise<void> {
  for (const t of renamed.reverse()) {
    if (t.original === undefined) await rm(t.file.abs, { force: true });
    else {
      const back = `${t.temp}.restore`;
      await writeFile(back, t.original).then(() => rename(back, t.file.abs)).catch(() => undefined);
    }
  }
  await Promise.all(temps.map((t) => rm(t.temp, { force: true })));
}

async function mkdirTracked(dir: string, created: string[]): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  // Record every folder mkdir created, deepest last, so a rollback can remove them.
  for (let d = dir; ; d = dirname(d)) {
    created.push(d);
    if (d === first || dirname(d) === d) break;
  }
}

async function removeDirs(dirs: string[]): Promise<void> {
  for (const d of dirs) await rmdir(d).catch(() => undefined);
}

async function readIfFile(abs: string): Promise<string | undefined> {
  try {
    return await readFile(abs, 'utf8');
  } catch {
    return undefined;
  }
}

async function exists(abs: string): Promise<boolean> {
  try {
    await stat(abs);
    return true;
  } catch {
    return false;
  }
}

function writeError(error: unknown): St3Error {
  const e = error as NodeJS.ErrnoException;
  return new St3Error('E_WRITE', `the batch was not written (every file rolled back): ${e.message}`, { file: e.path, cause: error, hint: 'check disk space and permissions of the target folder' });
}
