import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { St3Error } from '@st3/schemas';

/**
 * Resolves a workspace-relative path to an absolute one inside `root`, or throws E_PATH_ESCAPE:
 * absolute paths, `..` segments that leave the root, and symlinks (of the path or any existing
 * ancestor) that point outside the root are all refused.
 */
export function resolveInside(root: string, path: string): string {
  if (path === '' || isAbsolute(path) || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\')) {
    throw escape(path, 'absolute paths are not allowed');
  }
  const rootReal = realpathOrSelf(resolve(root));
  const target = resolve(rootReal, path);
  if (!isWithin(rootReal, target)) throw escape(path, 'the path leaves the workspace');
  // Follow the deepest existing ancestor (or the file itself) through symlinks. existsSync follows
  // links, so a dangling link is skipped up to its folder (writing through it is refused by rename).
  let probe = target;
  while (!existsSync(probe)) {
    const parent = dirname(probe);
    if (parent === probe) return target;
    probe = parent;
  }
  const real = tryRealpath(probe);
  if (real !== undefined && !isWithin(rootReal, real)) throw escape(path, `a symlink (${relative(rootReal, probe) || '.'}) points outside the workspace`);
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
  return new St3Error('E_PATH_ESCAPE', `refusing to write "${path}": ${why}`, { hint: 'use a path inside the workspace root', details: { path } });
}
