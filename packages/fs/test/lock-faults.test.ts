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
  const workers: Worker[] = [];
  for (let w = 0; w < options.workers; w++) {
    const worker = startWorker('counter.mjs', [
      DIST,
      file,
      String(options.increments),
      `w${w}`,
      String(options.holdMs),
    ]);
    worker.onLine((line) => {
      if (line.startsWith('A ')) acked.add(line.slice(2));
      else if (line.startsWith('H ') && kills < options.maxKills && Math.random() < options.killChance) {
        kills++;
        worker.child.kill('SIGKILL');
      }
    });
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => w.done));
  const state = JSON.parse(await readFile(file, 'utf8')) as { n: number; ids: string[] };
  return {
    acked,
    kills,
    n: state.n,
    ids: state.ids,
    leftovers: (await readdir(dir)).filter((f) => f !== 'counter.json'),
    ms: Date.now() - started,
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
    const o = await run({ workers: 8, increments: 25, holdMs: 4, killChance: 0.05, maxKills: 6, before: staleLocks });
    expectConsistent(o);
    expect(o.kills).toBeGreaterThan(0);
    console.log(
      `lock harness: 8×25 with ${o.kills} holders killed: ${o.acked.size} acknowledged, ${o.n} recorded, ${o.ms} ms`,
    );
  });
});
