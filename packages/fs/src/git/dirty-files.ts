import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { isSt3Error, St3Error } from '@st3/schemas/errors';
import { GitignoreMatcher } from '../gitignore.js';
import { lstatIfThere } from '../present.js';
import { compareCodeUnits, walkFiles } from '../walk.js';
import { parseIndex, type IndexEntry } from './index-file.js';
import { gitDirs, isomorphicGit, ObjectReader, readHead, type GitDirs } from './repo.js';

export interface DirtyFile {
  /** Relative to the work tree root, `/`-separated. An untracked nested repository is one entry ending in `/`. */
  path: string;
  /**
   * The two-letter `git status --porcelain=v1` code (index column, work tree column) with its spaces
   * trimmed, as ST3 has always recorded it: `M`, `A`, `D`, `R`, `AM`, `MM`, `RM`, `MD`..., `??`
   * untracked, `UU` a merge conflict.
   */
  status: string;
  /** For a rename (`R…`): the path it was renamed from. */
  renamedFrom?: string;
  /** The file is absent from the work tree (deleted, staged or not). */
  deleted: boolean;
  /** The work tree content differs from the base commit (false for a staged change undone in the work tree). */
  changedFromBase: boolean;
}

export interface DirtyFilesOptions {
  /** Compare the index with this commit instead of HEAD (the staged column then means "since base"). */
  base?: string;
}

export interface DirtyFilesResult {
  workTree: string;
  /** HEAD's commit (undefined before the first commit) and branch (undefined when detached). */
  head?: string;
  branch?: string;
  /** The commit compared with (base, else HEAD); undefined when there is none. */
  base?: string;
  files: DirtyFile[];
}

/**
 * "Which files are dirty", answered in-process the way `git status --porcelain=v1 --untracked-files=all`
 * answers it, without the git binary: read the index (path, blob id, stat data), trust an entry
 * whose stat data still matches the file (hash it otherwise, and always when it is "racy"), compare
 * the index with the base commit's tree (skipping folders whose cache-tree id equals the base's),
 * and walk the work tree through the `.gitignore` rules for untracked files.
 *
 * Differences from git, by design: renames are detected only when the blob is identical (git also
 * pairs similar files); submodule content is not inspected; the user's global excludes file is not
 * read. Index version 4 and split indexes go through isomorphic-git's `statusMatrix` instead.
 */
export async function listDirtyFiles(workTree: string, options: DirtyFilesOptions = {}): Promise<DirtyFilesResult> {
  const dirs = gitDirs(workTree);
  if (!dirs)
    throw new St3Error('E_NO_REPO', `${workTree} is not the root of a git work tree`, {
      hint: 'run `git init`, or pass the folder that holds .git',
    });
  const { head, branch } = readHead(dirs);
  const base = options.base ?? head;
  try {
    const files = (await fastStatus(dirs, base)) ?? (await statusMatrixStatus(dirs, base));
    return { workTree, head, branch, base, files };
  } catch (error) {
    if (isSt3Error(error)) throw error; // e.g. E_FILE_READ for a file or folder it cannot look at
    throw new St3Error('E_GIT', `cannot list the changes of ${workTree}: ${(error as Error).message}`, {
      cause: error,
      hint: 'check the repository with `git status`',
    });
  }
}

