import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isSt3Error, St3Error } from '@st3/schemas';

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
      hint: 'paths are resolved from the workspace root (st3 mcp --cwd); use a path inside it',
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

/** `file` as tools name files: workspace-relative with `/`; a path outside the root stays as it is. */
export function shownPath(root: string, file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(root, file);
  if (rel.startsWith('..') || isAbsolute(rel)) return file;
  return rel.split(sep).join('/') || '.';
}

/** `text` with the absolute paths under `root` it mentions made workspace-relative (the root itself: `.`). */
export function shownPathsIn(root: string, text: string): string {
  const under = text.split(root + sep).join('');
  // The root alone, not the start of a longer name (`/ws` in `/ws2`).
  return under.replace(new RegExp(`${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-]|\\.[\\w-])`, 'g'), '.');
}

/**
 * A library's St3Error with workspace-relative paths in its file, message, hint and diagnostics:
 * libraries name files absolutely, tools name them from the workspace root. Anything else as it is.
 */
export function withWorkspacePaths(root: string, error: unknown): unknown {
  if (!isSt3Error(error)) return error;
  const { file, line, column, details, hint } = error;
  return new St3Error(error.code, shownPathsIn(root, error.message), {
    ...(file !== undefined ? { file: shownPath(root, file) } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
    ...(details !== undefined ? { details } : {}),
    ...(hint !== undefined ? { hint: shownPathsIn(root, hint) } : {}),
    // A duck-typed St3Error (from another copy of @st3/schemas) may carry no diagnostics.
    diagnostics: (Array.isArray(error.diagnostics) ? error.diagnostics : []).map((d) => ({
      ...d,
      message: shownPathsIn(root, d.message),
      ...(d.file !== undefined ? { file: shownPath(root, d.file) } : {}),
    })),
    cause: error,
  });
}
