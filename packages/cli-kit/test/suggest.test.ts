import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, suggest } from '../src/index.js';

// Command and option names as people write them: words joined by single dashes.
const name = fc.stringMatching(/^[a-z]{2,8}(-[a-z]{2,6})?$/);

/** One typing mistake: a letter dropped, doubled, changed, or two neighbours swapped. */
const typo = (w: string, at: number, kind: number, letter: string): string => {
  const i = at % w.length;
  if (kind === 0) return w.slice(0, i) + w.slice(i + 1);
  if (kind === 1) return w.slice(0, i) + w[i] + w.slice(i);
  if (kind === 2) return w.slice(0, i) + letter + w.slice(i + 1);
  const j = Math.min(i + 1, w.length - 1);
  return i === j ? w : w.slice(0, i) + w[j] + w[i] + w.slice(j + 1);
};

describe('editDistance', () => {
  it('is zero only for equal words, symmetric, bounded by the longer length, nearly a metric (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        fc.string({ maxLength: 10 }),
        fc.string({ maxLength: 10 }),
        (a, b, c) => {
          expect(editDistance(a, b) === 0).toBe(a === b);
          expect(editDistance(a, b)).toBe(editDistance(b, a));
          expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c) + 1);
          expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
        },
      ),
    );
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('list', 'lsit')).toBe(1);
    expect(editDistance('validate', 'valdiate')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('suggest', () => {
  it('finds the word one typo away among farther ones (property)', () => {
    fc.assert(
      fc.property(
        name,
        fc.array(name, { maxLength: 20 }),
        fc.nat(),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
        (target, others, at, kind, letter) => {
          const typed = typo(target, at, kind, letter);
          const farther = others.filter((o) => editDistance(typed, o) > editDistance(typed, target));
          expect(suggest(typed, [...farther, target], 50)).toContain(target);
        },
      ),
    );
  });

  it('suggests nothing for unrelated words and ranks closer words first', () => {
    expect(suggest('zzzzzz', ['validate', 'run', 'schema'])).toEqual([]);
    expect(suggest('vali', ['validate', 'validate-plan', 'waves'])).toEqual(['validate', 'validate-plan']);
    expect(suggest('gats', ['gates', 'graph', 'test'])[0]).toBe('gates');
    expect(didYouMean('lsit', ['list', 'show'])).toBe('did you mean "list"?');
    expect(didYouMean('nothing-like-it', ['list'])).toBeUndefined();
  });
});
