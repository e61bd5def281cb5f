import { describe, expect, it } from 'vitest';
import type { AnyJobResult, Job } from '../src/project/job.js';
import { runPool } from '../src/project/pool.js';

const worker = new URL('./fixtures/crash-worker.mjs', import.meta.url);
const job = (path: string): Job => ({ file: `/nowhere/${path}`, path, mode: 'complexity', options: {} });

async function collect(paths: string[], count: number): Promise<AnyJobResult[]> {
  const out: AnyJobResult[] = [];
  for await (const r of runPool(paths.map(job), count, worker, () => {})) out.push(r);
  return out;
}

describe('the worker pool', () => {
  it('fails the file of a worker that exits, replaces the worker and finishes the others', async () => {
    const paths = ['a.ts', 'exit-1.ts', 'b.ts', 'c.ts', 'exit-2.ts', 'd.ts', 'e.ts'];
    const results = await collect(paths, 2);
    expect(results.map((r) => r.path).sort()).toEqual([...paths].sort());
    const failed = results.filter((r) => !r.ok);
    expect(failed.map((r) => r.path).sort()).toEqual(['exit-1.ts', 'exit-2.ts']);
    for (const r of failed) {
      if (r.ok) continue;
      expect(r.skipped.diagnostic).toMatchObject({ code: 'E_ATOMIZE_WORKER', severity: 'error', file: r.path });
      expect(r.skipped.reason).toMatch(/exited with code 7/);
    }
  });

  it('a worker that crashes with an uncaught error fails that file with the error message', async () => {
    const results = await collect(['a.ts', 'throw.ts', 'b.ts'], 1);
    const crashed = results.find((r) => r.path === 'throw.ts')!;
    expect(crashed.ok).toBe(false);
    if (!crashed.ok) {
      expect(crashed.skipped.diagnostic.code).toBe('E_ATOMIZE_WORKER');
      expect(crashed.skipped.reason).toContain('boom in throw.ts');
    }
    expect(
      results
        .filter((r) => r.ok)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['a.ts', 'b.ts']);
  });

  it('every file failing still ends (one crash per file, no endless respawning)', async () => {
    const results = await collect(['exit-a.ts', 'exit-b.ts', 'exit-c.ts'], 2);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results).toHaveLength(3);
  });

  it('an error the worker reports stops the run with its code', async () => {
    await expect(collect(['a.ts', 'engine.ts', 'b.ts'], 1)).rejects.toMatchObject({ code: 'E_ATOMIZE_ENGINE' });
  });
});
