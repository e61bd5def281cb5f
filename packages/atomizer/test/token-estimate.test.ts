import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atomContext, atomizeSource, estimateTokens, type AtomizedFileRecord } from '../src/index.js';

const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
const latin1 = fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCodePoint(c));
const cjk = fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c));
const emoji = fc.integer({ min: 0x1f300, max: 0x1faff }).map((c) => String.fromCodePoint(c));
const mixed = fc.array(fc.oneof(ascii, latin1, cjk, emoji), { maxLength: 40 }).map((xs) => xs.join(''));

/** ASCII characters and the UTF-8 bytes of every other character of `text`. */
function census(text: string): { ascii: number; otherChars: number; otherBytes: number } {
  let asciiChars = 0;
  let otherChars = 0;
  let otherBytes = 0;
  for (const ch of text) {
    if (ch.codePointAt(0)! < 0x80) asciiChars++;
    else {
      otherChars++;
      otherBytes += Buffer.byteLength(ch);
    }
  }
  return { ascii: asciiChars, otherChars, otherBytes };
}

describe('estimateTokens', () => {
  it('keeps characters / 4 for pure ASCII', () => {
    fc.assert(fc.property(ascii, (s) => estimateTokens(s) === Math.ceil(s.length / 4)));
  });

  it('never counts less than a token per non-ASCII character, nor less than UTF-8 bytes / 4', () => {
    // Byte-level BPE tokenizers (cl100k, o200k) spend at least about one token on a CJK character
    // and rarely merge non-Latin characters into long tokens; an emoji takes 4 bytes and 2–3 tokens.
    // The UTF-8 bound is the weakest claim: no tokenizer of that family packs more than 4 bytes of
    // non-ASCII text into a token on average.
    fc.assert(
      fc.property(mixed, (s) => {
        const c = census(s);
        const estimate = estimateTokens(s);
        return estimate >= Math.ceil(c.ascii / 4) + c.otherChars && estimate >= Math.ceil((c.ascii + c.otherBytes) / 4);
      }),
      { seed: 20261207, numRuns: 500 },
    );
  });

  it('counts CJK one token a character and emoji two', () => {
    expect(estimateTokens('这个函数计算')).toBe(6);
    expect(estimateTokens('🦄🦄')).toBe(4);
    expect(estimateTokens('café')).toBe(2);
    // A lone surrogate is one character.
    expect(estimateTokens('\ud83e')).toBe(1);
  });
});

describe('atom context budget with non-ASCII text', () => {
  const COMMENT = '这个函数计算用户的总余额并且检查所有账户的状态是否有效。'.repeat(8);
  const SOURCE = `export function total(values: number[]): number {
  // ${COMMENT}
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}
`;

  it('says a context with a long CJK comment is over a budget it exceeds', async () => {
    const file = (await atomizeSource(SOURCE, 'src/calc.ts')) as AtomizedFileRecord;
    const atom = file.atoms[0]!;
    const view = atomContext(atom.id, { files: [file], budget: 150 });
    // The comment alone is 224 CJK characters: at least 224 tokens however it is tokenized.
    expect(view.tokens).toBeGreaterThanOrEqual([...COMMENT].length);
    expect(view.overBudget).toBe(true);
    const roomy = atomContext(atom.id, { files: [file], budget: 400 });
    expect(roomy.overBudget).toBe(false);
    expect(roomy.tokens).toBeLessThanOrEqual(400);
  });
});
