import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { QualityConfig } from '@st3/schemas';
import { resolveScope } from '../src/index.js';
import { commitAll, git, tempDir, tempRepo, write } from './helpers.js';

const config = { version: '1.1', active_gates: [], gates: {} } as unknown as QualityConfig;
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
const repo = () => tempRepo(cleanups);

describe('resolveScope', () => {
  it('auto: committed, staged, unstaged, untracked, renamed and deleted files since the baseline ∪ failed files', async () => {
    const dir = repo();
    write(dir, {
      'a.py': 'a',
      'b.py': 'b',
      'c.py': 'c',
      'd.py': 'd',
      'e.py': 'e',
      'f.py': 'f',
      '.gitignore': 'ignored.py\n',
    });
    const baseline = commitAll(dir, 'base');
    write(dir, { 'a.py': 'a2' });
    commitAll(dir, 'committed change');
    renameSync(join(dir, 'b.py'), join(dir, 'b_renamed.py'));
    rmSync(join(dir, 'c.py'));
    commitAll(dir, 'rename and delete');
    write(dir, { 'd.py': 'd2' });
    git(dir, 'add', 'd.py'); // staged
    write(dir, { 'e.py': 'e2', 'new.py': 'n', 'ignored.py': 'i' }); // unstaged, untracked, ignored
    const s = await resolveScope({
      root: dir,
      config,
      request: { kind: 'auto' },
      state: { baseline_sha: baseline, failed_files: ['f.py', 'gone.py'] },
    });
    expect(s.mode).toBe('changed');
    expect(s.files).toEqual(['a.py', 'b_renamed.py', 'd.py', 'e.py', 'f.py', 'new.py']);
    expect(s.changed).toEqual(['a.py', 'b_renamed.py', 'd.py', 'e.py', 'new.py']);
    // A deletion (and the old name of a rename) can break the files importing it.
    expect(s.deleted).toEqual(['b.py', 'c.py']);
    expect(s.base).toBe(baseline);
    expect(s.description).toBe(`5 files changed since ${baseline.slice(0, 8)}, 2 deleted, 1 failed before`);
  });

  it('auto: nothing changed and nothing failed → mode none', async () => {
    const dir = repo();
    write(dir, { 'a.py': 'a' });
    const head = commitAll(dir, 'base');
    const s = await resolveScope({
      root: dir,
      config,
      request: { kind: 'auto' },
      state: { baseline_sha: head, failed_files: [] },
    });
    expect(s.mode).toBe('none');
    expect(s.files).toEqual([]);
  });

  it('auto: no baseline, no repo, an unknown baseline → whole project', async () => {
    const dir = repo();
    write(dir, { 'a.py': 'a', 'node_modules/x/y.js': '', 'sub/b.py': 'b' });
    commitAll(dir, 'base');
    const noBaseline = await resolveScope({
      root: dir,
      config,
      request: { kind: 'auto' },
      state: { failed_files: [] },
    });
    expect(noBaseline).toMatchObject({ mode: 'project', description: 'whole project (no baseline yet)' });
    expect(noBaseline.files).toEqual(['a.py', 'sub/b.py']);
    const unknown = await resolveScope({
      root: dir,
      config,
      request: { kind: 'auto' },
      state: { baseline_sha: 'f'.repeat(40), failed_files: [] },
    });
    expect(unknown.mode).toBe('project');
    expect(unknown.warnings[0]).toContain('not in this repository');

    const t = tempDir();
    cleanups.push(t.cleanup);
    write(t.dir, { 'x.py': 'x' });
    const noRepo = await resolveScope({ root: t.dir, config, request: { kind: 'auto' } });
    expect(noRepo).toMatchObject({
      mode: 'project',
      inRepo: false,
      files: ['x.py'],
      description: 'whole project (not a git repository)',
    });
  });

  it('branch: changes since the merge base with the parent branch, also on a detached HEAD', async () => {
    const dir = repo();
    write(dir, { 'a.py': 'a', 'b.py': 'b' });
    commitAll(dir, 'base');
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, { 'a.py': 'a2', 'f.py': 'f' });
    const tip = commitAll(dir, 'feature work');
    git(dir, 'checkout', '-q', 'main');
    write(dir, { 'b.py': 'b-main' });
    commitAll(dir, 'main moves on');
    git(dir, 'checkout', '-q', 'feature');
    const s = await resolveScope({ root: dir, config, request: { kind: 'branch' } });
    expect(s.files).toEqual(['a.py', 'f.py']);
    expect(s.description).toContain('merge base');

    git(dir, 'checkout', '-q', '--detach', tip);
    write(dir, { 'u.py': 'untracked' });
    const detached = await resolveScope({ root: dir, config, request: { kind: 'branch', parentBranch: 'main' } });
    expect(detached.files).toEqual(['a.py', 'f.py', 'u.py']);
  });

  it('branch: a parent branch from state, falling back to main', async () => {
    const dir = repo();
    write(dir, { 'a.py': 'a' });
    commitAll(dir, 'base');
    git(dir, 'checkout', '-q', '-b', 'epic');
    write(dir, { 'e.py': 'e' });
    commitAll(dir, 'epic');
    git(dir, 'checkout', '-q', '-b', 'feature');
    write(dir, { 'f.py': 'f' });
    commitAll(dir, 'feature');
    expect(
      (await resolveScope({ root: dir, config, request: { kind: 'branch' }, stateParentBranch: 'epic' })).files,
    ).toEqual(['f.py']);
    const fallback = await resolveScope({
      root: dir,
      config,
      request: { kind: 'branch' },
      stateParentBranch: 'no-such-branch',
    });
    expect(fallback.files).toEqual(['e.py', 'f.py']);
    expect(fallback.warnings[0]).toContain('using main');
  });

  it('branch: an empty repository (every file is new) and no repository (clear error)', async () => {
    const dir = repo();
    write(dir, { 'a.py': 'a', 'sub/b.py': 'b' });
    const s = await resolveScope({ root: dir, config, request: { kind: 'branch' } });
    expect(s.files).toEqual(['a.py', 'sub/b.py']);
    const t = tempDir();
    cleanups.push(t.cleanup);
    await expect(resolveScope({ root: t.dir, config, request: { kind: 'branch' } })).rejects.toMatchObject({
      code: 'E_NO_REPO',
    });
  });

  it('auto in an empty repository checks the project', async () => {
    const dir = repo();
    write(dir, { 'a.py': 'a' });
    const s = await resolveScope({
      root: dir,
      config,
      request: { kind: 'auto' },
      state: { baseline_sha: null, failed_files: [] },
    });
    expect(s).toMatchObject({ mode: 'project', files: ['a.py'] });
  });

  it('files: an explicit list, relative to a base folder; escapes refused', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    write(t.dir, { 'src/a.py': '', 'src/b.py': '' });
    const s = await resolveScope({
      root: t.dir,
      config,
      request: {
        kind: 'files',
        files: ['a.py', 'b.py', 'a.py', join(t.dir, 'src/b.py')],
        filesBase: join(t.dir, 'src'),
      },
    });
    expect(s).toMatchObject({ mode: 'files', files: ['src/a.py', 'src/b.py'], description: '2 listed files' });
    expect(s.warnings).toEqual([]);
    await expect(
      resolveScope({ root: t.dir, config, request: { kind: 'files', files: ['../outside.py'] } }),
    ).rejects.toMatchObject({ code: 'E_PATH_ESCAPE' });
  });

  it('files: a listed file that does not exist is E_FILE_NOT_FOUND naming it, even beside existing ones', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    write(t.dir, { 'src/a.py': '', 'src/b.py': '' });
    const files = (list: string[], filesBase?: string) =>
      resolveScope({
        root: t.dir,
        config,
        request: { kind: 'files', files: list, ...(filesBase ? { filesBase } : {}) },
      });

    // Alone: the typo is the whole scope.
    await expect(files(['src/typo.py'])).rejects.toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      file: 'src/typo.py',
      message: 'listed file not found: src/typo.py (nothing was run)',
      hint: expect.stringContaining('relative paths are resolved from the workspace root'),
      details: { missing: ['src/typo.py'] },
    });
    // Beside existing files: the check must not silently shrink; every missing path is named once.
    await expect(files(['a.py', 'zz.py', 'b.py', 'yy.py', 'zz.py'], join(t.dir, 'src'))).rejects.toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      file: 'src/zz.py',
      message: 'listed files not found: src/zz.py, src/yy.py (nothing was run)',
      hint: expect.stringContaining('resolved from src'),
      details: { missing: ['src/zz.py', 'src/yy.py'] },
    });
    // A path through a file (src/a.py/x.py), a broken symlink and an absolute path are missing too.
    symlinkSync(join(t.dir, 'gone.py'), join(t.dir, 'src/link.py'));
    for (const p of ['src/a.py/x.py', 'src/link.py', join(t.dir, 'src/nope.py')])
      await expect(files(['src/a.py', p])).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
  });

  it('files: a listed folder is a usage error, never a silent skip', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    write(t.dir, { 'src/a.py': '' });
    mkdirSync(join(t.dir, 'src/empty'));
    await expect(
      resolveScope({ root: t.dir, config, request: { kind: 'files', files: ['src/a.py', 'src/empty'] } }),
    ).rejects.toMatchObject({ code: 'E_USAGE', file: 'src/empty', details: { not_files: ['src/empty'] } });
  });

  it('auto and branch: a tracked file deleted in the working tree stays in the diff, never an error', async () => {
    const dir = repo();
    write(dir, { 'a.py': 'a', 'b.py': 'b' });
    const base = commitAll(dir, 'base');
    git(dir, 'checkout', '-q', '-b', 'topic');
    rmSync(join(dir, 'b.py'));
    const auto = await resolveScope({
      root: dir,
      config,
      request: { kind: 'auto' },
      state: { baseline_sha: base, failed_files: [] },
    });
    expect(auto).toMatchObject({ mode: 'changed', files: [], deleted: ['b.py'] });
    const branch = await resolveScope({ root: dir, config, request: { kind: 'branch', parentBranch: 'main' } });
    expect(branch).toMatchObject({ mode: 'changed', files: [], deleted: ['b.py'] });
  });
});

