import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCursor } from '../src/events.js';
import { LineIndex, lineAt } from '../src/lines.js';
import { atomizeSource, measureSource, type AtomizedFileRecord, type ComplexityRecord } from '../src/index.js';

/** The line of an offset counted the slow way: newlines before it, plus one. */
function naiveLine(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}

describe('lineAt (one binary search for LineIndex and LineCursor)', () => {
  it('agrees with counting newlines, for LineIndex and for a cursor read in any order', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '\n', ' '), maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (body, picks) => {
          const text = `x${body}`;
          const index = new LineIndex(text);
          const cursor = new LineCursor(index.starts);
          const offsets = picks.map((p) => p % text.length);
          for (const o of [...offsets, ...offsets.sort((a, b) => a - b)]) {
            // A trailing newline ends the last line, so an offset on it stays on that line.
            const want = Math.min(naiveLine(text, o), index.starts.length);
            expect(lineAt(index.starts, o)).toBe(want);
            expect(index.lineOf(o)).toBe(want);
            expect(cursor.line(o)).toBe(want);
          }
        },
      ),
    );
  });
});

describe('Python syntax errors (one report for atomize and complexity)', () => {
  it('gives the same located warnings whether the file is atomized or only measured', async () => {
    const text = 'def ok(a):\n    if a:\n        return 1\n\ndef f(a):\n    return a +\n';
    const atomized = (await atomizeSource(text, 'e.py')) as AtomizedFileRecord;
    const measured = (await measureSource(text, 'e.py')) as ComplexityRecord;
    const syntax = (d: { code: string }) => d.code === 'E_ATOMIZE_SYNTAX';
    expect(measured.diagnostics.filter(syntax)).toEqual(atomized.diagnostics.filter(syntax));
    expect(measured.diagnostics[0]).toMatchObject({
      file: 'e.py',
      line: 6,
      column: 5,
      message: 'syntax error near "return a +"',
    });
  });
});
