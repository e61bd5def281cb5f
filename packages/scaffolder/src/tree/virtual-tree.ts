import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { tempName } from '@st3/fs';
import { St3Error } from '@st3/schemas';
import { resolveInside, toPosix, type InsideCache } from './paths.js';

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
  private readonly inside: InsideCache = { dirs: new Set() };
  private readonly beforeRename?: (path: string) => void | Promise<void>;
  private readonly durable: boolean;

  /**
   * `durable` fsyncs every file before it is renamed into place (survives power loss, much slower
   * on real disks); `beforeRename` runs before each rename (fault injection in tests, tracing).
   */
  constructor(
    root: string,
    options: {
      policy?: OverwritePolicy;
      durable?: boolean;
      beforeRename?: (path: string) => void | Promise<void>;
    } = {},
  ) {
    this.root = root;
    this.policy = options.policy ?? 'refuse';
    this.durable = options.durable ?? false;
    this.beforeRename = options.beforeRename;
  }

  /** Stages a file; a path outside the root is refused at once (E_PATH_ESCAPE). */
  write(path: string, content: string, options: { policy?: OverwritePolicy } = {}): void {
    // Lexical and folder checks now (cached per folder); the file itself is checked again by plan().
    const abs = resolveInside(this.root, path, this.inside, { skipTarget: true });
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
    // Re-check every path at plan time (a symlink may have appeared since staging), each folder once.
    this.inside.dirs.clear();
    for (const file of this.staged.values()) {
      resolveInside(this.root, file.path, this.inside);
      const info = statOrObstruction(file);
      if (info === undefined) {
        out.push({ path: file.path, action: 'create' });
        continue;
      }
      if (!info.isFile())
        throw new St3Error('E_WRITE', `${file.path} exists and is not a regular file`, {
          file: file.path,
          hint: 'choose another output path',
        });
      const current = readFileSync(file.abs, 'utf8');
      if (current === file.content) out.push({ path: file.path, action: 'unchanged' });
      else if (file.policy === 'skip-if-exists') out.push({ path: file.path, action: 'skip' });
      else {
        const diff = createTwoFilesPatch(
          `a/${file.path}`,
          `b/${file.path}`,
          current,
          file.content,
          undefined,
          undefined,
          { context: 3 },
        );
        out.push({ path: file.path, action: file.policy === 'force' ? 'update' : 'conflict', diff });
      }
    }
    return out;
  }

  /**
   * Writes the batch: refuses it whole (E_CONFLICT, nothing written) when a file would be
   * overwritten against the policy; otherwise all files or none (E_WRITE after rollback).
   * Each file goes to a temp file beside its target and is renamed into place once every temp
   * file is written. File I/O is synchronous inside the commit: one batch, no interleaving, and
   * no thread-pool round trip per file.
   *
   * `then` runs once every file is in place (a scaffold records what it wrote there); when it throws, the
   * batch is rolled back like a failed rename, and its error is rethrown saying so: the files and their
   * records stand or fall together.
   */
  async commit(options: { then?: (report: CommitReport) => Promise<void> } = {}): Promise<CommitReport> {
    const changes = await this.plan();
    const conflicts = changes.filter((c) => c.action === 'conflict');
    if (conflicts.length > 0) {
      throw new St3Error(
        'E_CONFLICT',
        `${conflicts.length} file(s) already exist with different content: ${conflicts.map((c) => c.path).join(', ')}`,
        {
          file: conflicts[0]!.path,
          hint: 'review the diff with --dry-run, then pass --force to overwrite',
          details: { conflicts: conflicts.map((c) => ({ path: c.path, diff: c.diff })) },
        },
      );
    }
    const toWrite = changes.filter((c) => c.action === 'create' || c.action === 'update');
    const byPath = new Map([...this.staged.values()].map((s) => [s.path, s]));
    const temps: Temp[] = [];
    const createdDirs: string[] = [];
    const knownDirs = new Set<string>();
    try {
      for (const change of toWrite) {
        const file = byPath.get(change.path)!;
        const dir = dirname(file.abs);
        if (!knownDirs.has(dir)) {
          mkdirTracked(dir, createdDirs);
          knownDirs.add(dir);
        }
        // @st3/fs's temp name: a batch killed before its renames leaves orphans the next writer sweeps.
        const temp = join(dir, tempName(basename(file.abs)));
        // bytes, not text: a rollback must give back exactly what was there
        const original = change.action === 'update' ? readFileSync(file.abs) : undefined;
        temps.push({ file, temp, original });
        writeFileSync(temp, file.content, { flag: 'wx', mode: 0o644 });
        if (this.durable) {
          const fd = openSync(temp, 'r+');
          try {
            fsyncSync(fd);
          } finally {
            closeSync(fd);
          }
        }
      }
    } catch (error) {
      for (const t of temps) rmSync(t.temp, { force: true });
      removeDirs(createdDirs);
      throw writeError(error);
    }
    const renamed: Temp[] = [];
    try {
      for (const t of temps) {
        await this.beforeRename?.(t.file.path);
        place(t);
        renamed.push(t);
      }
    } catch (error) {
      rollback(renamed, temps);
      removeDirs(createdDirs);
      throw error instanceof St3Error ? error : writeError(error);
    }
    const report = { changes, written: toWrite.map((c) => c.path) };
    if (options.then) {
      try {
        await options.then(report);
      } catch (error) {
        rollback(renamed, temps);
        removeDirs(createdDirs);
        throw rolledBack(error);
      }
    }
    this.staged.clear();
    return report;
  }
}

