import { mkdir, mkdtemp, readdir, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { DEPENDENCY_FOLDERS, lstatIfThere } from '@st3/fs';
import { runProcess } from '@st3/process';

/** The repository as it was at a commit, in a temp folder; `remove` deletes it (links, never their targets). */
export interface ReferenceTree {
  /** The temp folder's copy of the repository's work tree. */
  dir: string;
  remove: () => Promise<void>;
}

const GIT = ['git', '--no-optional-locks', '-c', 'core.hooksPath=/dev/null'];

/**
 * Writes the tree of commit `ref` of the repository at `repoDir` into a temp folder with git's plumbing
 * (`read-tree` into a temp index, `checkout-index --prefix`): content filters and line endings as a checkout
 * would write them, and nothing of the repository changed (its index, refs, worktree list and hooks are not
 * touched). The error says why when git cannot do it (not installed, the commit is gone...); the temp
 * folder is then already removed.
 */
export async function materializeReference(
  repoDir: string,
  ref: string,
  env: Record<string, string | undefined>,
  signal?: AbortSignal,
): Promise<ReferenceTree | { error: string }> {
  const temp = await mkdtemp(join(tmpdir(), 'st3-reference-'));
  const remove = () => rm(temp, { recursive: true, force: true });
  const dir = join(temp, 'tree');
  const gitEnv = { ...env, GIT_INDEX_FILE: join(temp, 'index') };
  const git = (...args: string[]) =>
    runProcess({ argv: [...GIT, ...args], cwd: repoDir, env: gitEnv, timeoutMs: 300_000, signal });
  try {
    for (const args of [
      ['read-tree', ref],
      ['checkout-index', '-a', '-f', `--prefix=${dir}/`],
    ]) {
      const run = await git(...args);
      if (run.error || run.exitCode !== 0) {
        await remove();
        return {
          error: `git ${args[0]} failed: ${(run.error?.message ?? run.stderr).trim() || `exit code ${run.exitCode}`}`,
        };
      }
    }
    const folders = await git('ls-tree', '-r', '-d', '-z', '--name-only', ref);
    const tracked = folders.exitCode === 0 ? folders.stdout.split('\0').filter(Boolean) : [];
    await linkDependencyFolders(repoDir, dir, ['', ...tracked]);
    return { dir, remove };
  } catch (error) {
    await remove();
    return { error: (error as Error).message };
  }
}

/**
 * Links each dependency folder (@st3/fs `DEPENDENCY_FOLDERS`) the workspace has in one of `folders` (tracked
 * folders) into the same place of `dir`: the tools and the types they need resolve there as in the workspace
 * (a `node_modules` package by package: see `linkPackages`).
 */
async function linkDependencyFolders(repoDir: string, dir: string, folders: readonly string[]): Promise<void> {
  for (const folder of folders)
    for (const name of DEPENDENCY_FOLDERS) {
      const from = join(repoDir, folder, name);
      const to = join(dir, folder, name);
      if (!lstatIfThere(from) || lstatIfThere(to) || !lstatIfThere(join(dir, folder))?.isDirectory()) continue;
      if (name === 'node_modules') await linkPackages(repoDir, dir, from, to);
      else await symlink(from, to, 'dir');
    }
}

/**
 * A `node_modules` of the reference tree: a folder of links, one per installed package (scoped ones one
 * level down). A package that is a folder of the repository itself (a workspace package, as pnpm, npm
 * and yarn workspaces link them) is linked to the reference tree's copy of that folder: linked to the
 * working copy, the reference run would see today's version of it and take a break it causes for old.
 */
async function linkPackages(repoDir: string, dir: string, from: string, to: string): Promise<void> {
  await mkdir(to);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      await linkPackages(repoDir, dir, source, join(to, entry.name));
      continue;
    }
    let target = source;
    if (entry.isSymbolicLink()) {
      const real = await realpath(source).catch(() => source);
      const inRepo = relative(repoDir, real);
      const workspacePackage =
        inRepo !== '' && !inRepo.startsWith('..') && !isAbsolute(inRepo) && !inRepo.split(sep).includes('node_modules');
      if (workspacePackage) target = join(dir, inRepo);
    }
    await symlink(target, join(to, entry.name), entry.isDirectory() || entry.isSymbolicLink() ? 'dir' : 'file');
  }
}
