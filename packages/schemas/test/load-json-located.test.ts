// JSON problems JSON.parse hides or does not locate: a repeated key in big JSON (JSON.parse keeps the last
// value; smaller JSON goes through the YAML path, which reports it) and input that ends early.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadText } from '../src/index.js';
import { repeatedJsonKey } from '../src/load/json-keys.js';

describe('a repeated key in JSON', () => {
  it('is E_PARSE at the repeated key on the low-memory path too, as on the YAML path', () => {
    const text = '{"a": 1,\n "list": [{"k": 1, "j": "k", "k": 2}]}';
    for (const lowMemoryAbove of [1 << 20, 8]) {
      const r = loadText(text, { file: 'x.json', lowMemoryAbove });
      expect(r.value).toBeUndefined();
      expect(r.errors[0]).toMatchObject({
        code: 'E_PARSE',
        file: 'x.json',
        line: 2,
        column: 30,
        message: 'Map keys must be unique: "k" appears more than once',
      });
    }
  });

  it('keys compare as JSON.parse decodes them (escapes), per object, at any depth', () => {
    expect(repeatedJsonKey('{"a":1,"\\u0061":2}')).toEqual({ key: 'a', offset: 7 });
    expect(repeatedJsonKey('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"a\\"","d":"\\\\"}')).toBeUndefined();
    expect(repeatedJsonKey('[{"x":"{","y":"}","x":0}]')).toEqual({ key: 'x', offset: 18 });
    // Many keys (a Set past a few dozen).
    const many = Array.from({ length: 100 }, (_, i) => `"k${i}":${i}`);
    expect(repeatedJsonKey(`{${many.join(',')}}`)).toBeUndefined();
    expect(repeatedJsonKey(`{${many.join(',')},"k7":0}`)?.key).toBe('k7');
  });

  it('finds a repeat exactly when the parsed object has fewer keys than the text', () => {
    const keyed = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'é', 'a"', '\\'), fc.integer()), { maxLength: 6 });
    fc.assert(
      fc.property(fc.array(keyed, { minLength: 1, maxLength: 4 }), (objects) => {
        const text = `[${objects.map((o) => `{${o.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`).join(',')}]`;
        const parsed = JSON.parse(text) as Record<string, number>[];
        const repeats = parsed.some((p, i) => Object.keys(p).length < objects[i]!.length);
        expect(repeatedJsonKey(text) !== undefined).toBe(repeats);
      }),
    );
  });
});

describe('JSON that ends early', () => {
  it('is located at its last character, on both JSON paths', () => {
    const text = '{"nodes":[{"id":"a"}],\n "edges":[\n';
    for (const lowMemoryAbove of [1 << 20, 8]) {
      const r = loadText(text, { file: 't.json', lowMemoryAbove });
      expect(r.errors[0]).toMatchObject({ code: 'E_PARSE', file: 't.json', line: 2, column: 10 });
      expect(r.errors[0]!.message).toContain('Unexpected end of JSON input');
    }
    expect(loadText('', { file: 'e.json' }).errors[0]).toMatchObject({ code: 'E_PARSE', line: 1, column: 1 });
  });
});
