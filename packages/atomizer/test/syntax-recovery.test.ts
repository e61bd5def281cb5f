// What the parsers invent to recover from a syntax error. tree-sitter's MISSING node has the type of the token it
// expected (`)`, `identifier`), not "MISSING"; TypeScript and tree-sitter both name an invented identifier "".
import { describe, expect, it } from 'vitest';
import { atomizeSource, measureSource, type AtomizedFileRecord, type ComplexityRecord } from '../src/index.js';

const syntax = (d: { code: string }) => d.code === 'E_ATOMIZE_SYNTAX';

async function atomize(text: string, path: string): Promise<AtomizedFileRecord> {
  return (await atomizeSource(text, path)) as AtomizedFileRecord;
}

describe('Python MISSING nodes', () => {
  it('are located warnings naming the missing token, in atomize and complexity alike', async () => {
    const cases: [string, { line: number; column: number; message: string }[]][] = [
      ['def f(:\n    return 1\n', [{ line: 1, column: 7, message: 'missing )' }]],
      ['x = 1\nif :\n    pass\n', [{ line: 2, column: 3, message: 'missing identifier' }]],
      // A MISSING node next to an ERROR node: both, in the order of the text.
      [
        'def f(:\n    return 1\n\nprint(1 +)\n',
        [
          { line: 1, column: 7, message: 'missing )' },
          { line: 4, column: 9, message: 'syntax error near "+"' },
        ],
      ],
    ];
    for (const [text, expected] of cases) {
      const atomized = (await atomize(text, 'm.py')).diagnostics.filter(syntax);
      expect(atomized, text).toEqual(
        expected.map((e) => ({ code: 'E_ATOMIZE_SYNTAX', severity: 'warning', file: 'm.py', ...e })),
      );
      const measured = ((await measureSource(text, 'm.py')) as ComplexityRecord).diagnostics.filter(syntax);
      expect(measured).toEqual(atomized);
    }
  });
});

describe('identifiers a parser invented', () => {
  it('are no symbol: not used, defined, typed or called, and no module definition', async () => {
    const files: [string, string][] = [
      ['export function f(a: number) {\n  return a +;\n}\n', 'a.ts'],
      ['const t: = 1;\nexport const g = (x) => x.;\n', 'b.ts'],
      ['if :\n    pass\n', 'c.py'],
      ['for in y:\n    pass\n', 'd.py'],
    ];
    for (const [text, path] of files) {
      const r = await atomize(text, path);
      expect(r.diagnostics.some(syntax), path).toBe(true);
      for (const atom of r.atoms) {
        const { defined, used, types, calls } = atom.symbols;
        expect([...defined, ...used, ...types, ...calls], path).not.toContain('');
      }
      expect(
        r.definitions.map((d) => d.name),
        path,
      ).not.toContain('');
    }
  });

  it("leave no unresolved name and link no atoms (the invented name is nobody's definition)", async () => {
    const text = 'for in y:\n    pass\n\n\nif :\n    pass\n';
    const r = (await atomizeSource(text, 'e.py', { maxLoc: 2, targetLoc: 2 })) as AtomizedFileRecord;
    expect(r.atoms.length).toBeGreaterThan(1);
    for (const atom of r.atoms) {
      expect(atom.context.unresolved, atom.id).not.toContain('');
      expect(atom.dependsOn, atom.id).toEqual([]);
    }
  });
});
