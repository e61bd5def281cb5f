import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatDiagnostic, loadFile, loadText } from '../src/index.js';

const Item = z.object({ id: z.number().int(), name: z.string() }).strict();
const Doc = z.object({ items: z.array(Item) }).strict();

describe('loader hardening', () => {
  it('never throws: any text gives a value or diagnostics with a code and message', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('x.yaml', 'x.json'), (text, file) => {
        const r = loadText(text, { file, schema: Doc });
        expect(r.value !== undefined || r.errors.length > 0).toBe(true);
        for (const d of r.errors) {
          expect(d.code).toMatch(/^E_[A-Z_]+$/);
          expect(d.message.length).toBeGreaterThan(0);
          expect(formatDiagnostic(d)).toContain(file);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('never throws on YAML-like text built from its punctuation', () => {
    const token = fc.constantFrom(
      'a',
      ':',
      ' ',
      '\n',
      '\t',
      '-',
      '&x',
      '*x',
      '[',
      ']',
      '{',
      '}',
      '"',
      "'",
      '#',
      '|',
      '>',
      '!!str',
      '---',
      '? ',
      ',',
      '1',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (parts) => {
        const r = loadText(parts.join(''), { file: 'x.yaml' });
        expect(r.value !== undefined || r.errors.length > 0).toBe(true);
        for (const d of r.errors) expect(d.line === undefined || d.line >= 1).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any valid document and accepts it', () => {
    const items = fc.array(fc.record({ id: fc.integer(), name: fc.string({ maxLength: 20 }) }), { maxLength: 10 });
    fc.assert(
      fc.property(items, (list) => {
        const r = loadText(JSON.stringify({ items: list }, null, 2), { file: 'x.json', schema: Doc });
        expect(r.errors).toEqual([]);
        expect(r.value).toEqual({ items: list });
      }),
      { numRuns: 200 },
    );
  });

  it('reports a duplicate key at the duplicate, with a hint', () => {
    const r = loadText('items:\n  - id: 1\n    name: a\n    id: 2\n', { file: 'd.yaml', schema: Doc });
    expect(r.errors[0]).toMatchObject({ code: 'E_PARSE', line: 4, column: 5 });
    expect(r.errors[0]?.hint).toMatch(/each key may appear once/);
  });

  it('reports keys that name the same property (`1` and "1") as duplicates on every path, never keeping one', () => {
    const text = 'gates:\n  1: one\n  "1": two\n';
    for (const options of [{}, { fastAbove: 1 }, { lowMemoryAbove: 1 }]) {
      const r = loadText(text, { file: 'q.yaml', ...options });
      expect(r.value).toBeUndefined();
      expect(r.errors[0]).toMatchObject({ code: 'E_PARSE', line: 3 });
    }
    expect(loadText('a: 1\n"b": 2\nc: {1: x, 2: y}\n', { file: 'q.yaml' }).errors).toEqual([]);
  });

  it('reports tab indentation with a hint about spaces', () => {
    const r = loadText('items:\n\t- id: 1\n', { file: 't.yaml' });
    expect(r.errors[0]).toMatchObject({ code: 'E_PARSE', line: 2 });
    expect(formatDiagnostic(r.errors[0]!)).toMatch(/^t\.yaml:2:\d+: /);
  });

  it('expands anchors and aliases, including merge-free reuse of lists', () => {
    const r = loadText('base: &b\n  id: 1\n  name: x\nitems:\n  - *b\n  - *b\n', {
      schema: z.object({ base: Item, items: z.array(Item) }),
    });
    expect(r.errors).toEqual([]);
    expect(r.value?.items).toEqual([
      { id: 1, name: 'x' },
      { id: 1, name: 'x' },
    ]);
  });

  it('rejects an alias to an undefined anchor at its position', () => {
    const r = loadText('a: 1\nb: *missing\n', { file: 'a.yaml' });
    expect(r.errors[0]).toMatchObject({ code: 'E_PARSE', line: 2 });
  });

  it('refuses a billion-laughs document instead of expanding it', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(',')}]`,
      );
    const r = loadText(lines.join('\n'), { file: 'lol.yaml' });
    expect(r.value).toBeUndefined();
    expect(r.errors[0]?.code).toBe('E_PARSE');
  });

  it('ends on a node that holds itself (`&a [*a]`) when a -0 is read, on the guarded and the low-memory path', () => {
    const started = Date.now();
    const small = loadText('zero: -0\nloop: &a [1, *a]\n', { file: 'loop.yaml' });
    expect(small.errors).toEqual([]);
    expect((small.value as { zero: number }).zero).toBe(0);
    const big = loadText('zero: -0\nloop: &a [1, *a]\n', { file: 'loop.yaml', lowMemoryAbove: 8 });
    expect(big.errors).toEqual([]);
    expect(Object.is((big.value as { zero: number }).zero, 0)).toBe(true);
    // A shared node is walked once: a billion laughs read by the low-memory path (which expands no alias) ends fast.
    const lines = ['z: -0', 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array(10)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(',')}]`,
      );
    expect(loadText(lines.join('\n'), { file: 'lol.yaml', lowMemoryAbove: 8 }).errors).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 20_000);

  it('reports several documents in one file as a parse error', () => {
    const r = loadText('a: 1\n---\nb: 2\n', { file: 'm.yaml' });
    expect(r.errors[0]).toMatchObject({ code: 'E_PARSE', line: 2 });
  });

  it('refuses input over maxBytes without parsing it', () => {
    const r = loadText('a: 1\n'.repeat(100), { maxBytes: 100 });
    expect(r.errors[0]?.code).toBe('E_TOO_LARGE');
  });

  it('returns a missing file as E_FILE_NOT_FOUND, not a throw', async () => {
    const r = await loadFile('/nonexistent/dir/x.yaml');
    expect(r.errors[0]?.code).toBe('E_FILE_NOT_FOUND');
  });

  it('loads big YAML through the low-memory path and keeps parse positions (threshold lowered; 50 MB is in the benchmark)', () => {
    const parts = ['items:\n'];
    for (let i = 0; i < 5_000; i++) parts.push(`  - id: ${i}\n    name: item ${i}\n`);
    const text = parts.join('');
    const lowMemoryAbove = 1024;
    const good = loadText(text, { file: 'big.yaml', schema: Doc, lowMemoryAbove });
    expect(good.errors).toEqual([]);
    expect(good.value?.items).toHaveLength(5_000);
    const broken = loadText(`${text}  - id: 1\n    id: 2\n`, { file: 'big.yaml', lowMemoryAbove });
    expect(broken.errors[0]).toMatchObject({ code: 'E_PARSE', line: 10_003 });
    const invalid = loadText(text.replace('name: item 7\n', 'name: 7\n'), {
      file: 'big.yaml',
      schema: Doc,
      lowMemoryAbove,
    });
    expect(invalid.errors[0]).toMatchObject({ code: 'E_SCHEMA', path: ['items', 7, 'name'] });
    expect(invalid.errors[0]?.line).toBeUndefined();
  });

  it('uses the low-memory parsers above 4 MB by default', () => {
    const text = `items:\n${'  - id: 1\n    name: x\n'.repeat(200_000)}`;
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
    const r = loadText(text.replace('name: x', 'name: 1'), { file: 'big.yaml', schema: Doc });
    // Only the low-memory path loses the line of a schema error.
    expect(r.errors[0]).toMatchObject({ code: 'E_SCHEMA', path: ['items', 0, 'name'] });
    expect(r.errors[0]?.line).toBeUndefined();
  }, 120_000);

  it('caps the number of schema diagnostics of a broken big input', () => {
    const text = JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ id: `x${i}`, name: 'n' })) });
    const r = loadText(text, { file: 'many.json', schema: Doc });
    expect(r.errors).toHaveLength(501);
    expect(r.errors[500]?.message).toMatch(/1500 more schema errors/);
  });
});

describe('schema hints', () => {
  it('says a field is required only when it is missing', () => {
    const missing = loadText('items:\n  - id: 1\n', { file: 'h.yaml', schema: Doc });
    expect(missing.errors[0]).toMatchObject({ path: ['items', 0, 'name'], hint: 'this field is required' });
    const wrong = loadText('items:\n  - id: 1\n    name: 2\n', { file: 'h.yaml', schema: Doc });
    expect(wrong.errors[0]).toMatchObject({ line: 3, column: 11, path: ['items', 0, 'name'] });
    expect(wrong.errors[0]?.hint).toBeUndefined();
  });
});
