import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, it } from 'vitest';

/** A temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'st3-qg-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A maker of git repositories holding `files` in one commit, each removed after the test that made it
 * (call at the top of a test file: it registers the afterEach).
 */
export function committedRepos(prefix: string): (files: Record<string, string>) => string {
  let cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups) c();
    cleanups = [];
  });
  return (files) => {
    const t = tempDir(prefix);
    cleanups.push(t.cleanup);
    write(t.dir, files);
    git(t.dir, 'init', '-q');
    commitAll(t.dir, 'base');
    return t.dir;
  };
}

/** A fresh `git init` folder; its cleanup is pushed onto `cleanups` (run them in afterEach). */
export function tempRepo(cleanups: (() => void)[]): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  git(t.dir, 'init', '-q');
  return t.dir;
}

export function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** Runs the real git binary in `dir` (tests build real repositories with it). */
export function git(dir: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  ).trim();
}

export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

const here = dirname(fileURLToPath(import.meta.url));
/** PATH for tests that run real tools: this package's and the repository's node_modules/.bin, then the system. */
export const TOOL_PATH = [
  join(here, '../node_modules/.bin'),
  join(here, '../../../node_modules/.bin'),
  process.env.PATH ?? '',
].join(delimiter);

/** The tools of `names` that are not on `path` (as executables). */
export function missingTools(names: readonly string[], path = TOOL_PATH): string[] {
  return names.filter(
    (name) =>
      !path.split(delimiter).some((dir) => {
        try {
          accessSync(join(dir, name), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
  );
}

const inCi = (): boolean => Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';

/**
 * A test that needs real tools: skipped (with the missing ones named) where they are not installed, and a
 * failing test under CI, which must run it (.ci/run installs them).
 */
export function itWithTools(
  tools: readonly string[],
  name: string,
  fn: () => Promise<void> | void,
  timeout?: number,
): void {
  const missing = missingTools(tools);
  if (missing.length === 0) it(name, fn, timeout);
  else if (inCi())
    it(name, () => {
      throw new Error(`missing tools: ${missing.join(', ')} (CI must install them)`);
    });
  else it.skip(`${name} [skipped: ${missing.join(', ')} not installed]`, fn);
}
