import { chmodSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { changesSince } from '../src/scope/git.js';
import { parseChanges } from '../src/scope/git-binary.js';
import { commitAll, git, tempRepo, write } from './helpers.js';

// Auto scope reads the diff through the git binary when it is on PATH, else in process (ADR 0045): the
// two must give the same changed and deleted files, or a machine without git would scope differently.
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
const repo = () => tempRepo(cleanups);

const OPS = [
  'edit',
  'stage',
  'commit',
  'delete',
  'rename',
  'new',
  'exec',
  'untrack',
  'untrack-ignored',
  'revert',
  'symlink',
  'nested-repo',
  'dir-for-file',
  'intent-to-add',
] as const;

function apply(dir: string, op: (typeof OPS)[number], i: number, n: number): void {
  const f = `d${i % 3}/f${i}.py`;
  const exists = existsSync(join(dir, f)) && lstatSync(join(dir, f)).isFile();
  if (op === 'edit' && exists) write(dir, { [f]: `changed ${n}\n` });
  if (op === 'stage') git(dir, 'add', '-A');
  if (op === 'commit') {
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '--allow-empty', '-m', `c${n}`);
  }
  if (op === 'delete' && exists) rmSync(join(dir, f));
  if (op === 'rename' && exists) renameSync(join(dir, f), join(dir, `d${i % 3}/r${n}.py`));
  if (op === 'new') write(dir, { [`new/n${n}.py`]: 'n\n', 'x.log': 'ignored', 'build/out.py': 'ignored' });
  if (op === 'exec' && exists) chmodSync(join(dir, f), 0o755);
  if (op === 'untrack' && exists) git(dir, 'rm', '-q', '--cached', '--ignore-unmatch', f);
  if (op === 'untrack-ignored' && exists) {
    write(dir, { [`d${i % 3}/k${n}.log`]: 'kept\n' });
    git(dir, 'add', '-f', `d${i % 3}/k${n}.log`);
    git(dir, 'commit', '-q', '-m', `k${n}`);
    git(dir, 'rm', '-q', '--cached', `d${i % 3}/k${n}.log`);
  }
  if (op === 'revert' && exists) write(dir, { [f]: `v${i}\n` }); // same content as the base, new stat data
  if (op === 'symlink' && !existsSync(join(dir, `link${i}`))) symlinkSync(`d${i % 3}`, join(dir, `link${i}`));
  if (op === 'nested-repo' && !existsSync(join(dir, `sub${i}`))) {
    mkdirSync(join(dir, `sub${i}`));
    git(join(dir, `sub${i}`), 'init', '-q');
    write(dir, { [`sub${i}/inner.py`]: 'x\n' });
    commitAll(join(dir, `sub${i}`), 'inner'); // `git add -A` then records it as a gitlink, like a submodule
  }
  if (op === 'dir-for-file' && exists) {
    rmSync(join(dir, f));
    write(dir, { [`${f}/inside.py`]: 'x\n' });
  }
  if (op === 'intent-to-add') {
    write(dir, { [`ita/i${n}.py`]: 'i\n' });
    git(dir, 'add', '-N', `ita/i${n}.py`);
  }
}

