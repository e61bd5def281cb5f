import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST, deadPid, distBuilt, startWorker, tempDir, type Worker } from './helpers.js';

/**
 * The fault harness of the lock (issue 20.1): N processes × M locked read-modify-write increments
 * of one JSON file `{n, ids}`. Each worker prints `H id` inside the lock and `A id` once the
 * increment is acknowledged (withFileLock returned). Accounting, with K workers SIGKILLed:
 *  - every acknowledged id is in the file (no acknowledged update lost),
 *  - no id twice, and n equals the number of ids (no two read-modify-writes interleaved),
 *  - ids not acknowledged ≤ K (only a holder killed between its write and its acknowledgement leaves one),
 *  - without kills, exactly N × M.
 */
interface Outcome {
  acked: Set<string>;
  kills: number;
  n: number;
  ids: string[];
  leftovers: string[];
  ms: number;
  /** For each kill of a holder, how long until another process held the lock. */
  takeoverMs: number[];
}

async function run(options: {
  workers: number;
  increments: number;
  holdMs: number;
  killChance: number;
  maxKills: number;
  before?: (file: string) => Promise<void>;
}): Promise<Outcome> {
  const dir = await tempDir('st3-lockh-');
  const file = join(dir, 'counter.json');
  await options.before?.(file);
  const started = Date.now();
  const acked = new Set<string>();
  let kills = 0;
  const running: Promise<unknown>[] = [];
  const takeoverMs: number[] = [];
  let killedAt: number | undefined;
  let spawned = 0;
  // A killed worker is replaced by a fresh one, so contention lasts the whole run.
  const spawnWorker = (): void => {
    const worker: Worker = startWorker('counter.mjs', [
      DIST,
      file,
      String(options.increments),
      `w${spawned++}`,
      String(options.holdMs),
    ]);
    worker.onLine((line) => {
      if (line.startsWith('A ')) acked.add(line.slice(2));
      else if (line.startsWith('H ') && killedAt !== undefined) {
        takeoverMs.push(Date.now() - killedAt);
        killedAt = undefined;
      } else if (line.startsWith('H ') && kills < options.maxKills && Math.random() < options.killChance) {
        kills++;
        killedAt = Date.now();
        worker.child.kill('SIGKILL');
        spawnWorker();
      }
    });
    running.push(worker.done);
  };
  for (let w = 0; w < options.workers; w++) spawnWorker();
  for (let i = 0; i < running.length; i++) await running[i];
  const state = JSON.parse(await readFile(file, 'utf8')) as { n: number; ids: string[] };
  return {
    acked,
    kills,
    n: state.n,
    ids: state.ids,
    leftovers: (await readdir(dir)).filter((f) => f !== 'counter.json'),
    ms: Date.now() - started,
    takeoverMs,
  };
}

function expectConsistent(o: Outcome): void {
  const missing = [...o.acked].filter((id) => !o.ids.includes(id));
  expect(missing, 'acknowledged increments lost').toEqual([]);
  expect(new Set(o.ids).size, 'an increment recorded twice').toBe(o.ids.length);
  expect(o.n, 'counter and recorded increments disagree (interleaved read-modify-write)').toBe(o.ids.length);
  expect(o.ids.length - o.acked.size).toBeLessThanOrEqual(o.kills);
}

const staleLocks = async (file: string): Promise<void> => {
  // A holder that died, and a record naming a live pid that started at another time (pid reuse).
  const base = { version: 1, host: hostname(), acquiredAt: Date.now(), refreshedAt: Date.now() };
  await writeFile(`${file}.lock`, JSON.stringify({ ...base, token: 'e'.repeat(32), pid: deadPid() }));
};

describe.skipIf(!distBuilt)('lock fault harness (multi-process)', () => {
  it('6 processes × 25 increments = 150, nothing lost', async () => {
    const o = await run({ workers: 6, increments: 25, holdMs: 2, killChance: 0, maxKills: 0 });
    expectConsistent(o);
    expect(o.n).toBe(150);
    expect(o.acked.size).toBe(150);
    expect(o.leftovers).toEqual([]);
    console.log(`lock harness: 6×25 clean, ${o.ms} ms`);
  });

  it('6 × 25 = 150 with a stale lock present (dead owner)', async () => {
    const o = await run({ workers: 6, increments: 25, holdMs: 2, killChance: 0, maxKills: 0, before: staleLocks });
    expectConsistent(o);
    expect(o.n).toBe(150);
    expect(o.leftovers).toEqual([]);
    console.log(`lock harness: 6×25 stale lock present, ${o.ms} ms`);
  });

  it('8 × 25 under SIGKILL of random holders: every acknowledged increment kept, none doubled', async () => {
    const o = await run({ workers: 8, increments: 25, holdMs: 4, killChance: 0.04, maxKills: 10, before: staleLocks });
    expectConsistent(o);
    expect(o.kills).toBeGreaterThan(0);
    // Issue 20.1: a lock left by a killed holder is taken over within 2 s.
    expect(Math.max(...o.takeoverMs)).toBeLessThan(2000);
    console.log(
      `lock harness: 8×25 with ${o.kills} holders killed: ${o.acked.size} acknowledged, ${o.n} recorded, takeover after a kill at most ${Math.max(...o.takeoverMs)} ms, ${o.ms} ms`,
    );
  });
});
