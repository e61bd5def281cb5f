import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const NOBODY = 65534;

/** Root ignores permission bits, so a permission test run as root would prove nothing. */
export const isRoot = process.getuid?.() === 0;

/** `setpriv`, when it can drop root to "nobody" on this machine (util-linux). */
export const unprivileged: string | undefined = (() => {
  if (!isRoot) return undefined;
  const probe = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'true']);
  return probe.status === 0 ? 'setpriv' : undefined;
})();

export interface LockedOutcome {
  code: string;
  existing: string;
  brandExists: boolean;
  temps: string[];
}

export { attemptLockedCommit } from './fixtures/locked-commit.mjs';

/** Prepares `existing.txt` and a read-only `locked/` under root, runs `attempt`, then unlocks. */
export async function lockedFolderCommit(
  root: string,
  attempt: (root: string) => Promise<LockedOutcome>,
): Promise<LockedOutcome> {
  writeFileSync(join(root, 'existing.txt'), 'before\n');
  mkdirSync(join(root, 'locked'));
  chmodSync(join(root, 'locked'), 0o500);
  try {
    return await attempt(root);
  } finally {
    chmodSync(join(root, 'locked'), 0o700);
  }
}

/** Runs the commit in a child process as "nobody" against the built package (dist/). */
export async function runAsNobody(root: string): Promise<LockedOutcome> {
  const dist = resolve(here, '..', 'dist', 'index.js');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: build @st3/scaffolder first`);
  for (const p of [root, join(root, 'existing.txt'), join(root, 'locked')]) chownSync(p, NOBODY, NOBODY);
  const run = spawnSync(
    unprivileged!,
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      process.execPath,
      join(here, 'fixtures', 'locked-commit.mjs'),
      root,
      dist,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`the unprivileged commit did not run: ${run.stderr}`);
  return JSON.parse(run.stdout) as LockedOutcome;
}
