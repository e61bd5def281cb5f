import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  complexityFileReport,
  complexityFindings,
  complexityReport,
  measureSource,
  type ComplexityFileReport,
  type ComplexityRecord,
} from '../src/index.js';

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

describe('complexityReport: the verdict of st3 complexity and the MCP tool', () => {
  const clean: ComplexityFileReport = { path: 'a.ts', language: 'typescript', functions: [], diagnostics: [] };
  const above: ComplexityFileReport = {
    ...clean,
    path: 'o.ts',
    functions: [
      {
        name: 'f',
        kind: 'function',
        line: 1,
        column: 8,
        startLine: 1,
        endLine: 9,
        complexity: 9,
        message: "Function 'f'",
      },
    ],
  };
  const broken: ComplexityFileReport = {
    ...clean,
    path: 'b.ts',
    diagnostics: [{ code: 'E_ATOMIZE_SYNTAX', severity: 'error', message: 'Expression expected.' }],
  };

  it('under max, passes only with nothing above it, no syntax error and every file measured; always without max', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.record({ path: fc.string({ minLength: 1 }), reason: fc.string() }), { maxLength: 3 }),
        (max, withAbove, withBroken, skipped) => {
          const files = [clean, ...(withAbove ? [above] : []), ...(withBroken ? [broken] : [])];
          const r = complexityReport(files, skipped, { max, patterns: ['.'] });
          expect(r.notMeasured).toBe(skipped.length);
          expect(r.filesWithSyntaxErrors).toBe(withBroken ? 1 : 0);
          expect(r.passed).toBe(max === undefined || (!withAbove && !withBroken && skipped.length === 0));
        },
      ),
    );
  });

  it('nothing measured is E_ATOMIZE_NO_FILES naming the skipped files, never a report', () => {
    expect(() => complexityReport([], [], { patterns: ['src'] })).toThrow(
      expect.objectContaining({ code: 'E_ATOMIZE_NO_FILES', message: 'no source files matched src' }),
    );
    expect(() =>
      complexityReport([], [{ path: 'b.js', reason: 'binary file' }], { max: 1, patterns: ['b.js'] }),
    ).toThrow(
      expect.objectContaining({ message: 'no source file measured in b.js (1 file skipped: b.js: binary file)' }),
    );
  });

  it('complexityFileReport makes syntax errors errors under max only', async () => {
    const record = await measure('const x = (;\n', 'b.ts');
    expect(complexityFileReport(record, { max: 3 }).diagnostics[0]).toMatchObject({ severity: 'error' });
    expect(complexityFileReport(record).diagnostics[0]).toMatchObject({ severity: 'warning' });
  });
});
