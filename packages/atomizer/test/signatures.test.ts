import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripBodyOpen } from '../src/atoms/signatures.js';

/** The rule stripBodyOpen implements, as the regular expressions it replaced. */
const byRegExp = (text: string) => text.replace(/\s*(=>\s*)?\{\s*$/, '').replace(/\s*=\s*$/, '');

describe('stripBodyOpen', () => {
  it('strips `{`, `=> {` and a trailing `=` from a header line', () => {
    expect(stripBodyOpen('export function parse(text: string): Doc {')).toBe(
      'export function parse(text: string): Doc',
    );
    expect(stripBodyOpen('const f = (a) => {  ')).toBe('const f = (a)');
    expect(stripBodyOpen('const LIMIT =')).toBe('const LIMIT');
    expect(stripBodyOpen('class Store(Base):')).toBe('class Store(Base):');
  });
  it('agrees with the regular expressions on any text of header characters', () => {
    const chars = fc.constantFrom(' ', '\t', '\n', '\u00a0', '{', '}', '=', '>', 'a', '(', ')', ':');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 16 }), (cs) => {
        const text = cs.join('');
        expect(stripBodyOpen(text)).toBe(byRegExp(text));
      }),
      { numRuns: 3000 },
    );
  });
});
