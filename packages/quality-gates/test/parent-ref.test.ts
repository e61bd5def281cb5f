import { afterEach, describe, expect, it } from 'vitest';
import type { QualityConfig } from '@st3/schemas';
import { resolveScope } from '../src/index.js';
import { commitAll, git, tempRepo, write } from './helpers.js';

/**
 * A parent branch that does not exist is the user's input (exit 2 with a hint), not a broken git (E_GIT,
 * exit 3); and a `--parent` the user typed is never silently replaced by main. Real git repositories.
 */
const config = { version: '1.1', active_gates: [], gates: {} } as unknown as QualityConfig;
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** A repository on `main` with a `feature` branch one commit ahead, checked out. */
function featureRepo(): string {
  const dir = tempRepo(cleanups);
  write(dir, { 'a.py': 'a' });
  commitAll(dir, 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  write(dir, { 'f.py': 'f' });
  commitAll(dir, 'feature');
  return dir;
}

describe('branch scope: a parent that names nothing', () => {
  it('--parent that does not exist: E_USAGE with a hint, even when main exists', async () => {
    const dir = featureRepo();
    const scope = resolveScope({ root: dir, config, request: { kind: 'branch', parentBranch: 'no-such' } });
    await expect(scope).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('parent branch "no-such" (--parent) not found'),
      hint: expect.stringContaining('git branch -a'),
    });
  });

  it('no parent at all (neither the configured one nor main): E_USAGE', async () => {
    const dir = featureRepo();
    git(dir, 'branch', '-q', '-m', 'main', 'trunk');
    await expect(
      resolveScope({ root: dir, config, request: { kind: 'branch' }, stateParentBranch: 'epic' }),
    ).rejects.toMatchObject({ code: 'E_USAGE', message: 'parent branch "epic" not found (nor main)' });
    await expect(resolveScope({ root: dir, config, request: { kind: 'branch' } })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
    // An existing parent still works.
    const ok = await resolveScope({ root: dir, config, request: { kind: 'branch', parentBranch: 'trunk' } });
    expect(ok.files).toEqual(['f.py']);
  });

  it('a parent with no common ancestor: E_USAGE', async () => {
    const dir = featureRepo();
    git(dir, 'checkout', '-q', '--orphan', 'island');
    write(dir, { 'i.py': 'i' });
    commitAll(dir, 'unrelated');
    await expect(
      resolveScope({ root: dir, config, request: { kind: 'branch', parentBranch: 'main' } }),
    ).rejects.toMatchObject({ code: 'E_USAGE', message: 'HEAD and main have no common ancestor' });
  });
});
