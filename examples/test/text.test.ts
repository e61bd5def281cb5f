import { describe, expect, it } from 'vitest';
import { slugify, wrap } from '../src/text.js';

describe('text', () => {
  it('slugifies accents and punctuation', () => {
    expect(slugify('  Crème Brûlée & Co. ')).toBe('creme-brulee-co');
  });

  it('wraps greedily', () => {
    expect(wrap('the quick brown fox jumps', 10)).toEqual(['the quick', 'brown fox', 'jumps']);
    expect(wrap('extraordinarily long', 5)).toEqual(['extraordinarily', 'long']);
    expect(wrap('', 5)).toEqual([]);
  });
});
