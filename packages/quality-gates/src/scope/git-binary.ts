import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gitDirs } from '@st3/fs';
import { runProcess } from '@st3/process';
import { St3Error } from '@st3/schemas/errors';
import { fileIsPresent } from '@st3/fs';

/**
 * The diff of auto scope through the git binary, when it is on PATH (ADR 0045): `git diff --raw BASE`
 * and `git ls-files --others` (the untracked files) run in parallel, in C, on the same work tree the in-process reader
 * (`listDirtyFiles` of @st3/fs) reads — and configured to see it the same way: no global excludes file,
 * no rename pairing, no line-ending conversion, exec bits always compared, submodules not inspected,
 * the index never written. Where git would still see the tree differently (a `.gitattributes` can
 * normalise content before comparing), the answer is `undefined` and the caller reads in process.
 * A repository without the git binary also gets `undefined`; a git that fails is an `E_GIT` error.
 */
export interface GitBinaryChanges {
  changed: string[];
  deleted: string[];
}

const CONFIG = [
  '--no-optional-locks',
  '-c',
  'core.quotePath=false',
  '-c',
  'core.excludesFile=/dev/null',
  '-c',
  'core.attributesFile=/dev/null',
  '-c',
  'core.autocrlf=false',
  '-c',
  'core.fileMode=true',
  '-c',
  'core.fsmonitor=false',
];

type GitRun = Awaited<ReturnType<typeof runProcess>>;
/** Git runs started ahead of need (`prefetchGitChanges`), by work tree and base, with when they started. */
const started = new Map<string, { at: number; runs: Promise<GitRun[]> }>();
/** A head start older than this is dropped: a long-lived process must not answer from an old snapshot. */
const PREFETCH_TTL_MS = 5_000;

function gitRuns(dir: string, base: string): Promise<GitRun[]> {
  const git = (...args: string[]) => runProcess({ argv: ['git', ...CONFIG, ...args], cwd: dir, timeoutMs: 120_000 });
  return Promise.all([
    git('diff', '--raw', '-z', '--no-renames', '--no-ext-diff', '--no-textconv', '--ignore-submodules=all', base, '--'),
    // The untracked files without `git status`'s second refresh of the whole index (the diff does one).
    git('ls-files', '-z', '--others', '--exclude-standard'),
    // Tracked .gitattributes files (a short answer: listing every tracked path costs more to read).
    git('ls-files', '-z', '--', '.gitattributes', '*/.gitattributes'),
    // Ignored ones apply too (git reads every .gitattributes of the work tree); ignored folders stay collapsed.
    git(
      'ls-files',
      '-z',
      '--others',
      '--ignored',
      '--exclude-standard',
      '--directory',
      '--',
      '.gitattributes',
      '*/.gitattributes',
    ),
  ]);
}

/** `info/attributes` of the repository — in its common git dir, so also for a linked worktree (`.git` is a file). */
function hasInfoAttributes(dir: string): boolean {
  const dirs = gitDirs(dir);
  return existsSync(join(dirs?.commonDir ?? join(dir, '.git'), 'info', 'attributes'));
}

/**
 * Starts the git runs `changesWithGitBinary(dir, base)` will need, so a CLI can overlap them with its
 * own start-up (loading the config and the engine). The next call with the same `dir` and `base` within
 * a few seconds takes them (the work tree as it was a moment earlier); an older head start is dropped.
 */
export function prefetchGitChanges(dir: string, base: string): void {
  const key = `${dir}\0${base}`;
  if (!started.has(key) && !hasInfoAttributes(dir))
    started.set(key, { at: performance.now(), runs: gitRuns(dir, base) });
}

export async function changesWithGitBinary(dir: string, base: string): Promise<GitBinaryChanges | undefined> {
  if (hasInfoAttributes(dir)) return undefined;
  const key = `${dir}\0${base}`;
  const prefetched = started.get(key);
  started.delete(key);
  const fresh = prefetched && performance.now() - prefetched.at < PREFETCH_TTL_MS ? prefetched.runs : undefined;
  const [diff, others, tracked, ignored] = (await (fresh ?? gitRuns(dir, base))) as [GitRun, GitRun, GitRun, GitRun];
  if ([diff, others, tracked, ignored].some((r) => r.error?.code === 'E_TOOL_NOT_FOUND')) return undefined;
  for (const [what, r] of [
    ['diff', diff],
    ['ls-files --others', others],
    ['ls-files', tracked],
    ['ls-files --ignored', ignored],
  ] as const)
    if (r.error || r.exitCode !== 0)
      throw new St3Error('E_GIT', `git ${what} failed in ${dir}: ${(r.error?.message ?? r.stderr).trim()}`, {
        hint: 'check the repository with `git status`',
      });
  // Attributes (eol, filters) make git compare normalised content: the in-process reader compares bytes.
  const untracked = others.stdout.split('\0').filter(Boolean);
  const attributes = (p: string) => p === '.gitattributes' || p.endsWith('/.gitattributes');
  const ignoredAttributes = ignored.stdout.split('\0').some(attributes);
  if (
    tracked.stdout.length > 0 ||
    untracked.some(attributes) ||
    ignoredAttributes ||
    existsSync(join(dir, '.gitattributes'))
  )
    return undefined;
  return parseChanges(dir, diff.stdout, untracked);
}

/** Maps `git diff --raw -z BASE` and the untracked paths onto what `changesSince` reports. */
export function parseChanges(dir: string, rawDiff: string, untracked: readonly string[]): GitBinaryChanges {
  const changed = new Set<string>();
  // `dir/`: an untracked nested repository, not ours to check.
  for (const path of untracked) if (!path.endsWith('/')) changed.add(path);
  const deleted: string[] = [];
  const fields = rawDiff.split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    // `:srcmode dstmode srcoid dstoid STATUS` then the path.
    const [srcMode, dstMode, , , code] = fields[i]!.slice(1).split(' ');
    const path = fields[i + 1]!;
    if (srcMode === '160000' || dstMode === '160000') continue; // submodules: not inspected
    // A deletion of the index (`git rm --cached`) leaves the file in the work tree: it changed, it is not
    // gone. A folder now where the file was is a deletion (its files are untracked, listed on their own).
    const gone = (code === 'D' || code === 'U') && !fileIsPresent(join(dir, path));
    if (gone) deleted.push(path);
    else changed.add(path);
  }
  const sorted = [...changed].sort();
  return { changed: sorted, deleted: deleted.sort() };
}
