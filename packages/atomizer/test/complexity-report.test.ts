import { describe, expect, it } from 'vitest';
import { complexityFindings, measureSource, type ComplexityRecord } from '../src/index.js';

const TS = `export function simple(a: number): number {
  return a + 1;
}

export function branchy(a: number, b: number): number {
  if (a > 0) {
    if (b > 0) return 1;
    return 2;
  }
  for (let i = 0; i < a; i++) if (i === b) return i;
  return a && b ? 3 : 4;
}
`;

const PY = `def outer(x):
    def inner(y):
        if y:
            return 1
        return 2
    if x:
        return inner(x)
    return 0
`;

async function measure(text: string, path: string): Promise<ComplexityRecord> {
  const r = await measureSource(text, path);
  if (!('functions' in r)) throw new Error(`skipped: ${r.reason}`);
  return r;
}

describe('complexityFindings', () => {
  it('maps each reported unit to where and how the peer tool reports it, in report order', async () => {
    const rec = await measure(TS, 'a.ts');
    const all = complexityFindings(rec.functions);
    expect(all.map((f) => [f.name, f.line, f.complexity])).toEqual([
      ['simple', 1, 1],
      ['branchy', 5, 7],
    ]);
    const branchy = rec.functions.find((u) => u.name === 'branchy')!;
    expect(all[1]).toEqual({
      name: 'branchy',
      kind: branchy.kind,
      line: branchy.reportLine,
      column: branchy.reportColumn,
      startLine: branchy.startLine,
      endLine: branchy.endLine,
      complexity: branchy.complexity,
      message: branchy.reportName,
    });
  });

  it('keeps only the functions above max', async () => {
    const rec = await measure(TS, 'a.ts');
    expect(complexityFindings(rec.functions, { max: 1 }).map((f) => f.name)).toEqual(['branchy']);
    expect(complexityFindings(rec.functions, { max: 7 })).toEqual([]);
  });

  it('leaves out units the peer tool does not report alone unless all is set', async () => {
    const rec = await measure(PY, 'a.py');
    const reported = complexityFindings(rec.functions).map((f) => f.name);
    const all = complexityFindings(rec.functions, { all: true }).map((f) => f.name);
    expect(reported).not.toContain('inner');
    expect(all).toContain('inner');
    expect(all.length).toBeGreaterThan(reported.length);
  });
});
