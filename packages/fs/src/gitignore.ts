import { lstatSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { St3Error } from '@st3/schemas/errors';
import type { Ignore, Options } from 'ignore';

let ignoreFactory: ((options: Options) => Ignore) | undefined;

/**
 * A rule set of the `ignore` package, required on first use: it is CommonJS, and an ESM import of it
 * costs Node's module lexer ~15 ms at the start-up of every command that loads @st3/fs, most of
 * which never read a .gitignore.
 */
function newRules(): Ignore {
  ignoreFactory ??= createRequire(import.meta.url)('ignore') as (options: Options) => Ignore;
  return ignoreFactory({ ignorecase: false });
}

export interface GitignoreMatcherOptions {
  /**
   * A `.gitignore` (or `.git/info/exclude`) that is there but cannot be read: permissions, a folder of
   * that name, a dangling link. By default the matcher throws `E_FILE_READ` naming it, since taking it
   * for empty would put the files it excludes (build output, vendored code) in front of every check.
   * Pass this to collect it (absolute path) and go on without its rules, as git does after its
   * `warning: unable to access '.gitignore'` — the caller then says so where its user sees it.
   */
  onUnreadable?: (file: string, error: NodeJS.ErrnoException) => void;
}

/**
 * `.gitignore` rules the way git applies them: every folder's `.gitignore` holds patterns relative
 * to that folder, a deeper file overrides a shallower one (the deepest file with a matching pattern
 * decides, and inside one file the last matching pattern wins), `.git/info/exclude` sits below the
 * top-level `.gitignore`, and nothing under an ignored folder can be re-included. Matching is case
 * sensitive (git's default on Linux). The user's global excludes file (`core.excludesFile`) is not
 * read: a library does not read the user's home.
 */
export class GitignoreMatcher {
  private readonly perDir = new Map<string, Ignore | null>();
  private readonly dirIgnored = new Map<string, boolean>();
  /** The folder whose `.gitignore` is the top of the cascade (the repository root, when there is one). */
  readonly top: string;

  /**
   * @param top the top of the cascade: the repository's work tree root (see `findGitRoot`), or the
   *   walked folder when it is not in a repository.
   */
  constructor(
    top: string,
    private readonly options: GitignoreMatcherOptions = {},
  ) {
    this.top = resolve(top);
  }

  /** The rules of one folder (path relative to `top`, '' for the top itself); null when it has none. */
  rulesOf(relDir: string): Ignore | null {
    let rules = this.perDir.get(relDir);
    if (rules !== undefined) return rules;
    rules = null;
    const abs = relDir ? join(this.top, relDir) : this.top;
    const text = this.readRules(join(abs, '.gitignore'));
    if (relDir === '') {
      // info/exclude is below the top .gitignore in precedence: add it first so .gitignore's patterns win.
      const exclude = this.readRules(join(this.top, '.git', 'info', 'exclude'));
      if (exclude !== undefined) rules = newRules().add(exclude);
    }
    if (text !== undefined) rules = (rules ?? newRules()).add(text);
    this.perDir.set(relDir, rules);
    return rules;
  }

  /** The text of a rules file; undefined when there is none, or when it is unreadable and `onUnreadable` took it. */
  private readRules(path: string): string | undefined {
    const failure = readRulesFile(path);
    if (typeof failure === 'string' || failure === undefined) return failure;
    if (this.options.onUnreadable) {
      this.options.onUnreadable(path, failure);
      return undefined;
    }
    throw new St3Error(
      'E_FILE_READ',
      `cannot read ${path} (${failure.message === DANGLING ? DANGLING : (failure.code ?? failure.message)}): the files it ignores would be checked as if it were not there`,
      {
        file: path,
        hint: 'make it a readable file, or remove it if it holds no rules (git warns "unable to access" and goes on without it)',
        cause: failure,
      },
    );
  }

  /**
   * Is `rel` (relative to `top`, `/`-separated) ignored by the rules of its own folder and those
   * above, without looking at whether a parent folder is ignored? `walk` uses this: it never enters
   * an ignored folder, so the parents are already known to be kept.
   */
  ignoresEntry(rel: string, isDir: boolean): boolean {
    if (rel === '' || rel === '.git' || rel.endsWith('/.git')) return rel !== '';
    let slash = rel.lastIndexOf('/');
    // Deepest folder first: the first file with an opinion decides.
    for (;;) {
      const dir = slash === -1 ? '' : rel.slice(0, slash);
      const rules = this.rulesOf(dir);
      if (rules) {
        const sub = slash === -1 ? rel : rel.slice(slash + 1);
        const verdict = test(rules, isDir ? `${sub}/` : sub);
        if (verdict !== undefined) return verdict;
      }
      if (slash === -1) return false;
      slash = rel.lastIndexOf('/', slash - 1);
    }
  }

  /** Is `rel` ignored, itself or through an ignored parent folder? */
  ignores(rel: string, isDir = false): boolean {
    const parts = rel.split('/');
    let prefix = '';
    for (let i = 0; i < parts.length - 1; i++) {
      prefix = prefix ? `${prefix}/${parts[i]}` : parts[i]!;
      let known = this.dirIgnored.get(prefix);
      if (known === undefined) {
        known = this.ignoresEntry(prefix, true);
        this.dirIgnored.set(prefix, known);
      }
      if (known) return true;
    }
    return this.ignoresEntry(rel, isDir);
  }
}

/** true = ignored, false = re-included by a `!pattern`, undefined = no pattern of these rules matches. */
function test(rules: Ignore, path: string): boolean | undefined {
  try {
    const r = rules.test(path);
    if (r.ignored) return true;
    if (r.unignored) return false;
    return undefined;
  } catch {
    // `ignore` refuses some names (e.g. a trailing backslash): no rule can match them.
    return undefined;
  }
}

const DANGLING = 'a link to nothing';

/**
 * The text of the file at `path`; undefined when nothing is there; the error when something is there
 * that cannot be read (EACCES, EISDIR, EIO, or a link whose target is missing: not "no rules" but rules unseen).
 */
function readRulesFile(path: string): string | undefined | NodeJS.ErrnoException {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') return e;
    try {
      if (lstatSync(path).isSymbolicLink())
        return Object.assign(new Error(DANGLING), { code: e.code }) as NodeJS.ErrnoException;
    } catch {
      // nothing there at all: no rules
    }
    return undefined;
  }
}

/**
 * The work tree root of the git repository holding `start` (the nearest folder, `start` included,
 * with a `.git` folder or file); undefined when there is none. Like git with
 * `GIT_CEILING_DIRECTORIES`, the search does not go above a folder listed in `ceilings`.
 */
export function findGitRoot(start: string, options: { ceilings?: readonly string[] } = {}): string | undefined {
  const ceilings = new Set((options.ceilings ?? []).map((c) => resolve(c)));
  let dir = resolve(start);
  for (;;) {
    try {
      const s = statSync(join(dir, '.git'));
      if (s.isDirectory() || s.isFile()) return dir;
    } catch {
      // no .git here: keep looking up
    }
    const up = dirname(dir);
    if (up === dir || ceilings.has(dir)) return undefined;
    dir = up;
  }
}