describe('the git binary and the in-process reader see the same changes', () => {
  it('on random edits, stages, commits, renames, deletions, untracking, modes, links and nested repos (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...OPS), fc.nat(11)), { minLength: 1, maxLength: 12 }),
        async (steps) => {
          const dir = repo();
          const files: Record<string, string> = { '.gitignore': '*.log\nbuild/\n' };
          for (let i = 0; i < 12; i++) files[`d${i % 3}/f${i}.py`] = `v${i}\n`;
          write(dir, files);
          const base = commitAll(dir, 'base');
          steps.forEach(([op, i], n) => apply(dir, op, i, n));
          const viaGit = await changesSince(dir, base, 'git-binary');
          const inProcess = await changesSince(dir, base, 'in-process');
          expect(viaGit).toEqual(inProcess);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('a repository with attributes (git normalises content) and an unknown base', async () => {
    const dir = repo();
    write(dir, { 'a.py': 'a\n', '.gitattributes': '*.py text eol=lf\n' });
    const base = commitAll(dir, 'base');
    write(dir, { 'a.py': 'a\r\n' });
    await expect(changesSince(dir, base, 'git-binary')).rejects.toMatchObject({ code: 'E_GIT' });
    // auto falls back to the in-process reader, which compares bytes: the CRLF file changed
    expect(await changesSince(dir, base)).toEqual(await changesSince(dir, base, 'in-process'));
    expect((await changesSince(dir, base)).changed).toEqual(['a.py']);
    const other = repo();
    write(other, { 'b.py': 'b\n' });
    commitAll(other, 'base');
    await expect(changesSince(other, 'f'.repeat(40), 'git-binary')).rejects.toMatchObject({ code: 'E_GIT' });
    // An untracked .gitattributes in a folder counts too (git reads it from the work tree).
    const third = repo();
    write(third, { 'sub/c.py': 'c\n' });
    const thirdBase = commitAll(third, 'base');
    write(third, { 'sub/.gitattributes': '*.py text eol=lf\n' });
    await expect(changesSince(third, thirdBase, 'git-binary')).rejects.toMatchObject({ code: 'E_GIT' });
  });

  it('attributes git applies though no listing shows them: an ignored .gitattributes, info/attributes of a linked worktree', async () => {
    // Each makes git normalise CRLF away ("nothing changed"); the bytes changed, and auto scope must say so.
    const ignoredAttrs = repo();
    write(ignoredAttrs, { 'sub/a.txt': 'a\n' });
    const base = commitAll(ignoredAttrs, 'base');
    write(ignoredAttrs, { 'sub/.gitattributes': '* text=auto\n', '.git/info/exclude': 'sub/.gitattributes\n' });
    write(ignoredAttrs, { 'sub/a.txt': 'a\r\n' });
    await expect(changesSince(ignoredAttrs, base, 'git-binary')).rejects.toMatchObject({ code: 'E_GIT' });
    expect((await changesSince(ignoredAttrs, base)).changed).toEqual(['sub/a.txt']);

    const main = repo();
    write(main, { 'a.txt': 'a\n' });
    const mainBase = commitAll(main, 'base');
    const linked = join(main, '..', `${basename(main)}-linked`);
    cleanups.push(() => rmSync(linked, { recursive: true, force: true }));
    git(main, 'worktree', 'add', '-q', linked);
    write(main, { '.git/info/attributes': '* text=auto\n' });
    write(linked, { 'a.txt': 'a\r\n' });
    await expect(changesSince(linked, mainBase, 'git-binary')).rejects.toMatchObject({ code: 'E_GIT' });
    expect((await changesSince(linked, mainBase)).changed).toEqual(['a.txt']);
  });

  it('parses raw diff and untracked output: submodules skipped, index deletions of present files are changes', () => {
    const dir = repo();
    write(dir, { 'kept.py': 'k\n', 'was-file/inner.py': 'x\n' });
    const raw = [
      ':100644 100644 aaaa bbbb M',
      'm.py',
      ':100644 000000 aaaa 0000 D',
      'gone.py',
      ':100644 000000 aaaa 0000 D',
      'kept.py',
      ':100644 000000 aaaa 0000 D',
      'was-file',
      ':160000 160000 aaaa bbbb M',
      'sub',
      '',
    ].join('\0');
    const untracked = ['new.py', 'nested/', 'kept.py', 'was-file/inner.py'];
    expect(parseChanges(dir, raw, untracked)).toEqual({
      changed: ['kept.py', 'm.py', 'new.py', 'was-file/inner.py'],
      deleted: ['gone.py', 'was-file'],
    });
  });
});
