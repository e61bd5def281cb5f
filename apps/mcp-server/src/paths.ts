import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { St3Error } from '@st3/schemas';

const GLOB = /[*?[\]{}]/;

function inside(root: string, abs: string): boolean {
  const rel = relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path of `abs`, or of its nearest existing ancestor joined with the rest (so symlinks cannot leave the root). */
function realish(abs: string): string {
  const rest: string[] = [];
  let dir = abs;
  for (;;) {
    try {
      return resolve(realpathSync(dir), ...rest.reverse());
    } catch {
      const parent = resolve(dir, '..');
      if (parent === dir) return abs;
      rest.push(dir.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      dir = parent;
    }
  }
}

/**
 * Resolves a tool's path argument inside the workspace root and refuses anything that leaves it:
 * `..` that climbs out, an absolute path elsewhere, or a symlink pointing outside.
 */
export function resolveInside(root: string, path: string): string {
  const abs = resolve(root, path);
  if (!inside(root, abs) || !inside(realish(root), realish(abs))) {
    throw new St3Error('E_PATH_ESCAPE', `path "${path}" is outside the workspace root`, {
      hint: `paths are resolved from ${root}; use a path inside it`,
    });
  }
  return abs;
}

/** A path or glob for the atomizer: checked like a path, kept workspace-relative (globs may not climb with `..`). */
export function insidePattern(root: string, pattern: string): string {
  if (GLOB.test(pattern)) {
    if (isAbsolute(pattern) || pattern.split(/[\\/]/).includes('..')) {
      throw new St3Error('E_PATH_ESCAPE', `glob "${pattern}" may leave the workspace root`, {
        hint: 'write globs relative to the workspace root, without ".."',
      });
    }
    return pattern;
  }
  const abs = resolveInside(root, pattern);
  return relative(root, abs).split(sep).join('/') || '.';
}
