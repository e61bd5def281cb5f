import { readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireFileLock, withFileLock } from '../src/index.js';
import { deadPid, tempDir } from './helpers.js';

const record = (over: Record<string, unknown>) =>
  JSON.stringify({
    version: 1,
    token: 'a'.repeat(32),
    pid: process.pid,
    host: hostname(),
    acquiredAt: Date.now(),
    refreshedAt: Date.now(),
    ...over,
  });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('acquireFileLock / withFileLock', () => {
  it('a file where the folder should be is E_WRITE naming that folder, and the work does not run', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'telemetry'), '');
    let ran = false;
    const error = await withFileLock(join(dir, 'telemetry', 'x.json'), async () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_WRITE', file: join(dir, 'telemetry') });
    expect(ran).toBe(false);
  });

  it('writes the complete owner record, and removes the lock on release', async () => {
    const dir = await tempDir();
    const file = join(dir, 'ledger.json');
    const lock = await acquireFileLock(file);
    const owner = JSON.parse(await readFile(`${file}.lock`, 'utf8'));
    expect(owner).toMatchObject({ version: 1, token: lock.token, pid: process.pid, host: hostname() });
    expect(owner.token).toMatch(/^[0-9a-f]{32}$/);
    if (process.platform === 'linux') expect(owner.startTime).toMatch(/^\d+$/);
    await lock.release();
    await lock.release(); // idempotent
    expect(await readdir(dir)).toEqual([]);
  });

  it('serializes holders in one process', async () => {
    const dir = await tempDir();
    const file = join(dir, 'n');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withFileLock(file, async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 2));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('times out with E_LOCKED naming the live owner', async () => {
    const dir = await tempDir();
    const file = join(dir, 'state.json');
    const held = await acquireFileLock(file);
    try {
      const error = await acquireFileLock(file, { timeoutMs: 150 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'E_LOCKED' });
      expect((error as Error).message).toContain(`pid ${process.pid}`);
    } finally {
      await held.release();
    }
  });

  it.each([
    ['a dead owner pid', () => record({ pid: deadPid() })],
    ['a live pid that started at another time (pid reuse)', () => record({ pid: 1, startTime: '1' })],
    ['an owner from before the last reboot', () => record({ bootId: 'not-this-boot' })],
    ['an old ST3 lock naming a dead pid', () => `${deadPid()}\n`],
  ])('takes over a lock left by %s at once', async (_name, content) => {
    if (process.platform !== 'linux') return;
    const dir = await tempDir();
    const file = join(dir, 'registry.json');
    await writeFile(`${file}.lock`, content());
    const started = Date.now();
    const lock = await acquireFileLock(file, { timeoutMs: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(JSON.parse(await readFile(`${file}.lock`, 'utf8')).token).toBe(lock.token);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('does not judge a pid from another pid namespace (a container on the same kernel): only its refresh age counts', async () => {
    if (process.platform !== 'linux') return;
    const dir = await tempDir();
    const file = join(dir, 'shared.json');
    await writeFile(`${file}.lock`, record({ pid: deadPid(), pidNs: 'pid:[1]' }));
    expect(await codeOf(acquireFileLock(file, { timeoutMs: 200 }))).toBe('E_LOCKED');
    await writeFile(`${file}.lock`, record({ pid: deadPid(), pidNs: 'pid:[1]', refreshedAt: Date.now() - 60_000 }));
    const lock = await acquireFileLock(file, { timeoutMs: 2000 });
    await lock.release();
  });

  it('takes over an empty lock (a writer killed between create and write) once it is a second old', async () => {
    const dir = await tempDir();
    const file = join(dir, 'queue.json');
    await writeFile(`${file}.lock`, '');
    const old = new Date(Date.now() - 5000);
    await utimes(`${file}.lock`, old, old);
    const lock = await acquireFileLock(file, { timeoutMs: 2000 });
    await lock.release();
  });

  it('does not take over a live owner whose refresh is recent, and does once the refresh is too old', async () => {
    const dir = await tempDir();
    const file = join(dir, 'ctx.json');
    await writeFile(`${file}.lock`, record({}));
    expect(await codeOf(acquireFileLock(file, { timeoutMs: 200, staleMs: 60_000 }))).toBe('E_LOCKED');
    await writeFile(`${file}.lock`, record({ refreshedAt: Date.now() - 120_000 }));
    const lock = await acquireFileLock(file, { timeoutMs: 2000, staleMs: 60_000 });
    await lock.release();
  });

  it('keeps a long hold alive by refreshing it', async () => {
    const dir = await tempDir();
    const file = join(dir, 'long.json');
    const contender = withFileLock(
      file,
      async () => {
        await new Promise((r) => setTimeout(r, 2500));
        return 'held';
      },
      { staleMs: 1000, refreshMs: 100 },
    );
    await new Promise((r) => setTimeout(r, 50));
    // With refreshes every 100 ms, the 1 s stale age is never reached: the second waiter must time out.
    expect(await codeOf(acquireFileLock(file, { timeoutMs: 2000, staleMs: 1000 }))).toBe('E_LOCKED');
    expect(await contender).toBe('held');
  });

  it('reports E_LOCK_COMPROMISED when a stalled holder was taken over', async () => {
    const dir = await tempDir();
    const file = join(dir, 'stalled.json');
    const stalled = await acquireFileLock(file, { staleMs: 100 }); // never refreshes: acts stopped
    await new Promise((r) => setTimeout(r, 150));
    const taker = await acquireFileLock(file, { staleMs: 100, timeoutMs: 2000 });
    expect(await codeOf(stalled.refresh())).toBe('E_LOCK_COMPROMISED');
    expect(stalled.signal.aborted).toBe(true);
    expect(await codeOf(stalled.release())).toBe('E_LOCK_COMPROMISED');
    // The taker's lock was not touched by the stalled holder's release.
    expect(JSON.parse(await readFile(`${file}.lock`, 'utf8')).token).toBe(taker.token);
    await taker.release();
  });

  it('lets a holder remove its own folder, lock included', async () => {
    const dir = await tempDir();
    const file = join(dir, 'task', 'context.json');
    await withFileLock(file, async () => rm(join(dir, 'task'), { recursive: true }));
    expect(await readdir(dir)).toEqual([]);
  });

  it('lets exactly one of many concurrent takers replace one stale lock', async () => {
    if (process.platform !== 'linux') return;
    const dir = await tempDir();
    const file = join(dir, 'one.json');
    await writeFile(`${file}.lock`, record({ pid: deadPid() }));
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withFileLock(file, async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 3));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it('breaks a claim whose claimer died, and clears the litter of dead takers', async () => {
    const dir = await tempDir();
    const file = join(dir, 'claimed.json');
    const token = 'b'.repeat(32);
    const dead = deadPid();
    await writeFile(`${file}.lock`, record({ pid: dead, token }));
    await writeFile(`${file}.lock.takeover-${token}`, record({ pid: dead, token: 'c'.repeat(32) }));
    await writeFile(join(dir, `.claimed.json.lock.${dead}.${'d'.repeat(40)}.pending`), 'x');
    const lock = await acquireFileLock(file, { timeoutMs: 3000 });
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('stops waiting when aborted', async () => {
    const dir = await tempDir();
    const file = join(dir, 'abort.json');
    const held = await acquireFileLock(file);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await codeOf(acquireFileLock(file, { signal: controller.signal, timeoutMs: 5000 }))).toBe('E_INTERRUPTED');
    await held.release();
  });
});
