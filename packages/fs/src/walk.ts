import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { St3Error } from '@st3/schemas/errors';
import { GitignoreMatcher, findGitRoot } from './gitignore.js';

export interface WalkOptions {
  /**
   * Apply `.gitignore` rules (default true). The cascade starts at the repository holding `root`
   * (its `.gitignore` files above `root` count, as in git), or at `root` when it is in none.
   * Pass a matcher to share its cache between walks.
   */
  gitignore?: boolean | GitignoreMatcher;
  /** Folder names never entered, at any depth (default: `.git` and `node_modules`). */
  skipNames?: readonly string[];
  /** Return false to leave a folder out (path relative to `root`, `/`-separated). */
  enter?: (relDir: string) => boolean;
  /** Return false to leave a file out (path relative to `root`). Applied after the ignore rules. */
  filter?: (relFile: string) => boolean;
  /**
   * Symbolic links: `files` (default) lists links whose target is a file; `all` lists every link as
   * an entry, as git does (it stores the link, not the target); `none` leaves them out. Links to
   * folders are never followed.
   */
  symlinks?: 'files' | 'all' | 'none';
  /**
   * Enter a link whose target is a folder, listing its files under the link's path (default false:
   * such a link is an entry of its own with `symlinks: 'all'`, else left out). For folders that users
   * link in on purpose (shared parity cases); a link back into a folder already being walked is not
   * entered again (its files are listed through their own path).
   */
  followFolderLinks?: boolean;
  /**
   * A folder that exists but cannot be listed (permissions, an I/O error), or with `symlinks: 'files'` a link
   * whose target cannot be looked at: by default the walk throws `E_FILE_READ` naming it, since a listing
   * without its files would look complete. Pass this to collect them instead (path relative to `root`, `''`
   * for `root` itself) and go on. Dangling and looping links are no files: left out.
   */
  onUnreadable?: (relDir: string, error: NodeJS.ErrnoException) => void;
  /**
   * A `.gitignore` (or `.git/info/exclude`) that is there but cannot be read: by default `E_FILE_READ`
   * (the files it excludes would be listed); pass this to collect it (absolute path) and walk on without
   * its rules, as git does with a warning. Used when the walk makes its matcher (a matcher passed as
   * `gitignore` keeps its own `onUnreadable`).
   */
  onUnreadableIgnoreFile?: (file: string, error: NodeJS.ErrnoException) => void;
}

const DEFAULT_SKIP = ['.git', 'node_modules'];
/** followFolderLinks: links to folders followed in a row at most (each may hold more: the walk multiplies). */
const MAX_LINK_HOPS = 8;

/**
 * Every file under `root` (relative paths with `/`, sorted by code unit), skipping `.git`,
 * `node_modules` and what `.gitignore` ignores. Ignored folders are never entered, so a large
 * ignored `dist/` costs one check. A folder that cannot be listed is an `E_FILE_READ` error (or goes
 * to `onUnreadable`); one that vanished during the walk is left out.
 */
