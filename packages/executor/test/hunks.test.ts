import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyHunks,
  diffHunks,
  locateLines,
  rebaseHunks,
  replaceLines,
  replacementHunk,
  type Hunk,
} from '../src/index.js';

const render = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

/** A file of atoms (segments of lines, braces and blanks included) and a new body for some of them. */
const scenario = fc
  .array(fc.array(fc.constantFrom('}', '', 'return x;', '{', 'x++;', 'if (a) {'), { minLength: 1, maxLength: 4 }), {
    minLength: 1,
    maxLength: 8,
  })
  .chain((segments) =>
    fc.record({
      segments: fc.constant(segments),
      // New bodies often keep the atom's first or last line (a brace): growth at both ends of neighbours.
      bodies: fc.array(
        fc.option(fc.array(fc.constantFrom('}', '', 'y();', 'return 2;', '{', 'return x;'), { maxLength: 5 })),
        {
          minLength: segments.length,
          maxLength: segments.length,
        },
      ),
      order: fc.array(fc.nat(), { minLength: segments.length, maxLength: segments.length }),
    }),
  );

describe('edits of several atoms of one file', () => {
  it('rebased over each other, apply in any order to the same text as all at once (no lost or doubled edit)', () => {
    fc.assert(
      fc.property(scenario, ({ segments, bodies, order }) => {
        const base = render(segments.flat());
        const starts: number[] = [];
        let line = 1;
        for (const s of segments) {
          starts.push(line);
          line += s.length;
        }
        // Each changed atom's edit, made against the original file (what its agent saw).
        const edits = segments
          .map((s, i) => ({ i, body: bodies[i] as string[] | null }))
          .filter((e): e is { i: number; body: string[] } => e.body !== null)
          .map((e) => ({
            i: e.i,
            hunk: replacementHunk(starts[e.i]!, starts[e.i]! + segments[e.i]!.length - 1, render(e.body)),
          }));
        const expected = render(segments.flatMap((s, i) => (bodies[i] === null ? s : bodies[i]!)));
        expect(
          applyHunks(
            base,
            edits.map((e) => e.hunk),
          ),
        ).toBe(expected);
        // Applied one by one in a random order, each rebased over those applied before it.
        const sequence = [...edits].sort((a, b) => order[a.i]! - order[b.i]! || a.i - b.i);
        let text = base;
        const applied: Hunk[][] = [];
        for (const e of sequence) {
          let hunks: Hunk[] = [e.hunk];
          for (const over of applied) {
            const r = rebaseHunks(hunks, over);
            expect(r.ok).toBe(true);
            if (r.ok) hunks = r.hunks;
          }
          text = applyHunks(text, hunks);
          applied.push(hunks);
        }
        expect(text).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('an edit that touches lines another edit changed is a conflict, never a silent merge', () => {
    // In 'a b c d': mine rewrites b-c.
    const mine = replacementHunk(2, 3, 'B\nC\n');
    expect(rebaseHunks([mine], [replacementHunk(3, 4, 'X\n')])).toEqual({ ok: false, conflictLine: 2 });
    expect(rebaseHunks([mine], [replacementHunk(4, 4, 'D\nE\n')])).toMatchObject({ ok: true });
    // Two insertions at one point cannot be ordered: conflict.
    expect(rebaseHunks([{ start: 1, end: 1, lines: ['x'] }], [{ start: 1, end: 1, lines: ['y'] }])).toMatchObject({
      ok: false,
    });
  });

  it('diffHunks reproduces the other text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', '}', '')),
        fc.array(fc.constantFrom('a', 'b', '}', '', 'c')),
        (x, y) => {
          expect(applyHunks(render(x), diffHunks(render(x), render(y)))).toBe(render(y));
        },
      ),
    );
  });
});

describe('locateLines and replaceLines', () => {
  it('finds the occurrence nearest the hint, ignoring trailing spaces', () => {
    const text = 'x\n  return 1;  \ny\n  return 1;\nz\n';
    expect(locateLines(text, '  return 1;', 1)).toEqual({ start: 2, end: 2 });
    expect(locateLines(text, '  return 1;', 5)).toEqual({ start: 4, end: 4 });
    expect(locateLines(text, 'nope')).toBeUndefined();
  });

  it('replaces a line range keeping the final newline', () => {
    expect(replaceLines('a\nb\nc\n', 2, 2, 'B1\nB2')).toBe('a\nB1\nB2\nc\n');
    expect(replaceLines('a\nb', 2, 2, 'B')).toBe('a\nB\n');
  });
});

describe('changes of a few hundred thousand lines', () => {
  it('diff, apply and replace without spreading the lines into a call (the call stack would overflow)', () => {
    const big = Array.from({ length: 200_000 }, (_, i) => `line ${i}\n`).join('');
    const base = 'first\nlast\n';
    const after = `first\n${big}last\n`;
    const hunks = diffHunks(base, after);
    expect(applyHunks(base, hunks)).toBe(after);
    expect(replaceLines(base, 1, 1, `first\n${big}`)).toBe(after);
  });
});