async function fastStatus(dirs: GitDirs, base: string | undefined): Promise<DirtyFile[] | undefined> {
  let indexBuf: Buffer;
  let indexMtime = 0;
  try {
    indexBuf = fs.readFileSync(join(dirs.gitDir, 'index'));
    indexMtime = fs.statSync(join(dirs.gitDir, 'index')).mtimeMs;
  } catch {
    indexBuf = Buffer.alloc(0); // a new repository without an index: everything is untracked
  }
  const parsed = indexBuf.length === 0 ? { entries: [], cacheTree: new Map<string, string>() } : parseIndex(indexBuf);
  if (!parsed) return undefined;

  const reader = new ObjectReader(dirs);
  const baseTree = new Map<string, { oid: string; mode: number }>();
  const sameAsBase = new Set<string>();
  if (base) await flattenTree(reader, await reader.commitTree(base), '', baseTree, parsed.cacheTree, sameAsBase);

  const out: DirtyFile[] = [];
  const tracked = new Set<string>();
  for (const e of parsed.entries) {
    if (tracked.has(e.path)) continue;
    tracked.add(e.path);
    if (e.stage !== 0) {
      out.push({ path: e.path, status: 'UU', deleted: !fileAt(join(dirs.workTree, e.path)), changedFromBase: true });
      continue;
    }
    if (e.mode === 0o160000) continue; // submodules: not inspected
    const inBase = inFolderOf(sameAsBase, e.path) ? { oid: e.oid, mode: e.mode } : baseTree.get(e.path);
    baseTree.delete(e.path);
    const work = worktreeState(dirs.workTree, e, indexMtime);
    const x = e.intentToAdd ? ' ' : !inBase ? 'A' : inBase.oid !== e.oid || inBase.mode !== e.mode ? 'M' : ' ';
    const y = work === undefined ? 'D' : e.intentToAdd ? 'A' : work.oid !== e.oid || work.mode !== e.mode ? 'M' : ' ';
    if (x === ' ' && y === ' ') continue;
    const changedFromBase = work === undefined || !inBase || work.oid !== inBase.oid || work.mode !== inBase.mode;
    out.push({ path: e.path, status: `${x}${y}`.trim(), deleted: work === undefined, changedFromBase });
  }
  // Base files no longer in the index: staged deletions.
  const deletedOids = new Map<string, string>();
  for (const [path, entry] of baseTree) {
    if (entry.mode === 0o160000) continue;
    deletedOids.set(path, entry.oid);
    out.push({ path, status: 'D', deleted: !fileAt(join(dirs.workTree, path)), changedFromBase: true });
  }
  const submodules = new Set(parsed.entries.filter((e) => e.mode === 0o160000).map((e) => e.path));
  for (const path of await untracked(dirs.workTree, tracked, submodules)) {
    out.push({ path, status: '??', deleted: false, changedFromBase: true });
  }
  const indexOids = new Map(parsed.entries.map((e) => [e.path, e.oid]));
  return pairExactRenames(out, deletedOids, indexOids);
}

/** The work tree's blob id and mode for an index entry; undefined when the file is gone. */
function worktreeState(root: string, e: IndexEntry, indexMtime: number): { oid: string; mode: number } | undefined {
  if (e.skipWorktree || e.assumeValid) return { oid: e.oid, mode: e.mode };
  const abs = join(root, e.path);
  // Gone is a deletion; a file that cannot be looked at is no deletion (nor clean): E_FILE_READ.
  const st = lstatIfThere(abs);
  if (!st) return undefined;
  if (!st.isFile() && !st.isSymbolicLink()) return undefined;
  const mode = st.isSymbolicLink() ? 0o120000 : st.mode & 0o100 ? 0o100755 : 0o100644;
  // As git (core.trustctime): an edit that kept the size and put the old mtime back still moved ctime.
  const statMatches =
    Math.floor(st.mtimeMs / 1000) === e.mtimeSeconds &&
    Math.floor(st.ctimeMs / 1000) === e.ctimeSeconds &&
    st.size % 2 ** 32 === e.size &&
    (e.ino === 0 || st.ino % 2 ** 32 === e.ino);
  // "Racy git": a file written in the same second as the index may have changed unseen.
  if (statMatches && st.mtimeMs < indexMtime - 1000) return { oid: e.oid, mode };
  const content = st.isSymbolicLink() ? Buffer.from(fs.readlinkSync(abs)) : fs.readFileSync(abs);
  return { oid: hashBlob(content), mode };
}

/** Untracked, not ignored files (and untracked nested repositories as `dir/`), like `-uall`. */
async function untracked(root: string, tracked: Set<string>, submodules: Set<string>): Promise<string[]> {
  const nested: string[] = [];
  const trackedDirs = new Set<string>();
  for (const p of tracked)
    for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) trackedDirs.add(p.slice(0, i));
  const files = await walkFiles(root, {
    gitignore: new GitignoreMatcher(root),
    skipNames: ['.git'],
    symlinks: 'all',
    enter: (dir) => {
      if (!trackedDirs.has(dir) && !tracked.has(dir) && fs.existsSync(join(root, dir, '.git'))) {
        nested.push(`${dir}/`);
        return false;
      }
      // A submodule's folder: its files are its own. A tracked file now replaced by a folder: its files are new.
      return !submodules.has(dir);
    },
    filter: (p) => !tracked.has(p),
  });
  return [...files, ...nested];
}

