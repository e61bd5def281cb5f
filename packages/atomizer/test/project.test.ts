import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { atomizeProject, detectLanguage, findSourceFiles, type JobResult, type ProjectProgress } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'st3-atomizer-'));
  mkdirSync(join(dir, 'src/gen'), { recursive: true });
  mkdirSync(join(dir, 'build'), { recursive: true });
  writeFileSync(join(dir, '.gitignore'), 'build/\n*.log.js\n');
  writeFileSync(join(dir, 'src/gen/.gitignore'), 'skip.ts\n');
  writeFileSync(join(dir, 'src/a.ts'), 'export function a(x: number): number {\n  return x > 0 ? x : -x;\n}\n');
  writeFileSync(join(dir, 'src/b.py'), 'def b(x):\n    if x:\n        return 1\n    return 0\n');
  writeFileSync(join(dir, 'src/tool'), '#!/usr/bin/env python3\nprint("hi")\n');
  writeFileSync(join(dir, 'src/gen/skip.ts'), 'export const skipped = 1;\n');
  writeFileSync(join(dir, 'src/gen/keep.ts'), 'export const kept = 1;\n');
  writeFileSync(join(dir, 'src/debug.log.js'), 'x();\n');
  writeFileSync(join(dir, 'build/out.js'), 'x();\n');
  writeFileSync(join(dir, 'src/blob.js'), Buffer.from([0x61, 0x00, 0x62]));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function collect(patterns: string[], opts = {}): Promise<JobResult[]> {
  const out: JobResult[] = [];
  for await (const r of atomizeProject(patterns, { cwd: dir, ...opts })) out.push(r);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

describe('atomizeProject', () => {
  it('honours .gitignore files (root and nested) when expanding folders', async () => {
    const { files } = await findSourceFiles(['.'], dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      'src/a.ts',
      'src/b.py',
      'src/blob.js',
      'src/gen/keep.ts',
    ]);
    const named = await findSourceFiles(['build/out.js', 'src/tool'], dir);
    expect(named.files).toHaveLength(2);
  });

  it('streams one result per file, skips binaries and unknown languages with a reason', async () => {
    const results = await collect(['src', 'src/tool', 'README']).catch((e: { code: string }) => e);
    expect(results).toMatchObject({ code: 'E_FILE_NOT_FOUND' });
    const r = await collect(['src', 'src/tool']);
    expect(r.map((x) => `${x.path}:${x.ok}`)).toEqual([
      'src/a.ts:true',
      'src/b.py:true',
      'src/blob.js:false',
      'src/gen/keep.ts:true',
      'src/tool:true',
    ]);
    expect(r.find((x) => x.path === 'src/blob.js')).toMatchObject({ skipped: { reason: 'binary file (NUL bytes)' } });
    expect(detectLanguage('src/tool', '#!/usr/bin/env python3\n')).toBe('python');
  });

  it('caches by content hash in .st3/cache and reports progress', async () => {
    const progress: ProjectProgress[] = [];
    const first = await collect(['src'], { onProgress: (p: ProjectProgress) => progress.push(p) });
    expect(first.every((r) => !r.cached)).toBe(true);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(progress.every((p) => p.total === 4)).toBe(true);
    expect(readdirSync(join(dir, '.st3/cache/atomizer')).length).toBeGreaterThan(0);
    writeFileSync(join(dir, 'src/a.ts'), 'export function a(x: number): number {\n  return x;\n}\n');
    const second = await collect(['src']);
    expect(second.map((r) => `${r.path}:${r.cached}`)).toEqual([
      'src/a.ts:false',
      'src/b.py:true',
      'src/blob.js:true',
      'src/gen/keep.ts:true',
    ]);
    expect(second[0]).toMatchObject({ ok: true, record: { functions: [{ name: 'a', complexity: 1 }] } });
    const uncached = await collect(['src'], { cache: false });
    expect(uncached.every((r) => !r.cached)).toBe(true);
  });

  it('complexity mode returns units only', async () => {
    const r = await collect(['src/b.py'], { mode: 'complexity' });
    expect(r[0]).toMatchObject({ ok: true, record: { functions: [{ name: 'b', complexity: 2, reportName: "'b'" }] } });
    expect((r[0] as { record: object }).record).not.toHaveProperty('atoms');
  });

  it('rejects bad options before doing work', async () => {
    await expect(collect(['src'], { complexityVariant: 'nope' })).rejects.toMatchObject({ code: 'E_ATOMIZE_OPTIONS' });
  });
});
