import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSt3Error } from '@st3/schemas';
import { resolveInside, VirtualTree } from '../src/index.js';
import { tempDir } from './helpers.js';
import { attemptLockedCommit, isRoot, lockedFolderCommit, runAsNobody, unprivileged } from './unprivileged.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

describe('VirtualTree', () => {
  it('writes nothing until commit, and plans CREATE / UPDATE / UNCHANGED', async () => {
    writeFileSync(join(t.dir, 'same.txt'), 'same\n');
    writeFileSync(join(t.dir, 'old.txt'), 'old\n');
    const tree = new VirtualTree(t.dir, { policy: 'force' });
    tree.write('new/a.txt', 'a\n');
    tree.write('same.txt', 'same\n');
    tree.write('old.txt', 'new\n');
    const plan = await tree.plan();
    expect(plan.map((c) => [c.path, c.action])).toEqual([
      ['new/a.txt', 'create'],
      ['same.txt', 'unchanged'],
      ['old.txt', 'update'],
    ]);
    expect(plan[2]!.diff).toContain('-old');
    expect(plan[2]!.diff).toContain('+new');
    expect(existsSync(join(t.dir, 'new'))).toBe(false);
    const report = await tree.commit();
    expect(report.written).toEqual(['new/a.txt', 'old.txt']);
    expect(readFileSync(join(t.dir, 'old.txt'), 'utf8')).toBe('new\n');
    expect(readdirSync(t.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to overwrite by default and writes nothing of the batch', async () => {
    writeFileSync(join(t.dir, 'taken.txt'), 'mine\n');
    const tree = new VirtualTree(t.dir);
    tree.write('fresh.txt', 'x\n');
    tree.write('taken.txt', 'theirs\n');
    await expect(tree.commit()).rejects.toSatisfy((e) => isSt3Error(e, 'E_CONFLICT'));
    expect(existsSync(join(t.dir, 'fresh.txt'))).toBe(false);
    expect(readFileSync(join(t.dir, 'taken.txt'), 'utf8')).toBe('mine\n');
  });

  it('skip-if-exists keeps existing files; identical files are a no-op under any policy', async () => {
    writeFileSync(join(t.dir, 'kept.txt'), 'mine\n');
    writeFileSync(join(t.dir, 'same.txt'), 'same\n');
    const tree = new VirtualTree(t.dir, { policy: 'skip-if-exists' });
    tree.write('kept.txt', 'theirs\n');
    tree.write('same.txt', 'same\n', { policy: 'refuse' });
    const report = await tree.commit();
    expect(report.changes.map((c) => c.action)).toEqual(['skip', 'unchanged']);
    expect(report.written).toEqual([]);
    expect(readFileSync(join(t.dir, 'kept.txt'), 'utf8')).toBe('mine\n');
  });

  it('writes nothing of the batch when a folder cannot be created (a file stands in the way)', async () => {
    // Fails for every user, root included: mkdir of "blocker/" meets a regular file.
    writeFileSync(join(t.dir, 'existing.txt'), 'before\n');
    writeFileSync(join(t.dir, 'blocker'), 'a file, not a folder\n');
    const tree = new VirtualTree(t.dir, { policy: 'force' });
    tree.write('existing.txt', 'after\n');
    tree.write('brand/new.txt', 'new\n');
    tree.write('blocker/file.txt', 'cannot\n');
    await expect(tree.commit()).rejects.toSatisfy((e) => isSt3Error(e, 'E_WRITE'));
    expect(readFileSync(join(t.dir, 'existing.txt'), 'utf8')).toBe('before\n');
    expect(existsSync(join(t.dir, 'brand'))).toBe(false);
    expect(readdirSync(t.dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it.skipIf(isRoot)('rolls the whole batch back when one folder is not writable', async () => {
    const outcome = await lockedFolderCommit(t.dir, (root) => attemptLockedCommit(VirtualTree, root));
    expect(outcome).toEqual({ code: 'E_WRITE', existing: 'before\n', brandExists: false, temps: [] });
  });

  it.runIf(isRoot)(
    'rolls the whole batch back when one folder is not writable (as an unprivileged user, from root)',
    async (ctx) => {
      // Root ignores permission bits: the commit runs in a child process as "nobody" (setpriv), against the build.
      if (unprivileged === undefined) {
        if (process.env.CI) throw new Error('running as root without setpriv (util-linux): cannot drop privileges');
        ctx.skip();
      }
      const outcome = await lockedFolderCommit(t.dir, (root) => runAsNobody(root));
      expect(outcome).toEqual({ code: 'E_WRITE', existing: 'before\n', brandExists: false, temps: [] });
    },
  );

  it('restores earlier files when a rename fails part-way', async () => {
    writeFileSync(join(t.dir, 'a.txt'), 'a-before\n');
    const tree = new VirtualTree(t.dir, {
      policy: 'force',
      beforeRename: (path) => {
        // The last target turns into a non-empty directory after planning: its rename must fail.
        if (path === 'c.txt') mkdirSync(join(t.dir, 'c.txt', 'inner'), { recursive: true });
      },
    });
    tree.write('a.txt', 'a-after\n');
    tree.write('b/new.txt', 'b\n');
    tree.write('c.txt', 'c\n');
    await expect(tree.commit()).rejects.toSatisfy((e) => isSt3Error(e, 'E_WRITE'));
    expect(readFileSync(join(t.dir, 'a.txt'), 'utf8')).toBe('a-before\n');
    expect(existsSync(join(t.dir, 'b'))).toBe(false);
    expect(readdirSync(t.dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('refuses paths that escape the root: .., absolute, symlinks out', async () => {
    const outside = tempDir();
    try {
      symlinkSync(outside.dir, join(t.dir, 'link'));
      const tree = new VirtualTree(t.dir);
      for (const bad of ['../x.txt', 'a/../../x.txt', '/etc/passwd', 'link/x.txt']) {
        expect(() => tree.write(bad, 'x'), bad).toThrow(expect.objectContaining({ code: 'E_PATH_ESCAPE' }));
      }
      expect(() => resolveInside(t.dir, 'ok/../fine.txt')).not.toThrow();
      expect(tree.size).toBe(0);
    } finally {
      outside.cleanup();
    }
  });
});
