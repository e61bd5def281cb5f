import * as fs from 'node:fs';
import { findGitRoot, gitDirs, listDirtyFiles, readHead } from '@st3/fs';
import { St3Error } from '@st3/schemas/errors';
import type * as IsomorphicGit from 'isomorphic-git';
import { changesWithGitBinary } from './git-binary.js';

/**
 * Reading git without a git binary: HEAD, the index and the work tree through `@st3/fs` (fast,
 * in-process), and isomorphic-git only for what that does not do (merge bases, branch names, checking
 * that a commit exists). isomorphic-git is loaded lazily: `st3 --help` and auto scope do not pay for it.
 */
type Git = typeof IsomorphicGit;
let gitModule: Promise<Git> | undefined;
function git(): Promise<Git> {
  gitModule ??= import('isomorphic-git').then((m) => ((m as unknown as { default?: Git }).default ?? m) as Git);
  return gitModule;
}

export interface RepoInfo {
  /** The working tree root. */
  dir: string;
  /** The commit HEAD points at; undefined in a repository without commits. */
  head?: string;
  /** The checked-out branch name; undefined for a detached HEAD. */
  branch?: string;
}

/** Finds the repository holding `cwd`; undefined when there is none. */
export async function openRepo(cwd: string): Promise<RepoInfo | undefined> {
  const dir = findGitRoot(cwd);
  const dirs = dir ? gitDirs(dir) : undefined;
  if (!dir || !dirs) return undefined;
  const { head, branch } = readHead(dirs);
  return { dir, ...(head ? { head } : {}), ...(branch ? { branch } : {}) };
}

/** Does this commit exist in the repository? */
export async function hasCommit(dir: string, oid: string): Promise<boolean> {
  const g = await git();
  try {
    const full = await g.expandOid({ fs, dir, oid });
    await g.readCommit({ fs, dir, oid: full });
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves a branch name (local, then `origin/`) to a commit; undefined when no form names a ref. Any
 * other failure (an unreadable or corrupt repository) is `E_GIT`: not the user's input.
 */
export async function resolveBranch(dir: string, name: string): Promise<string | undefined> {
  const g = await git();
  for (const ref of [name, `refs/heads/${name}`, `refs/remotes/origin/${name}`]) {
    try {
      return await g.resolveRef({ fs, dir, ref });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'NotFoundError') continue;
      throw new St3Error('E_GIT', `cannot read the ref ${ref} in ${dir}: ${(error as Error).message}`, {
        cause: error,
        hint: 'check the repository with `git status`',
      });
    }
  }
  return undefined;
}

export async function mergeBase(dir: string, a: string, b: string): Promise<string | undefined> {
  const g = await git();
  try {
    const bases = await g.findMergeBase({ fs, dir, oids: [a, b] });
    return bases[0];
  } catch (error) {
    throw new St3Error(
      'E_GIT',
      `cannot find the merge base of ${a.slice(0, 8)} and ${b.slice(0, 8)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** What differs between the work tree and a commit, in repository-relative paths. */
export interface TreeChanges {
  /** Files whose work tree content differs from `base` (committed since, staged, unstaged, untracked). */
  changed: string[];
  /** Files of `base` that are gone from the work tree (deleted, or renamed away): importers may break. */
  deleted: string[];
}

/** How `changesSince` reads the tree: `auto` = the git binary when it is on PATH, else in process (ADR 0045). */
export type DiffEngine = 'auto' | 'git-binary' | 'in-process';

/**
 * Files of the working tree that differ from commit `base`, and files of `base` that are gone, the way
 * `git diff BASE` + `git status` see them: through the git binary when it is on PATH and the repository
 * has no attributes that make git normalise content (`git-binary.ts`), else in process (`listDirtyFiles`
 * of @st3/fs: the index read in process, stat data trusted as git does). Both give the same sets (a
 * property test checks it). Read-only: the index is never written.
 */
export async function changesSince(dir: string, base: string, engine: DiffEngine = 'auto'): Promise<TreeChanges> {
  if (engine !== 'in-process') {
    const viaGit = await changesWithGitBinary(dir, base);
    if (viaGit) return viaGit;
    if (engine === 'git-binary')
      throw new St3Error('E_GIT', `the git binary cannot read ${dir} the way ST3 does (not on PATH, or attributes)`);
  }
  return changesInProcess(dir, base);
}

async function changesInProcess(dir: string, base: string): Promise<TreeChanges> {
  const result = await listDirtyFiles(dir, { base });
  const changed: string[] = [];
  const deleted: string[] = [];
  for (const f of result.files) {
    if (f.path.endsWith('/')) continue; // an untracked nested repository: not ours to check
    if (f.renamedFrom !== undefined) deleted.push(f.renamedFrom);
    if (f.deleted) deleted.push(f.path);
    else if (f.changedFromBase) changed.push(f.path);
  }
  // `git rm --cached` of a file still there is two lines (a deletion and an untracked file): one change.
  return { changed: [...new Set(changed)].sort(), deleted: [...new Set(deleted)].sort() };
}

/** Every file of a repository without commits that is not ignored (all of them are new). */
export async function untrackedFiles(dir: string): Promise<string[]> {
  const result = await listDirtyFiles(dir);
  return result.files
    .filter((f) => !f.deleted && !f.path.endsWith('/'))
    .map((f) => f.path)
    .sort();
}