/**
 * A staged deletion and a staged addition of the same blob are one rename, listed like git under the
 * new path (`R`, or `RM`/`RD` with a work tree change); the deletion's line goes. Pairs in path order.
 */
function pairExactRenames(
  files: DirtyFile[],
  deletedOids: Map<string, string>,
  indexOids: Map<string, string>,
): DirtyFile[] {
  if (deletedOids.size === 0) return files.sort((a, b) => compareCodeUnits(a.path, b.path));
  const byOid = new Map<string, string[]>();
  for (const [path, oid] of [...deletedOids].sort((a, b) => compareCodeUnits(a[0], b[0])))
    byOid.set(oid, [...(byOid.get(oid) ?? []), path]);
  const gone = new Set<string>();
  const out: DirtyFile[] = [];
  for (const f of [...files].sort((a, b) => compareCodeUnits(a.path, b.path))) {
    if (f.status.startsWith('A')) {
      const from = byOid.get(indexOids.get(f.path) ?? '')?.shift();
      if (from !== undefined) {
        gone.add(from);
        out.push({ ...f, status: `R${f.status.slice(1)}`, renamedFrom: from });
        continue;
      }
    }
    out.push(f);
  }
  return out.filter((f) => !(f.status === 'D' && gone.has(f.path)));
}

/** BASE's blob ids by path, except under folders whose index cache-tree id equals BASE's (listed in `same`). */
async function flattenTree(
  reader: ObjectReader,
  oid: string,
  prefix: string,
  out: Map<string, { oid: string; mode: number }>,
  cacheTree: Map<string, string>,
  same: Set<string>,
): Promise<void> {
  if (cacheTree.get(prefix) === oid) {
    same.add(prefix);
    return;
  }
  const subtrees: Promise<void>[] = [];
  for (const entry of await reader.tree(oid)) {
    const p = prefix ? `${prefix}/${entry.path}` : entry.path;
    if (entry.mode === 0o40000) subtrees.push(flattenTree(reader, entry.oid, p, out, cacheTree, same));
    else out.set(p, { oid: entry.oid, mode: entry.mode });
  }
  await Promise.all(subtrees);
}

/** Is `path` inside one of `folders` ('' is the root)? Checks each ancestor folder once. */
function inFolderOf(folders: Set<string>, path: string): boolean {
  if (folders.size === 0) return false;
  if (folders.has('')) return true;
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1))
    if (folders.has(path.slice(0, i))) return true;
  return false;
}

/** A file or a symlink is at `path`; a folder there is not the file that was (its files are untracked). */
function fileAt(path: string): boolean {
  try {
    return !fs.lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function hashBlob(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** Index features not read in-process (version 4, split index): isomorphic-git's statusMatrix. */
async function statusMatrixStatus(dirs: GitDirs, base: string | undefined): Promise<DirtyFile[]> {
  const g = await isomorphicGit();
  const rows = await g.statusMatrix({
    fs,
    dir: dirs.workTree,
    gitdir: dirs.gitDir,
    ...(base ? { ref: base } : {}),
  });
  const out: DirtyFile[] = [];
  for (const [path, head, work, stage] of rows) {
    const status = matrixCode(head, work, stage);
    if (status) out.push({ path, status, deleted: work === 0, changedFromBase: work !== 1 });
  }
  return out.sort((a, b) => compareCodeUnits(a.path, b.path));
}

function matrixCode(head: number, work: number, stage: number): string {
  if (head === 0 && stage === 0) return work === 2 ? '??' : '';
  if (head === 0) return stage === 2 ? 'A' : work === 0 ? 'AD' : 'AM';
  if (stage === 0) return 'D';
  if (stage === 1) return work === 1 ? '' : work === 0 ? 'D' : 'M';
  if (stage === 2) return work === 1 ? '' : 'M';
  return work === 0 ? 'MD' : 'MM';
}
