import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GitignoreMatcher, walkFiles } from '../src/index.js';
import { DIST, distBuilt, tempDir, WORKERS } from './helpers.js';

/** git's own answer: untracked, not ignored files of a repository without commits. */
const gitOthers = (root: string): string[] =>
  execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean)
    .sort();

async function put(root: string, path: string, content = 'x'): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

describe('walkFiles', () => {
  it('lists files sorted, skips .git and node_modules, applies nested .gitignore files and info/exclude', async () => {
    const root = await tempDir();
    execFileSync('git', ['init', '-q'], { cwd: root });
    await put(root, '.gitignore', 'dist/\n*.log\n/top-only.txt\n');
    await put(root, '.git/info/exclude', 'secret.txt\n');
    for (const f of [
      'a.ts',
      'dist/x.js',
      'b.log',
      'top-only.txt',
      'sub/top-only.txt',
      'secret.txt',
      'node_modules/m/i.js',
    ])
      await put(root, f);
    await put(root, 'sub/.gitignore', '!keep.log\n*.tmp\n');
    await put(root, 'sub/keep.log');
    await put(root, 'sub/y.tmp');
    await symlink('a.ts', join(root, 'link-to-file'));
    await symlink('sub', join(root, 'link-to-dir'));
    expect(await walkFiles(root)).toEqual([
      '.gitignore',
      'a.ts',
      'link-to-file',
      'sub/.gitignore',
      'sub/keep.log',
      'sub/top-only.txt',
    ]);
    expect(await walkFiles(root, { symlinks: 'all', skipNames: ['.git'] })).toEqual(
      [...gitOthers(root)].sort((a, b) => (a < b ? -1 : 1)),
    );
    expect(await walkFiles(root, { gitignore: false, skipNames: ['.git'] })).toContain('dist/x.js');
  });

  it('walks a subfolder with the repository rules above it', async () => {
    const root = await tempDir();
    execFileSync('git', ['init', '-q'], { cwd: root });
    await put(root, '.gitignore', '*.gen.ts\n');
    await put(root, 'pkg/a.ts');
    await put(root, 'pkg/b.gen.ts');
    expect(await walkFiles(join(root, 'pkg'))).toEqual(['a.ts']);
    expect(new GitignoreMatcher(root).ignores('pkg/b.gen.ts')).toBe(true);
  });

  it('property: equals git ls-files --others --exclude-standard for any tree and ignore rules', async () => {
    const files = [
      'a.ts',
      'b.log',
      'c/d.ts',
      'c/e.log',
      'c/f/g.py',
      'c/f/h.tmp',
      'build/o.js',
      'doc/readme.md',
      'x y.txt',
    ];
    const rules = [
      '*.log',
      '!c/e.log',
      'build/',
      'c/f/',
      '/a.ts',
      '*.tmp',
      '!*.py',
      'c/**/g.py',
      'doc',
      '**/d.ts',
      'x\\ y.txt',
      '#comment',
      'f/',
    ];
    const nested = fc.record({ dir: fc.constantFrom('c', 'c/f', 'doc'), rules: fc.subarray(rules) });
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(files, { minLength: 1 }),
        fc.subarray(rules),
        fc.array(nested, { maxLength: 2 }),
        async (present, top, deeper) => {
          const root = await tempDir('st3-walk-');
          execFileSync('git', ['init', '-q'], { cwd: root });
          for (const f of present) await put(root, f);
          await put(root, '.gitignore', top.join('\n'));
          for (const n of deeper) await put(root, `${n.dir}/.gitignore`, n.rules.join('\n'));
          expect(await walkFiles(root, { skipNames: ['.git'], symlinks: 'all' })).toEqual(gitOthers(root));
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});

describe('walkFiles: a folder it cannot list', () => {
  const isRoot = process.getuid?.() === 0;
  /** walkFiles of the built package in a child process, as "nobody" when the tests run as root. */
  const walkAs = (root: string, mode: 'throw' | 'collect') => {
    if (!distBuilt) throw new Error('build @st3/fs first (the child process loads dist/)');
    const node = [process.execPath, join(WORKERS, 'walk.mjs'), fileURLToPath(DIST), root, mode];
    const cmd = isRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node;
    return JSON.parse(execFileSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' })) as {
      files?: string[];
      unreadable?: [string, string][];
      error?: { code: string; file: string; message: string };
    };
  };

  it('is an E_FILE_READ error naming it (a listing without its files would look complete); onUnreadable collects instead', async () => {
    const root = await tempDir();
    await put(root, 'a.ts');
    await put(root, 'locked/hidden.ts');
    await put(root, 'ignored/x.ts');
    await put(root, '.gitignore', 'ignored/\n');
    await chmod(root, 0o755);
    await chmod(join(root, 'locked'), 0o000);
    await chmod(join(root, 'ignored'), 0o000);
    try {
      const thrown = walkAs(root, 'throw');
      expect(thrown.error).toMatchObject({ code: 'E_FILE_READ', file: join(root, 'locked') });
      expect(thrown.error!.message).toContain('EACCES');
      // An ignored folder is never entered, so it needs no permission.
      expect(walkAs(root, 'collect')).toEqual({
        files: ['.gitignore', 'a.ts'],
        unreadable: [['locked', 'EACCES']],
      });
    } finally {
      await chmod(join(root, 'locked'), 0o755);
      await chmod(join(root, 'ignored'), 0o755);
    }
  });

  it('a link whose target cannot be looked at is reported too (symlinks: files); a dangling one is no file', async () => {
    const root = await tempDir();
    await put(root, 'a.ts');
    await put(root, 'locked/hidden.ts');
    await symlink('locked/hidden.ts', join(root, 'link.ts'));
    await symlink('nowhere.ts', join(root, 'dangling.ts'));
    await chmod(root, 0o755);
    await chmod(join(root, 'locked'), 0o000);
    try {
      const walked = walkAs(join(root), 'collect');
      expect(walked.files).toEqual(['a.ts']);
      expect(walked.unreadable).toEqual(
        expect.arrayContaining([
          ['link.ts', 'EACCES'],
          ['locked', 'EACCES'],
        ]),
      );
    } finally {
      await chmod(join(root, 'locked'), 0o755);
    }
  });

  it('followFolderLinks enters a linked folder under the link path, and no loop', async () => {
    const root = await tempDir();
    const shared = await tempDir();
    await put(root, 'cases/a.yaml');
    await put(shared, 'b.yaml');
    await put(shared, 'deep/c.yaml');
    await symlink(shared, join(root, 'cases', 'shared'));
    await symlink('..', join(root, 'cases', 'up')); // a loop back to the root
    await symlink('.', join(root, 'cases', 'here'));
    await symlink(join(root, 'cases'), join(shared, 'deep', 'back')); // out of the link and back in: a loop too
    await symlink(join(root, 'gone'), join(root, 'cases', 'dangling'));
    const walk = (symlinks: 'all' | 'files') =>
      walkFiles(root, { gitignore: false, followFolderLinks: true, symlinks });
    expect(await walk('files')).toEqual(['cases/a.yaml', 'cases/shared/b.yaml', 'cases/shared/deep/c.yaml']);
    // A dangling link is still an entry of its own with symlinks: 'all' (its reader then says it is gone).
    expect(await walk('all')).toEqual([
      'cases/a.yaml',
      'cases/dangling',
      'cases/shared/b.yaml',
      'cases/shared/deep/c.yaml',
    ]);
    // Without the option, a link to a folder is one entry (all) or nothing (files), as before.
    expect(await walkFiles(root, { gitignore: false, symlinks: 'all' })).toContain('cases/shared');
    expect(await walkFiles(root, { gitignore: false })).toEqual(['cases/a.yaml']);
  });

  it('followFolderLinks: a link to / is a loop; links to folders nested past 8 hops are an error, not a blow-up', async () => {
    const root = await tempDir();
    await put(root, 'cases/a.yaml');
    await symlink('/', join(root, 'cases', 'everything'));
    expect(await walkFiles(root, { gitignore: false, followFolderLinks: true })).toEqual(['cases/a.yaml']);
    // level i holds two links to level i + 1: 2^10 paths if followed without a bound.
    const levels = await tempDir();
    for (let i = 0; i <= 10; i++) await put(levels, `l${i}/f.txt`);
    for (let i = 0; i < 10; i++)
      for (const name of ['x', 'y']) await symlink(join(levels, `l${i + 1}`), join(levels, `l${i}`, name));
    const walked: string[] = [];
    const files = await walkFiles(join(levels, 'l0'), {
      gitignore: false,
      followFolderLinks: true,
      onUnreadable: (rel) => walked.push(rel),
    });
    expect(files.length).toBeLessThan(1024);
    expect(walked.length).toBeGreaterThan(0);
    await expect(walkFiles(join(levels, 'l0'), { gitignore: false, followFolderLinks: true })).rejects.toMatchObject({
      code: 'E_FILE_READ',
    });
  });

  it('leaves out a root that does not exist (nothing to list, nothing missed)', async () => {
    expect(await walkFiles(join(await tempDir(), 'gone'))).toEqual([]);
  });
});
