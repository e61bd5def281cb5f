import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { glob } from 'tinyglobby';

export const SOURCE_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,py,pyi}';
const ALWAYS_IGNORED = ['**/node_modules/**', '**/.git/**', '**/.st3/cache/**'];

/** Reads `.gitignore` files from the root down to each file's folder (cached per folder), like git does. */
class GitIgnore {
  private readonly perDir = new Map<string, Ignore | null>();
  constructor(private readonly root: string) {}

  private rulesOf(dir: string): Ignore | null {
    let rules = this.perDir.get(dir);
    if (rules !== undefined) return rules;
    const file = join(dir, '.gitignore');
    rules = null;
    if (existsSync(file)) {
      try {
        rules = ignore().add(readFileSync(file, 'utf8'));
      } catch {
        rules = null;
      }
    }
    if (dir === this.root) {
      const exclude = join(dir, '.git', 'info', 'exclude');
      if (existsSync(exclude)) rules = (rules ?? ignore()).add(readFileSync(exclude, 'utf8'));
    }
    this.perDir.set(dir, rules);
    return rules;
  }

  ignores(absFile: string): boolean {
    let dir = dirname(absFile);
    const chain: string[] = [];
    while (dir.startsWith(this.root)) {
      chain.push(dir);
      if (dir === this.root) break;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    for (const d of chain.reverse()) {
      const rules = this.rulesOf(d);
      if (!rules) continue;
      const rel = relative(d, absFile).split(sep).join('/');
      if (rel && rules.ignores(rel)) return true;
      // A folder ignored by a pattern like `build/` hides every file under it.
      const parts = rel.split('/');
      for (let i = 1; i < parts.length; i++) if (rules.ignores(`${parts.slice(0, i).join('/')}/`)) return true;
    }
    return false;
  }
}

/**
 * Expands paths and globs to source files (absolute paths, sorted, no duplicates). A file named
 * explicitly is always taken; files found by expanding a folder or a glob skip `.gitignore`d ones.
 */
export async function findSourceFiles(
  patterns: string[],
  cwd: string,
  options: { gitignore?: boolean } = {},
): Promise<{ files: string[]; missing: string[] }> {
  const root = resolve(cwd);
  const git = options.gitignore === false ? undefined : new GitIgnore(root);
  const out = new Set<string>();
  const missing: string[] = [];
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
    const isDir = stat?.isDirectory() === true;
    if (!isDir && !/[*?[\]{}]/.test(pattern)) {
      missing.push(pattern);
      continue;
    }
    const base = isDir ? abs : root;
    const found = await glob(isDir ? [SOURCE_GLOB] : [pattern], {
      cwd: base,
      absolute: true,
      ignore: ALWAYS_IGNORED,
      dot: false,
      followSymbolicLinks: false,
    });
    for (const f of found) {
      const file = resolve(f);
      if (git && git.ignores(file)) continue;
      out.add(file);
    }
  }
  return { files: [...out].sort(), missing };
}

export { relative };
