import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFiles, normalize, PRESETS } from '../src/index.js';
import { yamlValues as valueOf } from './helpers/yaml-oracle.js';

const sameByNormalizer = (a: string, b: string) => normalize(a, PRESETS.yaml).text === normalize(b, PRESETS.yaml).text;

/** How a block scalar is owned: its header's prefix, the content's indentation, what may follow it. */
const OWNERS = [
  { prefix: 'note: ', indent: 2, next: 'next: 1' },
  { prefix: '- ', indent: 2, next: '- 1' },
  { prefix: 'a:\n  note: ', indent: 4, next: '  next: 1' },
  { prefix: '- k: ', indent: 4, next: '  j: 1' },
  { prefix: '--- ', indent: 0, next: '---\nnext: 1' },
];

const contentLine = fc.oneof(
  fc.constantFrom('x', 'x  ', 'y z', ' deeper', '# hash'),
  fc.integer({ min: 0, max: 6 }).map((n) => ' '.repeat(n) + '\u0000'), // a blank or spaces-only line, sized below
);
/** One side's layout after the content: trailing blank or spaces-only lines, a final newline, what follows. */
const tail = fc.record({
  lines: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
  finalNewline: fc.boolean(),
});
const doc = fc.record({
  owner: fc.integer({ min: 0, max: OWNERS.length - 1 }),
  style: fc.constantFrom('|', '>'),
  chomp: fc.constantFrom('', '-', '+'),
  explicit: fc.boolean(),
  content: fc.array(contentLine, { minLength: 1, maxLength: 4 }),
  /** What follows the scalar on both sides: nothing, the owner's next entry, or a comment at column 0. */
  follows: fc.constantFrom('', 'next', '# a comment'),
  left: tail,
  right: tail,
});

type Doc = typeof doc extends fc.Arbitrary<infer T> ? T : never;

function render(d: Doc, side: 'left' | 'right'): string {
  const owner = OWNERS[d.owner]!;
  const pad = ' '.repeat(owner.indent);
  // an indentation indicator is relative to the owner's indentation: 2 below a key or `-`, at the root 1 (lines keep one space)
  const indicator = d.explicit ? (owner.indent === 0 ? '1' : '2') : '';
  const base = owner.indent === 0 && d.explicit ? ' ' : pad;
  const body = d.content.map((line) =>
    line.endsWith('\u0000') ? ' '.repeat(line.length - 1) : `${base}${line}`.replace(/^ +# hash/, `${base}x # hash`),
  );
  const t = d[side];
  const lines = [`${owner.prefix}${d.style}${indicator}${d.chomp}`, ...body, ...t.lines.map((n) => ' '.repeat(n))];
  if (d.follows === 'next') lines.push(owner.next);
  else if (d.follows) lines.push(owner.indent === 0 ? `---\n${d.follows}` : d.follows);
  return lines.join('\n') + (t.finalNewline ? '\n' : '');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-parity-yaml-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let files = 0;
async function compareYaml(left: string, right: string) {
  const [a, b] = [join(dir, `${++files}-a.yaml`), join(dir, `${files}-b.yaml`)];
  await Promise.all([writeFile(a, left), writeFile(b, right)]);
  return compareFiles(a, b);
}

describe('YAML block scalars: the empty lines after the last text line', () => {
  it.each([
    ['`|+` ending in a spaces-only line without a line break', 'note: |+\n  x\n  ', 'note: |+\n  x\n'],
    ['`|+` with a blank line, then spaces without a line break', 'note: |+\n  x\n\n  ', 'note: |+\n  x\n\n'],
    [
      '`|+` with spaces on its kept lines before the next key',
      'note: |+\n  x\n  \n \nnext: 1\n',
      'note: |+\n  x\n\n\nnext: 1\n',
    ],
    ['`|2` (explicit indentation) ending in a line of its indentation', 'note: |2\n  x\n  \n', 'note: |2\n  x\n'],
    [
      '`|2-` under a nested key, empty lines before the next key',
      'a:\n  note: |2-\n    x\n    \n\n\n  next: 1\n',
      'a:\n  note: |2-\n    x\n\n  next: 1\n',
    ],
    ['`>` (clip) with blank lines before a comment', 'note: >\n  x\n\n\n# end\n', 'note: >\n  x\n\n# end\n'],
  ])('%s: equivalent, as the `yaml` parser reads them', async (_name, left, right) => {
    expect(valueOf(left)).toEqual(valueOf(right));
    expect((await compareYaml(left, right)).kind).toBe('equivalent');
  });

  it.each([
    ['`|+` keeps its blank lines', 'note: |+\n  x\n\n  ', 'note: |+\n  x\n'],
    ['`|+` keeps its blank lines before the next key', 'note: |+\n  x\n\n\nnext: 1\n', 'note: |+\n  x\n\nnext: 1\n'],
    ["a line deeper than `|2`'s indentation is text", 'note: |2\n  x\n   \n', 'note: |2\n  x\n'],
    [
      'a line deeper than the content is text',
      'a:\n  note: |\n    x\n      \n  next: 1\n',
      'a:\n  note: |\n    x\n\n  next: 1\n',
    ],
  ])('%s: different', async (_name, left, right) => {
    expect(valueOf(left)).not.toEqual(valueOf(right));
    expect((await compareYaml(left, right)).kind).toBe('different');
  });
});

describe('YAML block scalars: the normalizer against the `yaml` parser', () => {
  it('property: every pair the YAML preset calls equal has equal values (and the missed ones are counted)', () => {
    let equalByOracle = 0;
    let missed = 0;
    let separatorOnly = 0;
    fc.assert(
      fc.property(doc, (d) => {
        const a = render(d, 'left');
        const b = render(d, 'right');
        const va = valueOf(a);
        const vb = valueOf(b);
        if (va === undefined && vb === undefined) return; // no value to judge by (one invalid side is judged)
        const same = va !== undefined && vb !== undefined && isDeepStrictEqual(va, vb);
        const normalizedSame = sameByNormalizer(a, b);
        if (normalizedSame) expect({ a, b, same }).toEqual({ a, b, same: true });
        if (same) {
          equalByOracle++;
          if (!normalizedSame) {
            missed++;
            const [na, nb] = [a, b].map((t) => normalize(t, PRESETS.yaml).text.replace(/\n+/g, '\n'));
            if (na === nb) separatorOnly++; // a blank line between entries: layout kept as anywhere else
          }
        }
      }),
      { numRuns: 4000, seed: 20261207 },
    );
    console.log(
      `equal by the yaml oracle: ${equalByOracle}; called different by the normalizer: ${missed} (${separatorOnly} only by a blank line)`,
    );
    // before the empty lines after a block scalar's text were normalized, 1108 of 1431 were missed here
    expect(missed).toBeLessThan(equalByOracle / 2);
  });
});
