import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { archiveDirectory, readArchive, tarHeader } from '../src/index.js';
import { withTemp } from './helpers.js';

async function makeTree(root: string, stamp: number, mode: number): Promise<void> {
  await mkdir(join(root, 'b/deep/er'), { recursive: true });
  await mkdir(join(root, 'empty'), { recursive: true });
  await writeFile(join(root, 'a.txt'), 'alpha\n');
  await writeFile(join(root, 'b/deep/er/z.bin'), Buffer.alloc(3000, 7));
  await writeFile(join(root, 'B-upper.txt'), 'sorted before a by bytes\n');
  const long = `${'x'.repeat(120)}/${'y'.repeat(90)}.txt`;
  await mkdir(join(root, 'x'.repeat(120)), { recursive: true });
  await writeFile(join(root, long), 'long path (ustar prefix)\n');
  await writeFile(join(root, 'ünïcode-名前.md'), 'pax path record\n');
  await writeFile(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'run.sh'), mode);
  for (const f of ['a.txt', 'B-upper.txt', 'run.sh']) await utimes(join(root, f), stamp, stamp);
}

describe('deterministic tar.zst archives', () => {
  it('gives identical bytes for the same tree twice and for a copy with other mtimes and modes', async () => {
    await withTemp(async (dir) => {
      await makeTree(join(dir, 't1'), 1_000_000, 0o755);
      await makeTree(join(dir, 't2'), 2_000_000, 0o700);
      const r1 = await archiveDirectory(join(dir, 't1'), join(dir, 'one.tar.zst'));
      const r2 = await archiveDirectory(join(dir, 't1'), join(dir, 'two.tar.zst'));
      const r3 = await archiveDirectory(join(dir, 't2'), join(dir, 'three.tar.zst'));
      expect(r2.sha256).toBe(r1.sha256);
      // Another machine may have another core count: zstd's thread count must not change the bytes.
      const t1 = await archiveDirectory(join(dir, 't1'), join(dir, 'threads1.tar.zst'), { threads: 1 });
      const t3 = await archiveDirectory(join(dir, 't1'), join(dir, 'threads3.tar.zst'), { threads: 3 });
      expect(t1.sha256).toBe(r1.sha256);
      expect(t3.sha256).toBe(r1.sha256);
      expect(r3.sha256).toBe(r1.sha256);
      expect(Buffer.compare(await readFile(join(dir, 'one.tar.zst')), await readFile(join(dir, 'three.tar.zst')))).toBe(
        0,
      );
      expect(r1.index.files.map((f) => f.path)).toEqual(
        [...r1.index.files.map((f) => f.path)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
      );
      expect(r1.index.files.find((f) => f.path === 'a.txt')).toMatchObject({
        size: 6,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });
  });

  it('opens with tar --zstd -x, normalised owner, mtime and modes', async () => {
    await withTemp(async (dir) => {
      await makeTree(join(dir, 'src'), 1_500_000, 0o755);
      await archiveDirectory(join(dir, 'src'), join(dir, 'a.tar.zst'));
      await mkdir(join(dir, 'out'));
      execFileSync('tar', ['--zstd', '-xf', join(dir, 'a.tar.zst'), '-C', join(dir, 'out')]);
      expect(await readFile(join(dir, 'out/a.txt'), 'utf8')).toBe('alpha\n');
      expect(await readFile(join(dir, 'out/ünïcode-名前.md'), 'utf8')).toBe('pax path record\n');
      expect(await readFile(join(dir, 'out', `${'x'.repeat(120)}/${'y'.repeat(90)}.txt`), 'utf8')).toContain(
        'long path',
      );
      const listing = execFileSync('tar', ['--zstd', '-tvf', join(dir, 'a.tar.zst'), '--numeric-owner'], {
        encoding: 'utf8',
      });
      for (const line of listing.trim().split('\n')) {
        expect(line).toMatch(/ 0\/0 /);
        expect(line).toContain('1970-01-01');
      }
      const entries = await readArchive(join(dir, 'a.tar.zst'));
      expect(entries.find((e) => e.path === 'run.sh')?.mode).toBe(0o755);
      expect(entries.find((e) => e.path === 'a.txt')?.mode).toBe(0o644);
      expect(entries.some((e) => e.path === 'empty/' && e.type === '5')).toBe(true);
    });
  });

  it('never follows a symlink out of the folder, keeps one that stays inside', async () => {
    await withTemp(async (dir) => {
      await mkdir(join(dir, 'src/sub'), { recursive: true });
      await writeFile(join(dir, 'secret.txt'), 'outside');
      await writeFile(join(dir, 'src/sub/in.txt'), 'inside');
      await symlink('../../secret.txt', join(dir, 'src/sub/out-link'));
      await symlink('/etc/passwd', join(dir, 'src/abs-link'));
      await symlink('sub/in.txt', join(dir, 'src/in-link'));
      const r = await archiveDirectory(join(dir, 'src'), join(dir, 'a.tar.zst'));
      expect(r.warnings.map((w) => w.code)).toEqual(['W_SYMLINK_OUT', 'W_SYMLINK_OUT']);
      const entries = await readArchive(join(dir, 'a.tar.zst'));
      const names = entries.map((e) => e.path);
      expect(names).toContain('in-link');
      expect(names).not.toContain('sub/out-link');
      expect(names).not.toContain('abs-link');
      expect(entries.every((e) => !e.data.toString().includes('outside'))).toBe(true);
      for (const n of names) {
        expect(n.startsWith('/')).toBe(false);
        expect(n.split('/')).not.toContain('..');
      }
    });
  });

  it('refuses names that leave the extraction folder, keeps every other byte-valid name', () => {
    for (const path of ['../x', '/etc/x', 'a/../b', 'a//b', './a', 'a/.', ''])
      expect(() => tarHeader({ path, kind: 'file', size: 0 })).toThrow(/unsafe/);
    for (const path of ['C:x', 'a\\b', 'new\nline', Buffer.from([0x66, 0xff, 0xfe])])
      expect(() => tarHeader({ path, kind: 'file', size: 0 })).not.toThrow();
  });

  it('writes a valid header checksum and name for any safe name (property)', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._ é名-]{1,40}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 8 }), fc.nat({ max: 1e9 }), (parts, size) => {
        const path = parts.join('/');
        const bytes = tarHeader({ path, kind: 'file', size });
        const main = bytes.subarray(bytes.length - 512);
        let sum = 0;
        for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : main[i]!;
        expect(Number.parseInt(Buffer.from(main.subarray(148, 156)).toString().replace(/\0.*$/s, '').trim(), 8)).toBe(
          sum,
        );
        expect(Number.parseInt(Buffer.from(main.subarray(124, 136)).toString().replace(/\0.*$/s, ''), 8)).toBe(size);
        if (bytes.length > 512)
          expect(Buffer.from(bytes.subarray(512, 1024)).toString('utf8')).toContain(` path=${path}\n`);
        else {
          const name = Buffer.from(main.subarray(0, 100)).toString().replace(/\0.*$/s, '');
          const prefix = Buffer.from(main.subarray(345, 500)).toString().replace(/\0.*$/s, '');
          expect(prefix ? `${prefix}/${name}` : name).toBe(path);
        }
      }),
      { numRuns: 300 },
    );
  });
});