describe('changed files agree with the git binary', () => {
  it('on random edits, stages, commits, renames, deletions and new files (property)', async () => {
    const fc = (await import('fast-check')).default;
    const ops = fc.array(
      fc.tuple(fc.constantFrom('edit', 'stage', 'commit', 'delete', 'rename', 'new', 'mode'), fc.nat(11)),
      { minLength: 1, maxLength: 12 },
    );
    await fc.assert(
      fc.asyncProperty(ops, async (steps) => {
        const dir = repo();
        const files: Record<string, string> = { '.gitignore': '*.log\nbuild/\n' };
        for (let i = 0; i < 12; i++) files[`d${i % 3}/f${i}.py`] = `v${i}\n`;
        write(dir, files);
        const base = commitAll(dir, 'base');
        let n = 0;
        for (const [op, i] of steps) {
          const f = `d${i % 3}/f${i}.py`;
          const exists = (await import('node:fs')).existsSync(join(dir, f));
          if (op === 'edit' && exists) write(dir, { [f]: `changed ${n++}\n` });
          if (op === 'stage') git(dir, 'add', '-A');
          if (op === 'commit') {
            git(dir, 'add', '-A');
            git(dir, 'commit', '-q', '--allow-empty', '-m', `c${n++}`);
          }
          if (op === 'delete' && exists) rmSync(join(dir, f));
          if (op === 'rename' && exists) renameSync(join(dir, f), join(dir, `d${i % 3}/r${n++}.py`));
          if (op === 'new') write(dir, { [`new/n${n++}.py`]: 'n\n', 'x.log': 'ignored', 'build/out.py': 'ignored' });
          if (op === 'mode' && exists) write(dir, { [f]: `${'long line '.repeat(i + 1)}\n` });
        }
        const diff = git(dir, 'diff', '--name-only', '--no-renames', base).split('\n');
        const status = git(dir, 'status', '--porcelain', '--untracked-files=all', '--no-renames')
          .split('\n')
          .map((l) => l.slice(3));
        const { existsSync } = await import('node:fs');
        const expected = [...new Set([...diff, ...status])]
          .filter((f) => f && existsSync(join(dir, f)) && !f.startsWith('.st3/'))
          .sort();
        const s = await resolveScope({
          root: dir,
          config,
          request: { kind: 'auto' },
          state: { baseline_sha: base, failed_files: [] },
        });
        expect(s.files).toEqual(expected);
      }),
      { numRuns: 8 },
    );
  });
});
