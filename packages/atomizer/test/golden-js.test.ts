import { describe, expect, it } from 'vitest';
import { analyzeSource, type ComplexityVariant, type ParsedFile } from '../src/index.js';

async function units(code: string, variant?: ComplexityVariant, path = 'x.ts'): Promise<Record<string, number>> {
  const r = (await analyzeSource(code, path, { complexityVariant: variant })) as ParsedFile;
  return Object.fromEntries(r.functions.map((f) => [`${f.kind}:${f.name}`, f.complexity]));
}

// One golden per counting rule of ESLint 9's `complexity` (each unit starts at 1).
describe('ESLint complexity rules', () => {
  const cases: [string, string, Record<string, number>][] = [
    ['if', 'function f(a) { if (a) {} }', { 'function:f': 2 }],
    ['else if', 'function f(a, b) { if (a) {} else if (b) {} else {} }', { 'function:f': 3 }],
    [
      'for / for-in / for-of / while / do-while',
      'function f(a) { for (;;) {} for (const k in a) {} for (const v of a) {} while (a) {} do {} while (a) }',
      { 'function:f': 6 },
    ],
    [
      'case with a test (default is free)',
      'function f(a) { switch (a) { case 1: break; case 2: break; default: } }',
      { 'function:f': 3 },
    ],
    ['catch', 'function f() { try { g() } catch (e) {} finally {} }', { 'function:f': 2 }],
    ['&& || ??', 'function f(a, b, c) { return a && b || c ?? 1 }', { 'function:f': 4 }],
    ['logical assignment', 'function f(a) { a.x &&= 1; a.y ||= 2; a.z ??= 3 }', { 'function:f': 4 }],
    ['conditional expression', 'function f(a) { return a ? 1 : 2 }', { 'function:f': 2 }],
    ['optional chaining: each ?. link', 'function f(a) { return a?.b.c?.(1)?.[2] }', { 'function:f': 4 }],
    ['default parameter values', 'function f(a = 1, { b = 2 } = {}, [c = 3] = []) {}', { 'function:f': 6 }],
    [
      'defaults in destructuring assignment',
      'function f(o) { let a, b; ({ a = 1, b: b = 2 } = o); [a = 3] = o }',
      { 'function:f': 4 },
    ],
    [
      'nested functions are separate units',
      'function f(a) { if (a) {} const g = () => a && 1; }',
      { 'function:f': 2, 'arrow:g': 2 },
    ],
    [
      'class field initializers are units',
      'class C { x = this.a ?? 1; y = () => 1 }',
      { 'class-field:x': 2, 'class-field:y': 1, 'method:y': 1 },
    ],
    ['static blocks are units', 'class C { static { if (C.a) {} } }', { 'static-block:static': 2 }],
    [
      'methods, getters, setters, constructors',
      'class C { constructor(a) { if (a) {} } get v() { return this.a || 0 } set v(x) {} m() {} }',
      { 'constructor:constructor': 2, 'getter:v': 2, 'setter:v': 1, 'method:m': 1 },
    ],
    [
      'type positions count nothing',
      'type T<X> = X extends string ? 1 : 2; function f(a: T<string> | undefined): number { return 1 }',
      { 'function:f': 1 },
    ],
  ];
  for (const [name, code, expected] of cases) {
    it(name, async () => {
      expect(await units(code)).toEqual(expected);
    });
  }

  it('modified: a whole switch counts 1', async () => {
    expect(await units('function f(a) { switch (a) { case 1: case 2: case 3: break } }', 'modified')).toEqual({
      'function:f': 2,
    });
    expect(await units('function f(a) { switch (a) { case 1: case 2: case 3: break } }')).toEqual({ 'function:f': 4 });
  });

  it('classic: no optional chaining and no default values (ESLint 8)', async () => {
    expect(await units('function f(a = 1) { return a?.b ?? 2 }', 'classic')).toEqual({ 'function:f': 2 });
    expect(await units('function f(a = 1) { return a?.b ?? 2 }')).toEqual({ 'function:f': 4 });
  });

  it("names and positions are ESLint's", async () => {
    const r = (await analyzeSource(
      'const o = {\n  async *gen() {},\n  a: () => 1,\n};\nexport default function () {}\nclass K { static #p() {} }\n',
      'x.js',
    )) as ParsedFile;
    expect(r.functions.map((f) => `${f.reportLine}:${f.reportColumn} ${f.reportName}`)).toEqual([
      "2:3 Async generator method 'gen'",
      "3:3 Method 'a'",
      '5:16 Function',
      '6:11 Static private method #p',
    ]);
  });
});
