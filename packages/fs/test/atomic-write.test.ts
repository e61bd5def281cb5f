import { lstat, mkdir, readdir, readFile, readlink, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { removeOrphanTemps, writeFileAtomic, writeJsonAtomic } from '../src/index.js';
import { deadPid, tempDir } from './helpers.js';

/** The ST3 temp-file marker, written down independently of the implementation. */
const MARKER = /^\..+\.st3-[1-9]\d{0,9}-[0-9a-f]{8}\.tmp$/;
const DEAD = deadPid();
/** Well past the minute a dead writer's temp file is left alone. */
const old = () => new Date(Date.now() - 10 * 60_000);

async function put(dir: string, name: string, text: string, aged: boolean): Promise<void> {
  await writeFile(join(dir, name), text);
  if (aged) await utimes(join(dir, name), old(), old());
}

const sorted = (names: string[]) => [...names].sort();

// --- arbitraries ------------------------------------------------------------------------------

const nameChar = fc.constantFrom(...'abcxyzABXZ0189._-~ #+é'.split(''));
const plain = fc.string({ unit: nameChar, minLength: 1, maxLength: 24 }).filter((n) => n !== '.' && n !== '..');
const hex8 = fc.stringMatching(/^[0-9a-f]{8}$/);
const hexish = fc.stringMatching(/^[0-9a-fA-F]{1,10}$/);
const digits = fc.stringMatching(/^\d{1,12}$/);
const deadPids = fc.oneof(fc.constant(DEAD), fc.integer({ min: 4_194_305, max: 2_147_483_647 }));
const livePids = fc.constantFrom(process.pid, process.ppid);

/** Names a user may well have: anything, including every shape the old ST3 sweep matched, and near misses of the marker. */
const userName = fc
  .oneof(
    plain,
    // the old writer / executor / scaffolder forms, e.g. backup.20240101.deadbeef.tmp, export.2024.20240615.tmp
    fc.tuple(plain, digits, hex8).map(([n, p, h]) => `${n}.${p}.${h}.tmp`),
    fc.tuple(plain, deadPids, hex8).map(([n, p, h]) => `.${n}.${p}.${h}.tmp`),
    fc.tuple(plain, digits, hex8, fc.nat(99)).map(([n, p, h, i]) => `.${n}.${p}.${h}.${i}.tmp`),
    fc
      .tuple(plain, fc.integer({ min: 1990, max: 2100 }), fc.date({ noInvalidDate: true }))
      .map(([n, y, d]) => `${n}.${y}.${d.toISOString().slice(0, 10).replaceAll('-', '')}.tmp`),
    // near misses of the marker: no leading dot, other case, other separators, other hex length, other suffix
    fc.tuple(plain, deadPids, hex8).map(([n, p, h]) => `${n}.st3-${p}-${h}.tmp`),
    fc.tuple(plain, deadPids, hex8).map(([n, p, h]) => `.${n}.ST3-${p}-${h}.tmp`),
    fc.tuple(plain, deadPids, hex8).map(([n, p, h]) => `.${n}.st3.${p}.${h}.tmp`),
    fc.tuple(plain, deadPids, hexish).map(([n, p, h]) => `.${n}.st3-${p}-${h}.tmp`),
    fc
      .tuple(plain, deadPids, hex8, fc.constantFrom('.TMP', '.tmp.bak', '.tmp~', '.temp', ''))
      .map(([n, p, h, s]) => `.${n}.st3-${p}-${h}${s}`),
  )
  .filter((n) => !MARKER.test(n) && n !== 'written.txt');

const userNames = fc.uniqueArray(userName, { minLength: 1, maxLength: 8, selector: (n) => n.toLowerCase() });
const marked = (pids: fc.Arbitrary<number>) =>
  fc.tuple(plain, pids, hex8).map(([n, p, h]) => `.${n}.st3-${p}-${h}.tmp`);

// --- the sweep --------------------------------------------------------------------------------

describe('removeOrphanTemps', () => {
  it('never removes a user file, whatever its name, even when old (property)', async () => {
    await fc.assert(
      fc.asyncProperty(userNames, async (names) => {
        const dir = await tempDir('st3-sweep-');
        for (const n of names) await put(dir, n, 'precious', true);
        await writeFileAtomic(join(dir, 'written.txt'), 'x'); // the writer's own sweep
        expect(await removeOrphanTemps(dir)).toEqual([]);
        expect(sorted(await readdir(dir))).toEqual(sorted([...names, 'written.txt']));
        for (const n of names) expect(await readFile(join(dir, n), 'utf8')).toBe('precious');
      }),
      { numRuns: 60 },
    );
  });

  it('removes exactly the old temp files of dead writers; live writers’ and fresh ones stay (property)', async () => {
    const dir0 = fc.record({
      users: userNames,
      orphans: fc.uniqueArray(marked(deadPids), { maxLength: 4 }),
      live: fc.uniqueArray(marked(livePids), { maxLength: 3 }),
      fresh: fc.uniqueArray(marked(deadPids), { maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(dir0, async ({ users, orphans, live, fresh }) => {
        const all = [...users, ...orphans, ...live, ...fresh];
        fc.pre(new Set(all.map((n) => n.toLowerCase())).size === all.length);
        const dir = await tempDir('st3-sweep-');
        for (const n of users) await put(dir, n, 'precious', true);
        for (const n of orphans) await put(dir, n, 'half', true);
        for (const n of live) await put(dir, n, 'being written', true);
        for (const n of fresh) await put(dir, n, 'just died', false);
        expect(sorted(await removeOrphanTemps(dir))).toEqual(sorted(orphans));
        expect(sorted(await readdir(dir))).toEqual(sorted([...users, ...live, ...fresh]));
      }),
      { numRuns: 60 },
    );
  });

  it('removes a real orphan: marker, dead pid, over a minute old', async () => {
    const dir = await tempDir();
    const orphan = `.state.json.st3-${DEAD}-0123abcd.tmp`;
    await put(dir, orphan, 'half', true);
    expect(await removeOrphanTemps(dir)).toEqual([orphan]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps a live writer’s temp file, a fresh one, and anything that is not a regular file', async () => {
    const dir = await tempDir();
    const live = `.state.json.st3-${process.pid}-0123abcd.tmp`;
    const fresh = `.state.json.st3-${DEAD}-89abcdef.tmp`;
    const folder = `.cache.st3-${DEAD}-00000000.tmp`;
    const link = `.link.st3-${DEAD}-11111111.tmp`;
    await put(dir, live, 'being written', true);
    await put(dir, fresh, 'just died', false);
    await mkdir(join(dir, folder));
    await utimes(join(dir, folder), old(), old());
    await symlink('elsewhere', join(dir, link));
    expect(await removeOrphanTemps(dir)).toEqual([]);
    expect(sorted(await readdir(dir))).toEqual(sorted([live, fresh, folder, link]));
  });

  it('removes the user files of the bug report no more', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'backup.20240101.deadbeef.tmp'), 'precious');
    await writeFile(join(dir, 'export.2024.20240615.tmp'), 'precious too');
    await writeFileAtomic(join(dir, 'other.txt'), 'x');
    expect(sorted(await readdir(dir))).toEqual([
      'backup.20240101.deadbeef.tmp',
      'export.2024.20240615.tmp',
      'other.txt',
    ]);
  });
});

// --- symbolic links ---------------------------------------------------------------------------

async function codeOf(promise: Promise<unknown>): Promise<{ code?: string; hint?: string } | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error as { code?: string; hint?: string };
  }
}

