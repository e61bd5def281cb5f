import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelemetryRecordSchema } from '@st3/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { telemetryFileName } from '../src/index.js';
import { fakeCollector } from './helpers.js';

describe('TelemetryCollector', () => {
  it('records reads, cache, commands, deduplicated warnings, counters and histograms', () => {
    const c = fakeCollector('coder');
    c.fileRead('src/a.ts', 100);
    c.fileRead('src/a.ts', 100);
    c.fileRead('src/b.ts', 40);
    c.cacheHit(400);
    c.cacheMiss();
    c.command(['pnpm', 'test'], 0, 1200);
    c.warn('warning', 'stale excerpt');
    c.warn('warning', 'stale excerpt');
    c.warn('error', 'stale excerpt');
    c.count('json_parse_failures');
    c.count('gates.violations', 3, { gate: 'eslint' });
    c.count('gates.violations', 2, { gate: 'eslint' });
    c.observe('gates.duration_ms', 7, { gate: 'eslint' });
    c.observe('gates.duration_ms', 700, { gate: 'eslint' });
    const r = c.snapshot();
    expect(TelemetryRecordSchema.parse(r)).toEqual(r);
    expect(r.file_reads).toEqual([
      { path: 'src/a.ts', bytes: 200, count: 2 },
      { path: 'src/b.ts', bytes: 40, count: 1 },
    ]);
    expect(r.cache).toEqual({ hits: 1, misses: 1, bytes_saved: 400, tokens_saved: 100 });
    expect(r.commands).toEqual([{ argv: ['pnpm', 'test'], exit_code: 0, duration_ms: 1200 }]);
    expect(r.warnings).toEqual([
      { level: 'warning', message: 'stale excerpt', count: 2 },
      { level: 'error', message: 'stale excerpt', count: 1 },
    ]);
    expect(r.counters).toContainEqual({ name: 'gates.violations', labels: { gate: 'eslint' }, value: 5 });
    const h = r.histograms[0]!;
    expect(h).toMatchObject({ name: 'gates.duration_ms', count: 2, sum: 707, min: 7, max: 700 });
    expect(h.buckets.find((b) => b.le === 10)!.count).toBe(1);
    expect(h.buckets.find((b) => b.le === 1000)!.count).toBe(2);
    expect(h.buckets.at(-1)!.count).toBe(2);
    expect(r.started_at).toBe('2026-01-01T00:00:01.000Z');
  });

  it('keeps label order irrelevant for series identity', () => {
    const c = fakeCollector('a');
    c.count('x', 1, { a: '1', b: '2' });
    c.count('x', 1, { b: '2', a: '1' });
    expect(c.snapshot().counters).toHaveLength(1);
  });

  it('saves telemetry-<agent>.json atomically and on async dispose', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'st3-tel-'));
    {
      await using c = fakeCollector('agent/one', 'TASK-2', dir);
      c.fileRead('x', 1);
    }
    const files = await readdir(dir);
    expect(files).toEqual([telemetryFileName('agent/one')]);
    expect(files[0]).toBe('telemetry-agent%2Fone.json');
    const saved = JSON.parse(await readFile(join(dir, files[0]!), 'utf8'));
    expect(TelemetryRecordSchema.parse(saved).file_reads).toHaveLength(1);
  });

  it('never produces an invalid record whatever is recorded (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ t: fc.constant('read' as const), p: fc.string(), n: fc.nat() }),
            fc.record({ t: fc.constant('count' as const), p: fc.string(), n: fc.integer({ min: -5, max: 1e6 }) }),
            fc.record({
              t: fc.constant('observe' as const),
              p: fc.string(),
              n: fc.double({ noNaN: true, min: -1e9, max: 1e9 }),
            }),
            fc.record({ t: fc.constant('warn' as const), p: fc.string(), n: fc.nat() }),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          const c = fakeCollector('p');
          for (const op of ops) {
            if (op.t === 'read') c.fileRead(op.p, op.n);
            else if (op.t === 'count') c.count(op.p, op.n, { k: op.p });
            else if (op.t === 'observe') c.observe(op.p, op.n);
            else c.warn('info', op.p);
          }
          const r = c.snapshot();
          expect(TelemetryRecordSchema.safeParse(r).success).toBe(true);
          for (const h of r.histograms) {
            for (let i = 1; i < h.buckets.length; i++)
              expect(h.buckets[i]!.count).toBeGreaterThanOrEqual(h.buckets[i - 1]!.count);
            expect(h.buckets.at(-1)!.count).toBeLessThanOrEqual(h.count);
          }
        },
      ),
    );
  });
});