export async function walkFiles(root: string, options: WalkOptions = {}): Promise<string[]> {
  const top = resolve(root);
  const skip = new Set(options.skipNames ?? DEFAULT_SKIP);
  const symlinks = options.symlinks ?? 'files';
  const { matcher, prefix } = matcherFor(top, options);
  const out: string[] = [];
  // With followFolderLinks: the real paths of the folders being walked (this one and those above), to enter no loop.
  const follow = options.followFolderLinks === true;
  const visit = async (rel: string, above: readonly string[], hops = 0): Promise<void> => {
    const dir = rel ? join(top, rel) : top;
    let entries: Dirent[];
    let walking = above;
    try {
      entries = await readdir(dir, { withFileTypes: true });
      if (follow) walking = [...above, await realpath(dir)];
    } catch (error) {
      unreadable(top, rel, error as NodeJS.ErrnoException, options.onUnreadable);
      return;
    }
    const folders: [string, number][] = [];
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      let isDir = e.isDirectory();
      let linked = false;
      if (follow && e.isSymbolicLink()) {
        const target = await linkedFolder(top, p, walking, options.onUnreadable);
        if (target === 'skip') continue;
        isDir = linked = target !== undefined;
        // Links to folders holding links to folders multiply the walk: past a few hops it is an error.
        if (linked && hops >= MAX_LINK_HOPS) {
          const error = Object.assign(new Error(`more than ${MAX_LINK_HOPS} links to folders in a row`), {
            code: 'ELOOP',
          });
          unreadable(top, p, error, options.onUnreadable);
          continue;
        }
      }
      if (isDir) {
        if (skip.has(e.name)) continue;
      } else if (!e.isFile() && !(e.isSymbolicLink() && (await keepLink(symlinks, top, p, options.onUnreadable))))
        continue;
      if (matcher?.ignoresEntry(prefix + p, isDir)) continue;
      if (isDir) {
        if (!options.enter || options.enter(p)) folders.push([p, linked ? hops + 1 : hops]);
      } else if (!options.filter || options.filter(p)) out.push(p);
    }
    await Promise.all(folders.map(([p, h]) => visit(p, walking, h)));
  };
  await visit('', []);
  return out.sort(compareCodeUnits);
}

/** A folder the walk could not list: gone (removed meanwhile, or `root` missing) is nothing to list; else reported. */
function unreadable(top: string, rel: string, error: NodeJS.ErrnoException, report: WalkOptions['onUnreadable']): void {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return;
  if (report) return report(rel, error);
  const dir = rel ? join(top, rel) : top;
  throw new St3Error(
    'E_FILE_READ',
    `cannot read ${dir} (${error.code ?? error.message}): the files under it would be missed`,
    {
      file: dir,
      hint: 'fix its permissions, or ignore it (.gitignore) so that nothing is expected to check it',
      cause: error,
    },
  );
}

function matcherFor(top: string, options: WalkOptions): { matcher?: GitignoreMatcher; prefix: string } {
  const { gitignore } = options;
  if (gitignore === false) return { prefix: '' };
  const report = options.onUnreadableIgnoreFile ? { onUnreadable: options.onUnreadableIgnoreFile } : {};
  const matcher =
    gitignore instanceof GitignoreMatcher ? gitignore : new GitignoreMatcher(findGitRoot(top) ?? top, report);
  const rel = relative(matcher.top, top).split(sep).join('/');
  if (rel.startsWith('..')) return { matcher: new GitignoreMatcher(top, report), prefix: '' };
  // A folder asked for by name is walked even when an ancestor ignores it; rules above it still apply below.
  return { matcher, prefix: rel ? `${rel}/` : '' };
}

/** Orders by UTF-16 code units (stable across locales; git's byte order for every BMP name). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `files`: a link is kept when its target is a file; dangling or looping is no file; a target that cannot be looked at is reported. */
async function keepLink(
  mode: 'files' | 'all' | 'none',
  top: string,
  rel: string,
  report: WalkOptions['onUnreadable'],
): Promise<boolean> {
  if (mode !== 'files') return mode === 'all';
  try {
    return (await stat(join(top, rel))).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP') unreadable(top, rel, error as NodeJS.ErrnoException, report);
    return false;
  }
}

/**
 * followFolderLinks: the real path of the folder a link at `rel` leads to; undefined when it leads to
 * no folder (a file, dangling: the `symlinks` rule decides); 'skip' when that folder is one being
 * walked or above one (a loop: its files are listed through their own path), or when the link could
 * not be looked at (reported).
 */
async function linkedFolder(
  top: string,
  rel: string,
  walking: readonly string[],
  report: WalkOptions['onUnreadable'],
): Promise<string | 'skip' | undefined> {
  let target: string;
  try {
    if (!(await stat(join(top, rel))).isDirectory()) return undefined;
    target = await realpath(join(top, rel));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return undefined;
    unreadable(top, rel, error as NodeJS.ErrnoException, report);
    return 'skip';
  }
  const under = target.endsWith('/') ? target : `${target}/`; // a link to `/` is above every folder
  return walking.some((dir) => dir === target || dir.startsWith(under)) ? 'skip' : target;
}
