import { createHash } from 'node:crypto';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
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
  it('keeps the mode of the file it replaces, and cleans only dead writers’ old temp files', async () => {
    const dir = await tempDir();
    const target = join(dir, 'run.sh');
    await writeFile(target, '#!/bin/sh\n', { mode: 0o755 });
    const dead = deadPid();
    const old = new Date(Date.now() - 5 * 60_000);
    const files: [string, string][] = [
      [`.run.sh.st3-${dead}-0123abcd.tmp`, 'half: an orphan, removed'],
      [`.fresh.st3-${dead}-0123abcd.tmp`, 'a dead writer’s, but under a minute old: kept'],
      [`.other.st3-${process.pid}-89abcdef.tmp`, 'a live writer (this process)'],
      [`.run.sh.${dead}.0123abcd.tmp`, 'the old unmarked form: kept'],
      [`.a.ts.${dead}.0123abcd.3.tmp`, 'the scaffolder’s batch form: kept'],
      [`notes.${dead}.tmp`, 'not an ST3 temp file: kept'],
    ];
    for (const [name, text] of files) {
      await writeFile(join(dir, name), text);
      if (!name.startsWith('.fresh')) await utimes(join(dir, name), old, old);
    }
    await writeFileAtomic(target, '#!/bin/sh\necho hi\n');
    const { mode } = await stat(target);
    expect(mode & 0o777).toBe(0o755);
    expect((await readdir(dir)).sort()).toEqual([...files.slice(1).map(([n]) => n), 'run.sh'].sort());
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
    const kills = 30;
    for (let i = 0; i < kills; i++) {
      const w = startWorker('writer.mjs', [DIST, target, String(256 * 1024)]);
      await new Promise<void>((resolve) => w.onLine((l) => l === 'ready' && resolve()));
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      w.child.kill('SIGKILL');
      await w.done;
      if (!intact(await readFile(target, 'utf8'))) torn++;
    }
    // The next writer of the folder (a new process) removes what the killed ones left once they
    // are over a minute old (aged here rather than waited for).
    const orphans = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
    const orphansSeen = orphans.length;
    expect(orphans.filter((n) => !/^\.state\.json\.st3-\d+-[0-9a-f]{8}\.tmp$/.test(n))).toEqual([]);
    const old = new Date(Date.now() - 2 * 60_000);
    for (const n of await readdir(dir)) if (n.endsWith('.tmp')) await utimes(join(dir, n), old, old);
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
