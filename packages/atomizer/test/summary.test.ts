import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atomizeProject,
  summarizeFile,
  summarizeProject,
  SUMMARY_TOP,
  type AtomizedFileRecord,
  type AtomizedFileSummary,
} from '../src/index.js';

// Real code: this package's own sources, and a file whose functions tie on complexity.
const src = new URL('../src', import.meta.url).pathname;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'st3-atomizer-summary-'));
  cpSync(src, join(dir, 'src'), { recursive: true });
  const ties = Array.from({ length: 8 }, (_, i) => `export function f${i}(x: number) {\n  return x ? 1 : 2;\n}\n`);
  writeFileSync(join(dir, 'ties.ts'), ties.join(''));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run<R extends AtomizedFileRecord | AtomizedFileSummary>(detail: 'records' | 'summary', workers: number) {
  const files: R[] = [];
  for await (const r of atomizeProject(['.'], { cwd: dir, cache: false, workers, detail }))
    if (r.ok) files.push(r.record as R);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

describe('atomize summaries', () => {
  it('the totals from per-file summaries equal the totals from whole records (workers and in-process)', async () => {
    const records = await run<AtomizedFileRecord>('records', 0);
    const fromRecords = summarizeProject(records);
    expect(fromRecords.files).toBeGreaterThan(30);
    expect(fromRecords.topComplexity).toHaveLength(SUMMARY_TOP);
    expect(fromRecords.worstAtoms).toHaveLength(SUMMARY_TOP);
    for (const workers of [0, 2]) {
      const summaries = await run<AtomizedFileSummary>('summary', workers);
      expect(summaries.map((s) => s.path)).toEqual(records.map((r) => r.path));
      expect(summarizeProject(summaries)).toEqual(fromRecords);
    }
    // The brute-force totals, independently of summarizeFile.
    const atoms = records.flatMap((r) => r.atoms);
    expect(fromRecords.atoms).toBe(atoms.length);
    expect(fromRecords.nonAtomic).toBe(atoms.filter((a) => !a.atomicity.atomic).length);
    expect(fromRecords.functions).toBe(records.reduce((n, r) => n + r.functions.length, 0));
    const maxComplexity = Math.max(...records.flatMap((r) => r.functions.map((f) => f.complexity)));
    expect(fromRecords.topComplexity[0]!.complexity).toBe(maxComplexity);
  });

  it('ties keep source order, and a file summary keeps its diagnostics and counts', async () => {
    const [ties] = (await run<AtomizedFileRecord>('records', 0)).filter((r) => r.path === 'ties.ts');
    const summary = summarizeFile(ties!);
    expect(summary.topComplexity.map((f) => f.name)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    expect(summary).toMatchObject({ path: 'ties.ts', functions: 8, loc: ties!.loc, diagnostics: ties!.diagnostics });
    expect(summary.atoms).toBe(ties!.atoms.length);
  });
});
