import { execFileSync } from 'node:child_process';
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { St3Error } from '@st3/schemas/errors';
import { describe, expect, it } from 'vitest';
import { GitignoreMatcher, walkFiles } from '../src/index.js';
import { tempDir } from './helpers.js';

async function put(root: string, path: string, content = 'x'): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

/** A repository with build output in `dist/`, for a .gitignore that would ignore it. */
async function repo(): Promise<string> {
  const root = await tempDir();
  execFileSync('git', ['init', '-q'], { cwd: root });
  await put(root, 'src/a.ts');
  await put(root, 'dist/out.js');
  return root;
}

/** git's own listing (untracked, not ignored): what git does with the rules it could not read. */
const gitOthers = (root: string): string[] =>
  execFileSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'], // its "unable to access" warning
  })
    .split('\0')
    .filter(Boolean)
    .sort();

async function thrown(p: Promise<unknown>): Promise<St3Error> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(St3Error);
  return error as St3Error;
}

describe('a .gitignore that is there but cannot be read', () => {
  it('is E_FILE_READ naming it (a folder of that name): never taken for "no rules"', async () => {
    const root = await repo();
    await mkdir(join(root, '.gitignore'));
    const error = await thrown(walkFiles(root));
    expect(error.code).toBe('E_FILE_READ');
    expect(error.file).toBe(join(root, '.gitignore'));
    expect(error.message).toContain('EISDIR');
    expect(error.hint).toBeTruthy();
  });

  it('is E_FILE_READ when it is a link to nothing, deeper down too', async () => {
    const root = await repo();
    await put(root, '.gitignore', 'dist/\n');
    await put(root, 'pkg/build/x.js');
    await symlink('missing-rules', join(root, 'pkg/.gitignore'));
    const error = await thrown(walkFiles(root));
    expect(error.code).toBe('E_FILE_READ');
    expect(error.file).toBe(join(root, 'pkg/.gitignore'));
    expect(error.message).toContain('a link to nothing');
    expect(() => new GitignoreMatcher(root).ignores('pkg/build/x.js')).toThrow(/pkg\/\.gitignore/);
  });

  it('is E_FILE_READ for an unreadable .git/info/exclude', async () => {
    const root = await repo();
    await rm(join(root, '.git/info/exclude'), { force: true });
    await mkdir(join(root, '.git/info/exclude'), { recursive: true });
    const error = await thrown(walkFiles(root));
    expect(error.file).toBe(join(root, '.git/info/exclude'));
  });

  it('goes to onUnreadableIgnoreFile when given, and the walk goes on without its rules as git does', async () => {
    const root = await repo();
    await symlink('missing-rules', join(root, '.gitignore'));
    const seen: [string, string | undefined][] = [];
    const files = await walkFiles(root, {
      symlinks: 'all',
      skipNames: ['.git'],
      onUnreadableIgnoreFile: (file, error) => seen.push([file, error.code]),
    });
    expect(seen).toEqual([[join(root, '.gitignore'), 'ENOENT']]);
    expect(files).toEqual(['.gitignore', 'dist/out.js', 'src/a.ts']);
    expect(files).toEqual(gitOthers(root));
  });

  it('a matcher passed to the walk reports through its own onUnreadable', async () => {
    const root = await repo();
    await mkdir(join(root, '.gitignore'));
    const seen: string[] = [];
    const matcher = new GitignoreMatcher(root, { onUnreadable: (file) => seen.push(file) });
    expect(await walkFiles(root, { gitignore: matcher })).toEqual(['dist/out.js', 'src/a.ts']);
    expect(seen).toEqual([join(root, '.gitignore')]);
  });

  it('a missing .gitignore is no rules, silently', async () => {
    const root = await repo();
    const seen: string[] = [];
    expect(await walkFiles(root, { onUnreadableIgnoreFile: (file) => seen.push(file) })).toEqual([
      'dist/out.js',
      'src/a.ts',
    ]);
    expect(seen).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('is E_FILE_READ without read permission (EACCES)', async () => {
    const root = await repo();
    await put(root, '.gitignore', 'dist/\n');
    await chmod(join(root, '.gitignore'), 0o000);
    try {
      const error = await thrown(walkFiles(root));
      expect(error.message).toContain('EACCES');
    } finally {
      await chmod(join(root, '.gitignore'), 0o644);
    }
  });
});
