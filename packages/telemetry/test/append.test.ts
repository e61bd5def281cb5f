import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelemetryRecordSchema } from '@st3/schemas';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { appendRecord, createCollector, mergeRecords, readTelemetryFile, recordTelemetry } from '../src/index.js';
import { fakeCollector } from './helpers.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

type Op =
  | { t: 'read'; p: string; n: number }
  | { t: 'hit'; n: number; type: string }
  | { t: 'prompt'; n: number; base?: number }
  | { t: 'warn'; m: string }
  | { t: 'count'; name: string; n: number }
  | { t: 'observe'; n: number }
  | { t: 'json'; ok: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('read' as const), p: fc.constantFrom('a', 'b', 'c'), n: fc.nat(1000) }),
  fc.record({ t: fc.constant('hit' as const), n: fc.nat(1000), type: fc.constantFrom('snapshot', 'standards') }),
  fc.record({ t: fc.constant('prompt' as const), n: fc.nat(1000), base: fc.option(fc.nat(2000), { nil: undefined }) }),
  fc.record({ t: fc.constant('warn' as const), m: fc.constantFrom('w1', 'w2') }),
  fc.record({ t: fc.constant('count' as const), name: fc.constantFrom('x', 'y'), n: fc.nat(9) }),
  fc.record({ t: fc.constant('observe' as const), n: fc.nat(5000) }),
  fc.record({ t: fc.constant('json' as const), ok: fc.boolean() }),
);

function play(ops: readonly Op[], c = fakeCollector('agent', 'TASK-1')) {
  for (const o of ops) {
    if (o.t === 'read') c.fileRead(o.p, o.n);
    else if (o.t === 'hit') c.cacheHit(o.n, o.type);
    else if (o.t === 'prompt') c.prompt(o.n, o.base);
    else if (o.t === 'warn') c.warn('warning', o.m);
    else if (o.t === 'count') c.count(o.name, o.n, { k: 'v' });
    else if (o.t === 'observe') c.observe('h', o.n);
    else c.jsonParse('src', o.ok);
  }
  return c.snapshot();
}

/** What the figures of a record add up to (times and ordering aside). */
function totals(r: ReturnType<typeof play>) {
  return {
    reads: Object.fromEntries(r.file_reads.map((f) => [f.path, [f.bytes, f.count]])),
    cache: r.cache,
    prompts: r.prompts ?? null,
    warnings: Object.fromEntries(r.warnings.map((w) => [w.message, w.count])),
    counters: Object.fromEntries(r.counters.map((c) => [`${c.name}${JSON.stringify(c.labels)}`, c.value])),
    histograms: r.histograms.map((h) => [h.name, h.count, h.sum, h.min, h.max, h.buckets.map((b) => b.count)]),
  };
}

describe('merging records', () => {
  it('recording in two sessions and merging equals recording in one (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.array(op, { maxLength: 40 }), (first, second) => {
        const merged = mergeRecords(play(first), play(second));
        expect(TelemetryRecordSchema.safeParse(merged).success).toBe(true);
        expect(totals(merged)).toEqual(totals(play([...first, ...second])));
      }),
    );
  });
});

describe('appending to a telemetry file', () => {
  it('adds each save to the file and never counts a save twice', async () => {
    dir = await mkdtemp(join(tmpdir(), 'st3-append-'));
    const c = createCollector({ agent: 'coder', taskId: 'TASK-1', dir, append: true });
    c.fileRead('a.ts', 10);
    const path = await c.save();
    await c.save(); // nothing new since the last save
    c.fileRead('a.ts', 10);
    c.prompt(100, 200);
    await c.save();
    await recordTelemetry({ dir, agent: 'coder', taskId: 'TASK-1' }, (t) => t.warn('warning', 'w'));
    const saved = (await readTelemetryFile(path))!;
    expect(saved.file_reads).toEqual([{ path: 'a.ts', bytes: 20, count: 2 }]);
    expect(saved.prompts).toEqual({ count: 1, bytes: 100, compared: { count: 1, bytes: 100, baseline_bytes: 200 } });
    expect(saved.warnings).toEqual([{ level: 'warning', message: 'w', count: 1 }]);
  });

  it('refuses to overwrite a file that is not a telemetry record', async () => {
    dir = await mkdtemp(join(tmpdir(), 'st3-append-'));
    const path = join(dir, 'telemetry-coder.json');
    await writeFile(path, '{"agent": ');
    await expect(appendRecord(path, play([]))).rejects.toMatchObject({ code: 'E_TELEMETRY_CORRUPT', file: path });
    expect(await readFile(path, 'utf8')).toBe('{"agent": ');
  });

  it('8 concurrent processes × 10 appends lose nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'st3-append-'));
    const entry = new URL('../dist/index.js', import.meta.url).pathname;
    const script = `const m = await import(${JSON.stringify(entry)});
for (let i = 0; i < 10; i++) await m.recordTelemetry({ dir: process.argv[1], agent: 'shared', taskId: 'TASK-1' }, (c) => { c.fileRead('p' + process.argv[2], 1); c.count('n'); });`;
    const runs = Array.from(
      { length: 8 },
      (_, i) =>
        new Promise<number | null>((resolve) => {
          spawn(process.execPath, ['--input-type=module', '-e', script, dir!, String(i)], { stdio: 'inherit' }).on(
            'close',
            resolve,
          );
        }),
    );
    expect(await Promise.all(runs)).toEqual(Array(8).fill(0));
    const saved = (await readTelemetryFile(join(dir, 'telemetry-shared.json')))!;
    expect(saved.counters).toEqual([{ name: 'n', labels: {}, value: 80 }]);
    expect(saved.file_reads.map((f) => f.count)).toEqual(Array(8).fill(10));
  }, 60_000);
});
