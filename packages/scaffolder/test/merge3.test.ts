import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeThreeWay, rejectFile } from '../src/index.js';

/** Distinct lines, so that no edit can be aligned with an unrelated line. */
const baseLines = fc
  .uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 0, maxLength: 40 })
  .map((ns) => ns.map((n) => `line ${n}`));
const text = (lines: readonly string[]) => (lines.length === 0 ? '' : `${lines.join('\n')}\n`);
let fresh = 0;
const newLines = (n: number, tag: string) => Array.from({ length: n }, () => `${tag} ${++fresh}`);

/** An edit of a region [start, end) of base: replace it with k new lines (k = 0 deletes, empty region inserts). */
const edit = (base: string[], start: number, end: number, k: number, tag: string) => [
  ...base.slice(0, start),
  ...newLines(k, tag),
  ...base.slice(end),
];

const anyEdit = (tag: string) =>
  baseLines.chain((base) =>
    fc
      .tuple(fc.nat({ max: base.length }), fc.nat({ max: base.length }), fc.nat({ max: 3 }))
      .map(([a, b, k]) => ({ base, edited: edit(base, Math.min(a, b), Math.max(a, b), k, tag) })),
  );

describe('mergeThreeWay (properties)', () => {
  it('merge(base, base, theirs) = theirs and merge(base, ours, base) = ours, without conflicts', () => {
    fc.assert(
      fc.property(anyEdit('t'), ({ base, edited }) => {
        const theirs = mergeThreeWay(text(base), text(base), text(edited));
        expect(theirs).toEqual({ text: text(edited), conflicts: [] });
        const ours = mergeThreeWay(text(base), text(edited), text(base));
        expect(ours).toEqual({ text: text(edited), conflicts: [] });
      }),
      { numRuns: 300 },
    );
  });

  it('the same change on both sides is taken once', () => {
    fc.assert(
      fc.property(anyEdit('x'), ({ base, edited }) => {
        expect(mergeThreeWay(text(base), text(edited), text(edited))).toEqual({ text: text(edited), conflicts: [] });
      }),
    );
  });

  it('edits to disjoint regions (an unchanged line apart) merge cleanly and keep both', () => {
    const disjoint = fc
      .uniqueArray(fc.integer({ min: 0, max: 10_000 }), { minLength: 3, maxLength: 40 })
      .map((ns) => ns.map((n) => `line ${n}`))
      .chain((base) =>
        fc
          .tuple(
            fc.nat({ max: base.length }),
            fc.nat({ max: base.length }),
            fc.nat({ max: base.length }),
            fc.nat({ max: base.length }),
            fc.nat({ max: 3 }),
            fc.nat({ max: 3 }),
          )
          .map(([a, b, c, d, k1, k2]) => {
            const [s1, e1, s2, e2] = [a, b, c, d].sort((x, y) => x - y) as [number, number, number, number];
            return { base, s1, e1, s2, e2, k1, k2 };
          })
          // one untouched line between the two regions, and each region changes something
          .filter(({ s1, e1, s2, e2, k1, k2 }) => s2 > e1 && (e1 > s1 || k1 > 0) && (e2 > s2 || k2 > 0)),
      );
    fc.assert(
      fc.property(disjoint, ({ base, s1, e1, s2, e2, k1, k2 }) => {
        const oursNew = newLines(k1, 'o');
        const theirsNew = newLines(k2, 't');
        const ours = [...base.slice(0, s1), ...oursNew, ...base.slice(e1)];
        const theirs = [...base.slice(0, s2), ...theirsNew, ...base.slice(e2)];
        const expected = [...base.slice(0, s1), ...oursNew, ...base.slice(e1, s2), ...theirsNew, ...base.slice(e2)];
        const merged = mergeThreeWay(text(base), text(ours), text(theirs));
        expect(merged.conflicts).toEqual([]);
        expect(merged.text).toBe(text(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('different changes to the same line conflict, with standard markers and the line they start at', () => {
    const base = 'a\nb\nc\n';
    const merged = mergeThreeWay(base, 'a\nmine\nc\n', 'a\ntheirs\nc\n', {
      labels: { ours: 'x.ts (your edits)', theirs: 'template 12345678' },
    });
    expect(merged.text).toBe('a\n<<<<<<< x.ts (your edits)\nmine\n=======\ntheirs\n>>>>>>> template 12345678\nc\n');
    expect(merged.conflicts).toEqual([{ line: 2, ours: ['mine'], base: ['b'], theirs: ['theirs'], baseLine: 2 }]);
    const kept = mergeThreeWay(base, 'a\nmine\nc\n', 'a\ntheirs\nc\n', { keepOurs: true });
    expect(kept.text).toBe('a\nmine\nc\n');
    expect(rejectFile('x.ts', '11111111', '22222222', kept.conflicts)).toBe(
      [
        '# st3 scaffold update: template changes to x.ts that conflict with your edits (11111111 -> 22222222).',
        '# Your text was kept; apply these by hand where they belong, then delete this file.',
        '--- a/x.ts\t(template 11111111)',
        '+++ b/x.ts\t(template 22222222)',
        '@@ -2,1 +2,1 @@ your lines 2-2',
        '-b',
        '+theirs',
        '',
      ].join('\n'),
    );
  });

  it('every conflict region shows both sides between markers, and the rest of the text survives', () => {
    fc.assert(
      fc.property(anyEdit('o'), fc.nat({ max: 3 }), ({ base, edited }, k) => {
        const theirs = [...edited.filter((l) => !l.startsWith('o ')), ...newLines(k, 't')];
        const merged = mergeThreeWay(text(base), text(edited), text(theirs));
        const markers = merged.text.split('\n').filter((l) => /^(<{7}|={7}|>{7})/.test(l));
        expect(markers.length).toBe(3 * merged.conflicts.length);
        for (const c of merged.conflicts) {
          const lines = merged.text.split('\n');
          expect(lines[c.line - 1]).toMatch(/^<{7} /);
          expect(lines.slice(c.line, c.line + c.ours.length)).toEqual(c.ours);
        }
      }),
    );
  });
});
