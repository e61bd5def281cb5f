import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { St3Error } from '@st3/schemas';

/** Folders already proven to resolve inside a root (per tree), so a batch checks each folder once. */
export interface InsideCache {
  rootReal?: string;
  dirs: Set<string>;
}

/**
 * Resolves a workspace-relative path to an absolute one inside `root`, or throws E_PATH_ESCAPE:
 * absolute paths, `..` segments that leave the root, and symlinks (of the path or any existing
 * ancestor) that point outside the root are all refused.
 */
export function resolveInside(
  root: string,
  path: string,
  cache?: InsideCache,
  options: { skipTarget?: boolean } = {},
): string {
  if (path === '' || isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\')) {
    throw escape(path, 'absolute paths are not allowed');
  }
  const rootReal = cache?.rootReal ?? realpathOrSelf(resolve(root));
  if (cache) cache.rootReal = rootReal;
  const target = resolve(rootReal, path);
  if (!isWithin(rootReal, target)) throw escape(path, 'the path leaves the workspace');
  // The file itself may be a symlink out; its folder is checked once per cache.
  if (!options.skipTarget && existsSync(target)) {
    const real = tryRealpath(target);
    if (real !== undefined && !isWithin(rootReal, real))
      throw escape(path, 'the file is a symlink that points outside the workspace');
    return target;
  }
  const dir = dirname(target);
  if (cache?.dirs.has(dir)) return target;
  // Follow the deepest existing ancestor through symlinks. existsSync follows links, so a dangling
  // link is skipped up to its folder (writing through it then fails at mkdir, inside the root).
  let probe = dir;
  while (!existsSync(probe)) {
    const parent = dirname(probe);
    if (parent === probe) return target;
    probe = parent;
  }
  const real = tryRealpath(probe);
  if (real !== undefined && !isWithin(rootReal, real))
    throw escape(path, `a symlink (${relative(rootReal, probe) || '.'}) points outside the workspace`);
  cache?.dirs.add(dir);
  return target;
}

/** Normalises a workspace-relative path to forward slashes without `./`. */
export function toPosix(path: string): string {
  return path.split(sep).join('/').replace(/^\.\//, '');
}

function isWithin(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function tryRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function realpathOrSelf(path: string): string {
  return tryRealpath(path) ?? path;
}

function escape(path: string, why: string): St3Error {
  return new St3Error('E_PATH_ESCAPE', `refusing to write "${path}": ${why}`, {
    hint: 'use a path inside the workspace root',
    details: { path },
  });
}
