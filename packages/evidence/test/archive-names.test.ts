import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  archiveDirectory,
  attachEvidence,
  DEFAULT_TASKS_CONFIG,
  initContext,
  readArchive,
  verifyEvidence,
  type EvidenceWorkspace,
} from '../src/index.js';
import { withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

/** Paths as bytes: names that are not UTF-8 cannot go through a JS string. */
const b = (...parts: (string | Buffer)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

const names = async (archive: string) => (await readArchive(archive)).map((e) => e.path);

describe('symlinks in an archived folder', () => {
  it('keeps a link only when its target stays inside the folder after resolution, and lists the rest', async () => {
    await withTemp(async (dir) => {
      const d2 = join(dir, 'd2');
      await mkdir(join(d2, 'sub/deeper'), { recursive: true });
      await writeFile(join(d2, 'sub/in.txt'), 'inside');
      await writeFile(join(dir, 'secret.txt'), 'outside');
      await symlink('../d2', join(d2, 'self')); // the probe's case: names the folder from outside
      await symlink('sub/in.txt', join(d2, 'ok-link'));
      await symlink('../in.txt', join(d2, 'sub/deeper/ok-up'));
      await symlink('..', join(d2, 'sub/up')); // a link to the folder itself, from inside
      await symlink('up/../../secret.txt', join(d2, 'sub/chain-out')); // escapes through another link
      await symlink('loop-b', join(d2, 'loop-a'));
      await symlink('loop-a', join(d2, 'loop-b'));
      await symlink('not-yet-there.txt', join(d2, 'dangling-in'));
      await symlink('/etc/passwd', join(d2, 'abs'));
      const out = join(dir, 'a.tar.zst');
      const r = await archiveDirectory(d2, out);
      expect(r.leftOut.map((l) => [l.path, l.target])).toEqual([
        ['abs', '/etc/passwd'],
        ['loop-a', 'loop-b'],
        ['loop-b', 'loop-a'],
        ['self', '../d2'],
        ['sub/chain-out', 'up/../../secret.txt'],
      ]);
      expect(r.leftOut.find((l) => l.path === 'loop-a')!.reason).toMatch(/loop/);
      expect(r.index.left_out).toEqual(r.leftOut);
      expect(await names(out)).toEqual(
        expect.arrayContaining(['ok-link', 'sub/deeper/ok-up', 'sub/up', 'dangling-in', 'sub/in.txt']),
      );
      for (const gone of ['self', 'abs', 'loop-a', 'sub/chain-out']) expect(await names(out)).not.toContain(gone);
      // Extracted anywhere, no stored link reaches outside the extraction folder.
      const x = join(dir, 'x');
      await mkdir(x);
      execFileSync('tar', ['--zstd', '-xf', out, '-C', x]);
      expect(await readFile(join(x, 'ok-link'), 'utf8')).toBe('inside');
      expect(await readFile(join(x, 'sub/deeper/ok-up'), 'utf8')).toBe('inside');
    });
  });
});

describe('any byte-valid file name', () => {
  it('round-trips through archive, tar, attach, index and verify (newline, non-UTF-8, backslash)', async () => {
    await withTemp(async (root) => {
      const dir = b(root, '/report');
      await mkdir(dir);
      const files: [Buffer, string][] = [
        [b('new\nline.txt'), 'newline'],
        [b('latin1-', Buffer.from([0xe9]), '.txt'), 'not utf-8'],
        [b('raw-', Buffer.from([0xff, 0xfe, 0x80])), 'raw bytes'],
        [b('back\\slash'), 'backslash'],
        [b('ünïcode-名前'), 'utf-8'],
      ];
      for (const [name, content] of files) await writeFile(b(dir, '/', name), content);
      await mkdir(b(dir, '/', Buffer.from([0xc3, 0x28]))); // an invalid UTF-8 folder name
      await writeFile(b(dir, '/', Buffer.from([0xc3, 0x28]), '/in'), 'nested');
      const out = join(root, 'a.tar.zst');
      const r = await archiveDirectory(join(root, 'report'), out);
      const read = await readArchive(out);
      for (const [name, content] of files) {
        const entry = read.find((e) => e.pathBytes.equals(name));
        expect(entry?.data.toString(), JSON.stringify(name.toString('latin1'))).toBe(content);
      }
      expect(r.index.files.find((f) => f.path === 'new\nline.txt')).toBeDefined();
      const latin = r.index.files.find((f) => f.path === 'latin1-\\xe9.txt')!;
      expect(Buffer.from(latin.path_base64!, 'base64')).toEqual(b('latin1-', Buffer.from([0xe9]), '.txt'));
      // GNU tar restores the exact bytes.
      const x = join(root, 'x');
      await mkdir(x);
      execFileSync('tar', ['--zstd', '-xf', out, '-C', x]);
      const restored = (await readdir(x, { encoding: 'buffer' })).map((n) => n.toString('hex')).sort();
      const expected = [...files.map(([n]) => n), Buffer.from([0xc3, 0x28])].map((n) => n.toString('hex')).sort();
      expect(restored).toEqual(expected);

      const ws: EvidenceWorkspace = { root, config: DEFAULT_TASKS_CONFIG };
      await mkdir(join(root, 'tasks'));
      await writeFile(join(root, 'tasks/TASK-0001-names.task.yaml'), completeTask('TASK-0001'));
      await initContext(ws, 'TASK-0001', { worktree: 'skip' });
      const attached = await attachEvidence(ws, 'TASK-0001', {
        type: 'directory',
        source: 'report',
        description: 'odd names',
      });
      expect(attached.entry.file_count).toBe(6);
      const verified = await verifyEvidence(ws, 'TASK-0001');
      expect(verified).toMatchObject({ ok: true, indexProblems: [] });
    });
  });

  it('stores and reads back arbitrary names (property)', async () => {
    const segment = fc
      .uint8Array({ minLength: 1, maxLength: 12 })
      .map((a) => Buffer.from(a.map((x) => (x === 0x2f || x === 0 ? 0x5f : x))))
      .filter((n) => n.toString('latin1') !== '.' && n.toString('latin1') !== '..');
    await withTemp(async (root) => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(segment, { minLength: 1, maxLength: 6, selector: (n) => n.toString('hex') }),
          async (segs) => {
            const dir = join(root, `t${run++}`);
            await mkdir(dir);
            for (const [i, n] of segs.entries()) await writeFile(b(dir, '/', n), `content ${i}`);
            const r = await archiveDirectory(dir, join(root, `${run}.tar.zst`));
            const read = await readArchive(join(root, `${run}.tar.zst`));
            expect(read.map((e) => e.pathBytes.toString('hex')).sort()).toEqual(
              segs.map((n) => n.toString('hex')).sort(),
            );
            for (const [i, n] of segs.entries()) {
              expect(read.find((e) => e.pathBytes.equals(n))!.data.toString()).toBe(`content ${i}`);
              const f = r.index.files.find((x) =>
                (x.path_base64 ? Buffer.from(x.path_base64, 'base64') : Buffer.from(x.path)).equals(n),
              );
              expect(f?.sha256).toMatch(/^[0-9a-f]{64}$/);
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});
