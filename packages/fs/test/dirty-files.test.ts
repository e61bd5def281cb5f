import { execFileSync } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listDirtyFiles, readHead, gitDirs } from '../src/index.js';
import { tempDir } from './helpers.js';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@e', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  });

/** What `git status` says, parsed the way ST3 always recorded it: path and the trimmed XY code. */
function gitStatus(root: string): [string, string][] {
  const out = git(root, 'status', '--porcelain=v1', '-z', '--untracked-files=all');
  const parts = out.split('\0');
  const rows: [string, string][] = [];
  for (let i = 0; i < parts.length; i++) {
    const rec = parts[i]!;
    if (rec.length < 4) continue;
    const code = rec.slice(0, 2);
    if (code[0] === 'R' || code[0] === 'C') i++;
    rows.push([rec.slice(3), code.trim() || '??']);
  }
  return rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

async function ours(root: string): Promise<[string, string][]> {
  return (await listDirtyFiles(root)).files.map((f) => [f.path, f.status]);
}

async function put(root: string, path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

describe('listDirtyFiles', () => {
  it('matches git status on the common cases', async () => {
    const root = await tempDir();
    git(root, 'init', '-q');
    await put(root, 'a.txt', 'a');
    await put(root, 'src/b.ts', 'b');
    await put(root, 'src/c.ts', 'c');
    await put(root, 'gone.txt', 'g');
    await put(root, 'staged-gone.txt', 's');
    await put(root, 'move-me.txt', 'moved content\n');
    await put(root, '.gitignore', '*.log\nbuild/\n!keep.log\n');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'init');
    await put(root, 'a.txt', 'changed');
    await put(root, 'src/b.ts', 'staged');
    git(root, 'add', 'src/b.ts');
    await put(root, 'src/b.ts', 'staged then changed');
    await put(root, 'new/deep/file.py', 'x');
    await put(root, 'added.txt', 'x');
    git(root, 'add', 'added.txt');
    await rm(join(root, 'gone.txt'));
    git(root, 'rm', '-q', 'staged-gone.txt');
    git(root, 'mv', 'move-me.txt', 'moved.txt');
    await put(root, 'debug.log', 'ignored');
    await put(root, 'keep.log', 'kept');
    await put(root, 'build/out.js', 'ignored folder');
    await put(root, 'sub/.gitignore', '!*.log\n*.tmp\n');
    await put(root, 'sub/x.log', 're-included below');
    await put(root, 'sub/y.tmp', 'ignored below');
    await chmod(join(root, 'src/c.ts'), 0o755);
    await symlink('a.txt', join(root, 'link'));
    expect(await ours(root)).toEqual(gitStatus(root));
    const moved = (await listDirtyFiles(root)).files.find((f) => f.path === 'moved.txt');
    expect(moved).toMatchObject({ status: 'R', renamedFrom: 'move-me.txt' });
  });

  it('lists the files of a folder that replaced a tracked file (they are new, not a submodule)', async () => {
    const root = await tempDir();
    git(root, 'init', '-q');
    await put(root, 'mod.py', 'a');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'init');
    await rm(join(root, 'mod.py'));
    await put(root, 'mod.py/__init__.py', 'b');
    expect(await ours(root)).toEqual(gitStatus(root));
    expect((await ours(root)).map(([p]) => p)).toContain('mod.py/__init__.py');
  });

  it('reads HEAD and the branch, and handles a repository without commits', async () => {
    const root = await tempDir();
    git(root, 'init', '-q');
    await put(root, 'x.txt', 'x');
    expect(await ours(root)).toEqual(gitStatus(root));
    git(root, 'add', '.');
    expect(await ours(root)).toEqual(gitStatus(root));
    git(root, 'commit', '-q', '-m', 'one');
    const r = await listDirtyFiles(root);
    expect(r.head).toBe(git(root, 'rev-parse', 'HEAD').trim());
    expect(r.branch).toBe('main');
    git(root, 'checkout', '-q', '--detach');
    expect(readHead(gitDirs(root)!)).toEqual({ head: r.head });
    git(root, 'gc', '-q'); // packed refs and packed objects
    expect(readHead(gitDirs(root)!).head).toBe(r.head);
    await put(root, 'x.txt', 'changed');
    expect(await ours(root)).toEqual(gitStatus(root));
  });

  it('compares with another base commit: changedFromBase and deleted', async () => {
    const root = await tempDir();
    git(root, 'init', '-q');
    await put(root, 'a.txt', '1');
    await put(root, 'b.txt', '1');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'one');
    const base = git(root, 'rev-parse', 'HEAD').trim();
    await put(root, 'a.txt', '2');
    await rm(join(root, 'b.txt'));
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'two');
    await put(root, 'c.txt', 'new');
    const r = await listDirtyFiles(root, { base });
    expect(r.files.map((f) => [f.path, f.status, f.deleted, f.changedFromBase])).toEqual([
      ['a.txt', 'M', false, true],
      ['b.txt', 'D', true, true],
      ['c.txt', '??', false, true],
    ]);
    const changed = git(root, 'diff', '--name-only', base).trim().split('\n').concat(['c.txt']);
    expect(r.files.filter((f) => f.changedFromBase).map((f) => f.path)).toEqual(changed.sort());
  });

  it('an edit that keeps the size and puts the old mtime back is still an edit (ctime moved, as git sees it)', async () => {
    const root = await tempDir();
    git(root, 'init', '-q');
    await put(root, 'run.sh', 'echo hi\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'init');
    // Let the clock pass the index's second, so the index stat data is trusted ("racy git" aside).
    await new Promise((r) => setTimeout(r, 2100));
    git(root, 'update-index', '--really-refresh');
    const { mtime } = statSync(join(root, 'run.sh'));
    await writeFile(join(root, 'run.sh'), 'echo HI\n');
    utimesSync(join(root, 'run.sh'), mtime, mtime);
    expect(gitStatus(root)).toEqual([['run.sh', 'M']]);
    expect(await ours(root)).toEqual(gitStatus(root));
  });

  it('says E_NO_REPO outside a work tree root', async () => {
    const root = await tempDir();
    await expect(listDirtyFiles(root)).rejects.toMatchObject({ code: 'E_NO_REPO' });
  });

  it('property: after any sequence of edits, stages, commits, removals, renames and ignores, it equals git status', async () => {
    const names = ['a.txt', 'b.py', 'd/c.ts', 'd/e/f.md', 'x.log', 'build/o.js', 'd/g.tmp'];
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('write' as const),
        name: fc.constantFrom(...names),
        text: fc.constantFrom('1', '2', '3\n', ''),
      }),
      fc.record({ kind: fc.constant('add' as const), name: fc.constantFrom(...names) }),
      fc.record({ kind: fc.constant('addAll' as const) }),
      fc.record({ kind: fc.constant('commit' as const) }),
      fc.record({ kind: fc.constant('delete' as const), name: fc.constantFrom(...names) }),
      fc.record({ kind: fc.constant('rmCached' as const), name: fc.constantFrom(...names) }),
      fc.record({
        kind: fc.constant('mv' as const),
        name: fc.constantFrom(...names),
        to: fc.constantFrom('moved.txt', 'd/moved.ts'),
      }),
      fc.record({ kind: fc.constant('chmod' as const), name: fc.constantFrom(...names) }),
      fc.record({
        kind: fc.constant('ignore' as const),
        rules: fc.constantFrom('*.log\n', 'build/\n', 'd/e/\n', '*.tmp\n!d/g.tmp\n', ''),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const root = await tempDir('st3-dirty-');
        git(root, 'init', '-q');
        for (const o of ops) {
          const quiet = (...args: string[]): void => {
            try {
              git(root, ...args);
            } catch {
              // e.g. adding a file that does not exist: git refuses, and so would a user
            }
          };
          if (o.kind === 'write') await put(root, o.name, o.text);
          else if (o.kind === 'add') quiet('add', '--', o.name);
          else if (o.kind === 'addAll') quiet('add', '-A');
          else if (o.kind === 'commit') quiet('commit', '-q', '-m', 'c');
          else if (o.kind === 'delete') await rm(join(root, o.name), { force: true });
          else if (o.kind === 'rmCached') quiet('rm', '-q', '--cached', '--', o.name);
          else if (o.kind === 'mv') quiet('mv', '--', o.name, o.to);
          else if (o.kind === 'chmod') await chmod(join(root, o.name), 0o755).catch(() => undefined);
          else await writeFile(join(root, '.gitignore'), o.rules);
        }
        expect(await ours(root)).toEqual(gitStatus(root));
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});
