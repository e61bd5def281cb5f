import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeOrphanTemps, writeFileAtomic } from '../src/index.js';
import { DIST, deadPid, distBuilt, startWorker, tempDir } from './helpers.js';

/** A complete file: the last line is the SHA-256 of the rest. */
function intact(text: string): boolean {
  const cut = text.lastIndexOf('\n');
  return cut > 0 && createHash('sha256').update(text.slice(0, cut)).digest('hex') === text.slice(cut + 1);
}

describe('writeFileAtomic', () => {
  it('keeps the mode of the file it replaces, and cleans only dead writers’ temp files', async () => {
    const dir = await tempDir();
    const target = join(dir, 'run.sh');
    await writeFile(target, '#!/bin/sh\n', { mode: 0o755 });
    const dead = deadPid();
    await writeFile(join(dir, `.run.sh.${dead}.0123abcd.tmp`), 'half');
    await writeFile(join(dir, `.a.ts.${dead}.0123abcd.3.tmp`), 'half of a scaffold batch');
    await writeFile(join(dir, `notes.${dead}.tmp`), 'not an ST3 temp file: kept');
    await writeFile(join(dir, `.other.${process.pid}.89abcdef.tmp`), 'a live writer (this process)');
    await writeFileAtomic(target, '#!/bin/sh\necho hi\n');
    const { mode } = await import('node:fs/promises').then((m) => m.stat(target));
    expect(mode & 0o777).toBe(0o755);
    expect((await readdir(dir)).sort()).toEqual([`.other.${process.pid}.89abcdef.tmp`, `notes.${dead}.tmp`, 'run.sh']);
    expect(await removeOrphanTemps(dir)).toEqual([]);
  });

  it('fails with E_WRITE and leaves no temp file when the folder cannot be written', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere: nothing to prove
    const dir = await tempDir();
    const { chmod } = await import('node:fs/promises');
    await chmod(dir, 0o500);
    await expect(writeFileAtomic(join(dir, 'x.json'), '{}')).rejects.toMatchObject({ code: 'E_WRITE' });
    await chmod(dir, 0o700);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe.skipIf(!distBuilt)('atomic writer fault harness: kill -9 loops', () => {
  it('30 SIGKILLs mid-write: the file is always whole, and the next writer removes the orphans', async () => {
    const dir = await tempDir('st3-killw-');
    const target = join(dir, 'state.json');
    const started = Date.now();
    let torn = 0;
    let orphansSeen = 0;
    const kills = 30;
    for (let i = 0; i < kills; i++) {
      const w = startWorker('writer.mjs', [DIST, target, String(256 * 1024)]);
      await new Promise<void>((resolve) => w.onLine((l) => l === 'ready' && resolve()));
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      w.child.kill('SIGKILL');
      await w.done;
      if (!intact(await readFile(target, 'utf8'))) torn++;
      orphansSeen += (await readdir(dir)).filter((n) => n.endsWith('.tmp')).length;
    }
    // The next writer of the folder (a new process) removes what the killed ones left.
    const next = startWorker('writer.mjs', [DIST, join(dir, 'other.json'), '10', 'once']);
    expect(await next.done).toBe(0);
    const left = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    expect(torn).toBe(0);
    expect(left).toEqual([]);
    console.log(
      `atomic writer harness: ${kills} kills, ${torn} torn files, ${orphansSeen} orphan temp files seen and removed by the next writer, ${Date.now() - started} ms`,
    );
  }, 120_000);
});
