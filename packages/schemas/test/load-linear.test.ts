import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { loadText } from '../src/index.js';

const flatYaml = (keys: number): string => {
  const parts: string[] = [];
  for (let i = 0; i < keys; i++) parts.push(`k${i}: v${i}\n`);
  return parts.join('');
};

/** CPU milliseconds of `fn`, best of five after a warm-up (CPU time is what load on a shared machine disturbs least). */
function cpuMs(fn: () => void): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

describe('loader cost is linear in the number of keys', () => {
  // Linear: 4x the keys costs ~4x; quadratic costs ~16x (the duplicate-key check this replaces: 30k keys 5.6 s,
  // 100k keys 79 s). A bound of 10x separates the two with room for GC and a loaded machine.
  it.each([
    ['the fast path (default above 256 KiB), 25,000 → 100,000 keys (1.4 MB)', {}, 25_000],
    ['the position-keeping path, 10,000 → 40,000 keys', { fastAbove: Number.POSITIVE_INFINITY }, 10_000],
  ] as const)(
    '%s',
    (_name, options, keys) => {
      const small = flatYaml(keys);
      const large = flatYaml(keys * 4);
      const ratio =
        cpuMs(() => loadText(large, { file: 'k.yaml', ...options })) /
        cpuMs(() => loadText(small, { file: 'k.yaml', ...options }));
      expect(ratio).toBeLessThan(10);
      expect(Object.keys(loadText(large, { file: 'k.yaml', ...options }).value as object)).toHaveLength(keys * 4);
    },
    120_000,
  );

  it('still finds a duplicate key among 20,000, at the duplicate', () => {
    const text = `${flatYaml(20_000)}k5: again\n`;
    for (const fastAbove of [0, Number.POSITIVE_INFINITY]) {
      const r = loadText(text, { file: 'k.yaml', fastAbove });
      expect(r.errors[0]).toMatchObject({ code: 'E_PARSE', line: 20_001, column: 1 });
      expect(r.errors[0]?.hint).toMatch(/each key may appear once/);
    }
  });

  it('locates a schema error in a big document (positions are built on demand)', () => {
    const text = `${flatYaml(50_000)}bad: 12\n`;
    const schema = z.record(z.string(), z.string());
    const r = loadText(text, { file: 'k.yaml', schema });
    expect(r.errors[0]).toMatchObject({ code: 'E_SCHEMA', path: ['bad'], line: 50_001, column: 6 });
  });

  it('keeps timestamps and YAML 1.1 words as the YAML 1.2 core schema reads them, on every path', () => {
    const text = 'created: 2026-01-02\nflag: yes\noctal: 0o17\nempty:\n';
    const values = [1, Number.POSITIVE_INFINITY].map(
      (fastAbove) => loadText(text, { file: 'x.yaml', fastAbove, lowMemoryAbove: 10_000 }).value,
    );
    values.push(loadText(text, { file: 'x.yaml', lowMemoryAbove: 1 }).value);
    for (const value of values) expect(value).toEqual({ created: '2026-01-02', flag: 'yes', octal: 15, empty: null });
  });

  it('reads -0 as 0 on every path (js-yaml says 0 for the integer, the YAML library and JSON.parse -0)', () => {
    for (const [text, file] of [
      ['a: -0\nb: [-0, -0.0]\nc: {d: -0}\n', 'x.yaml'],
      ['{"a": -0, "b": [-0, -0.0], "c": {"d": -0}}', 'x.json'],
    ] as const)
      for (const opts of [{ fastAbove: 0 }, { fastAbove: Number.POSITIVE_INFINITY }, { lowMemoryAbove: 1 }]) {
        const value = loadText(text, { file, ...opts }).value as { a: number; b: number[]; c: { d: number } };
        for (const n of [value.a, ...value.b, value.c.d])
          expect(Object.is(n, 0), `${file} ${JSON.stringify(opts)}`).toBe(true);
      }
  });

  it('property: the fast path reads every document exactly as the position-keeping path does', () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const doc = fc.dictionary(
      fc.string({ minLength: 1 }),
      fc.jsonValue().chain(() => fc.oneof(scalar, fc.array(scalar))),
    );
    fc.assert(
      fc.property(doc, fc.constantFrom('yaml', 'json'), (value, format) => {
        const text = format === 'json' ? JSON.stringify(value, null, 1) : stringify(value);
        const fast = loadText(text, { file: `x.${format}`, fastAbove: 0 });
        const full = loadText(text, { file: `x.${format}`, fastAbove: Number.POSITIVE_INFINITY });
        expect(fast.errors).toEqual(full.errors);
        expect(fast.value).toEqual(full.value);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