interface Temp {
  file: Staged;
  temp: string;
  original?: Buffer;
}

/** Link errors of file systems without hard links: there a create checks, then renames. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK']);

/**
 * Moves a temp file into place. A create the policy does not force never replaces a file that appeared
 * after the plan (another scaffold run writing the same path): the link fails instead of the rename
 * silently overwriting it, and the batch is refused (E_CONFLICT) with that file left as it is.
 */
function place(t: Temp): void {
  if (t.original !== undefined || t.file.policy === 'force') {
    renameSync(t.temp, t.file.abs);
    return;
  }
  try {
    linkSync(t.temp, t.file.abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw appeared(t.file);
    if (!NO_LINKS.has(code)) throw error;
    if (statSync(t.file.abs, { throwIfNoEntry: false }) !== undefined) throw appeared(t.file);
    renameSync(t.temp, t.file.abs);
    return;
  }
  rmSync(t.temp, { force: true });
}

function appeared(file: Staged): St3Error {
  return new St3Error(
    'E_CONFLICT',
    `${file.path} was created by another writer while this batch was written; nothing was written (every file of the batch was rolled back), and that file was left as it is`,
    { file: file.path, hint: 'review it, then run again (--dry-run shows the diff; --force overwrites)' },
  );
}

function rollback(renamed: Temp[], temps: Temp[]): void {
  for (const t of renamed.reverse()) {
    try {
      if (t.original === undefined) rmSync(t.file.abs, { force: true });
      else {
        writeFileSync(`${t.temp}.restore`, t.original);
        renameSync(`${t.temp}.restore`, t.file.abs);
      }
    } catch {
      // best effort: keep restoring the others
    }
  }
  for (const t of temps) rmSync(t.temp, { force: true });
}

function mkdirTracked(dir: string, created: string[]): void {
  const first = mkdirSync(dir, { recursive: true });
  if (first === undefined) return;
  // Record every folder mkdir created, deepest first, so a rollback can remove them.
  for (let d = dir; ; d = dirname(d)) {
    created.push(d);
    if (d === first || dirname(d) === d) break;
  }
}

function removeDirs(dirs: string[]): void {
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch {
      // not empty or already gone
    }
  }
}

/** The file's stat, undefined when absent; a file where a parent folder must be is a typed error. */
function statOrObstruction(file: Staged): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(file.abs, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw writeError(error);
    throw new St3Error('E_WRITE', `cannot write ${file.path}: one of its parent folders is a file`, {
      file: file.path,
      hint: 'choose another output path, or move the file that stands in the way',
    });
  }
}

async function readIfFile(abs: string): Promise<string | undefined> {
  try {
    return await readFile(abs, 'utf8');
  } catch {
    return undefined;
  }
}

/** The error of a step after the renames, saying the batch was undone (an error that is no St3Error stays itself). */
function rolledBack(error: unknown): unknown {
  if (!(error instanceof St3Error)) return error;
  return new St3Error(error.code, `${error.message} (nothing was written: every file of the batch was rolled back)`, {
    file: error.file,
    line: error.line,
    column: error.column,
    hint: error.hint,
    diagnostics: error.diagnostics,
    details: error.details,
    cause: error,
  });
}

function writeError(error: unknown): St3Error {
  const e = error as NodeJS.ErrnoException;
  return new St3Error('E_WRITE', `the batch was not written (every file rolled back): ${e.message}`, {
    file: e.path,
    cause: error,
    hint: 'check disk space and permissions of the target folder',
  });
}
