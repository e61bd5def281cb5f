import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aggregate, createCollector } from '@st3/telemetry';
import { atomizeProject, atomizeSource, type JobResult } from '../src/index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const A = 'export function a(x: number): number {\n  return x > 0 ? x : -x;\n}\n';
const B = 'def b(x):\n    if x:\n        return 1\n    return 0\n\n\ndef c():\n    return 2\n';

describe('atomizer telemetry handle', () => {
  it('atomizeProject reports files by status, bytes, atoms and parse time; cache hits are not timed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'st3-atomizer-telemetry-'));
    writeFileSync(join(dir, 'a.ts'), A);
    writeFileSync(join(dir, 'b.py'), B);
    writeFileSync(join(dir, 'blob.js'), Buffer.from([0x61, 0x00, 0x62]));
    const run = async (telemetry: ReturnType<typeof createCollector>) => {
      const out: JobResult[] = [];
      for await (const r of atomizeProject(['.'], { cwd: dir, workers: 0, telemetry })) out.push(r);
      return out;
    };
    const first = createCollector({ agent: 'atomize' });
    const results = await run(first);
    const atoms = results.reduce((n, r) => n + (r.ok && 'atoms' in r.record ? r.record.atoms.length : 0), 0);
    const snap = first.snapshot();
    const counter = (s: typeof snap, name: string, status?: string) =>
      s.counters
        .filter((c) => c.name === name && (status === undefined || c.labels.status === status))
        .reduce((n, c) => n + c.value, 0);
    expect(counter(snap, 'atomizer.files', 'parsed')).toBe(2);
    expect(counter(snap, 'atomizer.files', 'skipped')).toBe(1);
    expect(counter(snap, 'atomizer.bytes')).toBe(Buffer.byteLength(A) + Buffer.byteLength(B) + 3);
    expect(atoms).toBeGreaterThan(0);
    expect(counter(snap, 'atomizer.atoms')).toBe(atoms);
    expect(snap.histograms.find((h) => h.name === 'atomizer.parse_ms')?.count).toBe(2);
    // Each file read is a file read of the agent (the metrics' file_reads_per_agent), skipped ones too.
    expect(snap.file_reads.map((f) => [f.path.split(/[\\/]/).pop(), f.count])).toEqual([
      ['a.ts', 1],
      ['b.py', 1],
      ['blob.js', 1],
    ]);

    const second = createCollector({ agent: 'atomize' });
    await run(second);
    const again = second.snapshot();
    expect(counter(again, 'atomizer.files', 'cached')).toBe(2);
    expect(again.file_reads).toHaveLength(3); // a cache hit still read the file to hash it
    expect(again.histograms.find((h) => h.name === 'atomizer.parse_ms')).toBeUndefined();
    expect(aggregate([again]).counters.get('atomizer.atoms')).toBe(atoms);
  });

  it('atomizeSource reports one file', async () => {
    const telemetry = createCollector({ agent: 'lib' });
    const record = await atomizeSource(A, 'a.ts', { telemetry });
    expect('atoms' in record).toBe(true);
    const agg = aggregate([telemetry.snapshot()]);
    expect(agg.counters.get('atomizer.files')).toBe(1);
    expect(agg.counters.get('atomizer.bytes')).toBe(Buffer.byteLength(A));
    expect(agg.counters.get('atomizer.atoms')).toBe('atoms' in record ? record.atoms.length : -1);
    await atomizeSource('\u0000binary', 'x.bin', { telemetry });
    expect(
      telemetry.snapshot().counters.find((c) => c.name === 'atomizer.files' && c.labels.status === 'skipped')?.value,
    ).toBe(1);
  });
});
