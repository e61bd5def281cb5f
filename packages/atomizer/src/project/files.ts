import { readdir, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { findGitRoot, GitignoreMatcher, walkFiles } from '@st3/fs';
import { glob } from 'tinyglobby';

export const SOURCE_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,pyi}';
const SOURCE_RE = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs|py|pyi)$/;
const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**', '**/.st3/cache/**'];

/** Dot files and folders are not expanded (like a glob without `dot`); `.st3/cache` is ST3's own. */
const hidden = (rel: string): boolean => rel.split('/').some((part) => part.startsWith('.'));

/** A folder under a named one that could not be listed: its source files are unknown, so not atomized. */
export interface UnreadableFolder {
  /** Absolute path. */
  folder: string;
  /** Why (`EACCES`, `EIO`, …). */
  code: string;
}

/**
 * Expands paths and globs to source files (absolute paths, sorted, no duplicates). A file named
 * explicitly is always taken; files found by expanding a folder or a glob skip `.gitignore`d ones.
 */
export async function findSourceFiles(
  patterns: string[],
  cwd: string,
  options: { gitignore?: boolean } = {},
): Promise<{ files: string[]; missing: string[]; unreadable: UnreadableFolder[] }> {
  const root = resolve(cwd);
  // The .gitignore cascade starts at the repository holding `cwd` (its rules above cwd count, as in git).
  const git = options.gitignore === false ? undefined : new GitignoreMatcher(findGitRoot(root) ?? root);
  const ignored = (file: string): boolean => {
    if (!git) return false;
    const rel = relative(git.top, file).split(sep).join('/');
    return !rel.startsWith('..') && !isAbsolute(rel) && git.ignores(rel);
  };
  const out = new Set<string>();
  const missing: string[] = [];
  const unreadable: UnreadableFolder[] = [];
  for (const pattern of patterns) {
    const abs = isAbsolute(pattern) ? pattern : resolve(root, pattern);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      stat = undefined;
    }
    if (stat?.isFile()) {
      out.add(abs);
      continue;
    }
    if (stat?.isDirectory()) {
      // One walk that never enters an ignored folder (a big dist/ costs one check).
      const found = await walkFiles(abs, {
        gitignore: git ?? false,
        // Every link is listed, as git stores it: one whose target is missing is then a file that
        // could not be read (skipped, and not measured under --max), not a file nobody saw.
        symlinks: 'all',
        enter: (rel) => !hidden(rel),
        filter: (rel) => SOURCE_RE.test(rel) && !hidden(rel),
        onUnreadable: (rel, error) => unreadable.push({ folder: resolve(abs, rel), code: error.code ?? error.message }),
      });
      for (const rel of found) out.add(resolve(abs, rel));
      continue;
    }
    if (!/[*?[\]{}]/.test(pattern)) {
      missing.push(pattern);
      continue;
    }
    const found = await glob([pattern], {
      cwd: root,
      absolute: true,
      ignore: ALWAYS_IGNORED,
      dot: false,
      followSymbolicLinks: false,
      // The glob walker drops folders it cannot list; this hears of them (it only lists folders a match could be in).
      // (Typed as all of fs.readdir's overloads; the walker only calls the one form implemented.)
      fs: { readdir: reportingReaddir(unreadable) as unknown as typeof readdir },
    });
    for (const f of found) {
      const file = resolve(f);
      if (!ignored(file)) out.add(file);
    }
  }
  return { files: [...out].sort(), missing, unreadable };
}

type ReaddirCallback = (error: NodeJS.ErrnoException | null, entries: Dirent[]) => void;

/**
 * `fs.readdir` (the callback form the glob walker calls) that records folders it cannot list, then goes
 * on as usual; a link that is no folder is shown to the walker as a file, as the folder walk lists it.
 */
function reportingReaddir(unreadable: UnreadableFolder[]) {
  return (path: string, options: { withFileTypes: true }, callback: ReaddirCallback): void => {
    readdir(path, options, (error, entries) => {
      if (error && error.code !== 'ENOENT' && error.code !== 'ENOTDIR')
        unreadable.push({ folder: resolve(path), code: error.code ?? error.message });
      callback(
        error,
        entries?.map((e) => (e.isSymbolicLink() && !linksToFolder(join(path, e.name)) ? asFile(e) : e)),
      );
    });
  };
}

function linksToFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // dangling or looping: a file that cannot be read
  }
}

/** The walker skips links unless told to follow them (into folders too): a link to a file, or to nothing, is a file. */
function asFile(entry: Dirent): Dirent {
  return Object.assign(Object.create(Object.getPrototypeOf(entry) as object) as Dirent, entry, {
    isFile: () => true,
    isSymbolicLink: () => false,
  });
}

export { relative };
