import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareOutputs, describeVerdict, expectParity, PRESETS } from '../src/index.js';

describe('compareOutputs', () => {
  it('says identical for the same bytes', () => {
    expect(compareOutputs('a\n', 'a\n')).toEqual({ kind: 'identical' });
  });

  it('says equivalent and names only the rules that were needed', () => {
    const v1 =
      "// src/a.ts\n// template=dto version=1a2b3c4d created=2026-11-22T04:00:00Z updated=\nimport { b } from 'b';\nimport { a } from 'a';\r\n\r\n\r\nexport const x = 1;   \r\n";
    const v2 =
      "// src/a.ts\n// template=dto version=cafebabe created=2026-11-23T05:00:00Z updated=\nimport { a } from 'a';\nimport { b } from 'b';\n\nexport const x = 1;\n";
    const verdict = compareOutputs(v1, v2, { path: 'src/a.ts' });
    expect(verdict.kind).toBe('equivalent');
    expect(verdict.kind === 'equivalent' && [...verdict.rules].sort()).toEqual([
      'blank-lines-ts',
      'line-endings',
      'mask-provenance',
      'sort-imports-ts',
      'trailing-whitespace-ts',
    ]);
  });

  it('gives a unified diff and the first differing line for different outputs', () => {
    const verdict = compareOutputs('a\nb\nc\n', 'a\nB\nc\n', { path: 'x.txt' });
    expect(verdict.kind).toBe('different');
    if (verdict.kind !== 'different') return;
    expect(verdict.firstDifference).toEqual({ line: 2, left: 'b', right: 'B' });
    expect(verdict.diff).toContain('--- left/x.txt');
    expect(verdict.diff).toContain('@@ -1,3 +1,3 @@');
    expect(verdict.diff).toContain('-b\n+B');
    expect(describeVerdict(verdict)).toBe('different at line 2: "b" vs "B"');
  });

  it('reports a missing tail as the end of file', () => {
    const verdict = compareOutputs('a\nb\n', 'a\n');
    expect(verdict.kind === 'different' && verdict.firstDifference).toEqual({ line: 2, left: 'b', right: '' });
  });

  it('does not treat Python import order across groups as equal', () => {
    expect(compareOutputs('import a\n\nimport b\n', 'import b\n\nimport a\n', { language: 'python' }).kind).toBe(
      'different',
    );
  });

  it('is symmetric and reflexive (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (a, b) => {
        expect(compareOutputs(a, a).kind).toBe('identical');
        expect(compareOutputs(a, b, { normalizers: PRESETS.typescript }).kind).toBe(
          compareOutputs(b, a, { normalizers: PRESETS.typescript }).kind,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('expectParity', () => {
  it('returns the verdict when equivalent', () => {
    expect(expectParity('a\r\n', 'a\n').kind).toBe('equivalent');
  });
  it('throws with the first differing line and the diff', () => {
    expect(() => expectParity('x = 2\n', 'x = 1\n', { path: 'a.py' })).toThrowError(
      /differ at line 1[\s\S]*expected: "x = 1"[\s\S]*actual: {3}"x = 2"[\s\S]*@@/,
    );
  });
});

describe('large, very different texts', () => {
  it('still get a different verdict when the diff takes too long (it took minutes for 100k lines)', () => {
    const text = (side: string) =>
      Array.from({ length: 4000 }, (_, i) => (i % 2 ? `line ${i} ${side}` : `line ${i}`)).join('\n') + '\n';
    const started = performance.now();
    const verdict = compareOutputs(text('a'), text('b'), { path: 'big.txt', diffTimeoutMs: 20 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(verdict).toMatchObject({
      kind: 'different',
      firstDifference: { line: 2, left: 'line 1 a', right: 'line 1 b' },
    });
    if (verdict.kind !== 'different') return;
    expect(verdict.diff).toBe(
      '--- left/big.txt\n+++ right/big.txt\n# the texts differ from line 2; the full diff took longer than 20 ms and was not computed\n',
    );
  });
});