describe('writeFileAtomic through symbolic links', () => {
  it('replaces the file a link points to and keeps the link', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'real.txt'), 'old');
    await symlink('real.txt', join(dir, 'link.txt'));
    await writeFileAtomic(join(dir, 'link.txt'), 'new');
    expect((await lstat(join(dir, 'link.txt'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(dir, 'link.txt'))).toBe('real.txt');
    expect(await readFile(join(dir, 'real.txt'), 'utf8')).toBe('new');
    expect(sorted(await readdir(dir))).toEqual(['link.txt', 'real.txt']);
  });

  it('follows a relative link into another folder, writing its temp file there', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'a'));
    await mkdir(join(root, 'b'));
    await writeFile(join(root, 'b', 'target.json'), '{}\n', { mode: 0o600 });
    await symlink('../b/target.json', join(root, 'a', 'link.json'));
    await writeJsonAtomic(join(root, 'a', 'link.json'), { ok: true });
    expect((await lstat(join(root, 'a', 'link.json'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(root, 'b', 'target.json'), 'utf8')).toBe('{\n  "ok": true\n}\n');
    expect((await stat(join(root, 'b', 'target.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(join(root, 'a'))).toEqual(['link.json']);
    expect(await readdir(join(root, 'b'))).toEqual(['target.json']);
  });

  it('follows a chain of two links and keeps both', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'deep'));
    await writeFile(join(dir, 'deep', 'file.ts'), 'old');
    await symlink(join(dir, 'deep', 'file.ts'), join(dir, 'second'));
    await symlink('second', join(dir, 'first'));
    await writeFileAtomic(join(dir, 'first'), new TextEncoder().encode('bytes'));
    expect((await lstat(join(dir, 'first'))).isSymbolicLink()).toBe(true);
    expect((await lstat(join(dir, 'second'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'deep', 'file.ts'), 'utf8')).toBe('bytes');
  });

  it('writes through a dangling link when the folder it names exists', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'out'));
    await symlink('out/missing.txt', join(dir, 'link'));
    await symlink('link', join(dir, 'chain'));
    await writeFileAtomic(join(dir, 'chain'), 'created');
    expect((await lstat(join(dir, 'link'))).isSymbolicLink()).toBe(true);
    expect((await lstat(join(dir, 'chain'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'out', 'missing.txt'), 'utf8')).toBe('created');
    expect(await readdir(join(dir, 'out'))).toEqual(['missing.txt']);
  });

  it('resolves `..` in a dangling link as the kernel does, from the link’s real folder', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'real', 'deep', 'd'), { recursive: true });
    await symlink(join(root, 'real', 'deep', 'd'), join(root, 'view')); // view -> real/deep/d
    await symlink('../g.txt', join(root, 'real', 'deep', 'd', 'f')); // means real/deep/g.txt
    await writeFileAtomic(join(root, 'view', 'f'), 'here');
    expect(await readFile(join(root, 'real', 'deep', 'g.txt'), 'utf8')).toBe('here');
    expect(sorted(await readdir(root))).toEqual(['real', 'view']);
  });

  it('fails with E_WRITE and a hint when a dangling link names a missing folder, creating nothing', async () => {
    const dir = await tempDir();
    await symlink('nowhere/file.txt', join(dir, 'link'));
    const error = await codeOf(writeFileAtomic(join(dir, 'link'), 'x'));
    expect(error).toMatchObject({ code: 'E_WRITE', file: join(dir, 'link') });
    expect(error?.hint).toMatch(/create the folder .*nowhere/);
    expect(await readdir(dir)).toEqual(['link']);
    expect((await lstat(join(dir, 'link'))).isSymbolicLink()).toBe(true);
  });

  it('fails with E_WRITE on a loop of links, and on a link to a folder, keeping the links', async () => {
    const dir = await tempDir();
    await symlink('b', join(dir, 'a'));
    await symlink('a', join(dir, 'b'));
    await mkdir(join(dir, 'folder'));
    await symlink('folder', join(dir, 'to-folder'));
    expect(await codeOf(writeFileAtomic(join(dir, 'a'), 'x'))).toMatchObject({
      code: 'E_WRITE',
      hint: expect.stringMatching(/point the link/),
    });
    expect(await codeOf(writeFileAtomic(join(dir, 'to-folder'), 'x'))).toMatchObject({ code: 'E_WRITE' });
    expect(sorted(await readdir(dir))).toEqual(['a', 'b', 'folder', 'to-folder']);
    expect(await readdir(join(dir, 'folder'))).toEqual([]);
    expect((await lstat(join(dir, 'to-folder'))).isSymbolicLink()).toBe(true);
  });

  it('still replaces a plain file and creates a new one with its folders', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'plain.txt'), 'old');
    await writeFileAtomic(join(dir, 'plain.txt'), 'new');
    await writeFileAtomic(join(dir, 'x', 'y', 'new.txt'), 'made');
    expect(await readFile(join(dir, 'plain.txt'), 'utf8')).toBe('new');
    expect(await readFile(join(dir, 'x', 'y', 'new.txt'), 'utf8')).toBe('made');
  });
});
