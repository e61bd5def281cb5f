import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripBodyOpen } from '../src/atoms/signatures.js';
import { atomizeSource, type AtomizedFileRecord } from '../src/index.js';

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

// A signature cut after three lines lost the rest of the parameters and the return type: the agent
// regenerating a caller saw `def area(`, `shape: Shape,`, `*,`, `…` and had to guess `rounding` and `-> float`.
describe('signatures in an atom context', () => {
  const PY = `def area(
    shape,
    *,
    rounding: int = 2,
    clamp: bool = False,
) -> float:
    return round(shape, rounding)


def report(shapes):
    return [area(s, rounding=3) for s in shapes]
`;
  const TS = `export function many(
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  g: number,
  h: number,
): Promise<number> {
  return Promise.resolve(a + b + c + d + e + f + g + h);
}

export const total = () => many(1, 2, 3, 4, 5, 6, 7, 8);
`;

  it('keep a prettier-style parameter list whole, and the return type when cut', async () => {
    const py = (await atomizeSource(PY, 'area.py')) as AtomizedFileRecord;
    const caller = py.atoms.find((a) => a.code.includes('def report'))!;
    expect(caller.context.dependencies.map((d) => d.signature)).toEqual([
      'def area(\n    shape,\n    *,\n    rounding: int = 2,\n    clamp: bool = False,\n) -> float:',
    ]);
    const ts = (await atomizeSource(TS, 'many.ts')) as AtomizedFileRecord;
    const user = ts.atoms.find((a) => a.code.includes('export const total'))!;
    const [signature] = user.context.dependencies.map((d) => d.signature);
    expect(signature!.split('\n')).toHaveLength(9); // 8 lines of code and the …
    expect(signature).toMatch(/^export function many\(\n {2}a: number,\n[\s\S]*\n…\n\): Promise<number>$/);
  });
});
