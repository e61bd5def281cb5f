import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atomizeSource, decodeSource, type AtomizedFileRecord } from '../src/index.js';

/** Every line 1..N of the file is in exactly one atom, in order. */
function expectPartition(r: AtomizedFileRecord, text: string): void {
  const lines = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  let next = 1;
  for (const a of r.atoms) {
    expect(a.startLine).toBe(next);
    expect(a.endLine).toBeGreaterThanOrEqual(a.startLine);
    next = a.endLine + 1;
  }
  expect(next - 1).toBe(lines);
}

const jsPieces = [
  'function f(a) {',
  '}',
  'if (a) {',
  'else {',
  'const x = a ?? b;',
  'class C {',
  'm() { return 1 }',
  'x = () => {',
  '// comment',
  '/* c',
  '*/',
  '`t',
  '${a}`',
  "'s'",
  'import a from "b";',
  'for (const k of a) {',
  ')',
  '(',
  '',
  '  ',
  'return a?.b;',
  'static {',
  '<div>{a}</div>',
];
const pyPieces = [
  'def f(a):',
  '    if a:',
  '        return 1',
  '    else:',
  'class C:',
  '    def m(self):',
  '        pass',
  'import os',
  'from a import b',
  '# comment',
  '"""doc',
  '"""',
  'x = [i for i in a if i]',
  'try:',
  'except E as e:',
  '    lambda x: x',
  '',
  '\t',
  'while a and b:',
  'match a:',
  '    case _:',
];

function program(pieces: string[]) {
  return fc
    .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 8 })), { maxLength: 40 })
    .map((ls) => ls.join('\n'));
}

describe('no input throws, and atoms always cover every line exactly once', () => {
  for (const [lang, path, pieces] of [
    ['typescript', 'p.tsx', jsPieces],
    ['python', 'p.py', pyPieces],
  ] as const) {
    it(`${lang}: structured noise`, async () => {
      await fc.assert(
        fc.asyncProperty(program([...pieces]), async (text) => {
          const r = (await atomizeSource(text, path)) as AtomizedFileRecord;
          expectPartition(r, text);
          for (const a of r.atoms) expect(a.atomicity.score).toBeGreaterThanOrEqual(0);
        }),
        { numRuns: 60 },
      );
    });
    it(`${lang}: arbitrary unicode`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (text) => {
          const r = (await atomizeSource(text, path)) as AtomizedFileRecord;
          expectPartition(r, text);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('arbitrary bytes: binary is skipped, invalid UTF-8 decodes with a warning', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const d = decodeSource(bytes, 'b.js');
        if ('reason' in d) {
          expect(bytes.includes(0)).toBe(true);
          return;
        }
        const r = (await atomizeSource(d.text, 'b.js')) as AtomizedFileRecord;
        expectPartition(r, d.text);
      }),
      { numRuns: 80 },
    );
    const bad = decodeSource(new Uint8Array([0x66, 0x28, 0xff, 0xfe, 0x29]), 'bad.js');
    expect('warnings' in bad && bad.warnings[0]?.message).toMatch(/not valid UTF-8/);
  });

  it('empty files have no atoms', async () => {
    for (const p of ['e.ts', 'e.py']) expect(((await atomizeSource('', p)) as AtomizedFileRecord).atoms).toEqual([]);
  });

  it('deep nesting does not throw (parsers may give up, with a diagnostic)', async () => {
    for (const [p, text] of [
      ['d.js', `${'('.repeat(20000)}1${')'.repeat(20000)}`],
      ['d.js', `${'{'.repeat(5000)}`],
      ['d.py', `x = ${'['.repeat(5000)}${']'.repeat(5000)}`],
      ['d.ts', `${'if (a) '.repeat(3000)}f();`],
    ] as const) {
      const r = (await atomizeSource(text, p)) as AtomizedFileRecord;
      expectPartition(r, text);
    }
  });

  it('a minified one-line file is one line of atoms', async () => {
    const text = Array.from({ length: 2000 }, (_, i) => `function f${i}(a){return a&&a.b||${i}}`).join(';');
    const r = (await atomizeSource(text, 'min.js')) as AtomizedFileRecord;
    expect(r.functions).toHaveLength(2000);
    expect(r.atoms).toHaveLength(1);
    expect(r.functions.every((f) => f.complexity === 3)).toBe(true);
  });

  it('syntax errors still yield what parsed, with line and column', async () => {
    const ts = (await atomizeSource(
      'function ok(a) { return a ? 1 : 2 }\nfunction broken( {\n',
      'e.ts',
    )) as AtomizedFileRecord;
    expect(ts.functions.find((f) => f.name === 'ok')?.complexity).toBe(2);
    expect(ts.diagnostics[0]).toMatchObject({
      code: 'E_ATOMIZE_SYNTAX',
      line: expect.any(Number),
      column: expect.any(Number),
    });
    const py = (await atomizeSource(
      'def ok(a):\n    if a:\n        return 1\n\ndef broken(:\n    pass\n',
      'e.py',
    )) as AtomizedFileRecord;
    expect(py.functions.find((f) => f.name === 'ok')?.complexity).toBe(2);
    expect(py.diagnostics.length).toBeGreaterThan(0);
  });
});

describe('decomposition invariants on generated programs', () => {
  // Functions of random length made of declarations, updates, branches and loops over a few locals.
  const statement = fc.constantFrom(
    'a += 1;',
    'b = a * 2;',
    'if (a > b) {\n    b = a;\n  }',
    'for (const i of [a, b]) {\n    a += i;\n    if (i > 3) {\n      b -= i;\n    }\n  }',
    'console.log(a, b);',
    'const c = a + b;\n  b = c;',
    'try {\n    a = JSON.parse(String(b));\n  } catch (err) {\n    b = String(err).length;\n  }',
  );
  const fn = fc
    .tuple(fc.array(statement, { minLength: 0, maxLength: 14 }), fc.boolean())
    .map(([body, typed]) => ({ body, typed }));
  const programOf = (fns: { body: string[]; typed: boolean }[]) =>
    fns
      .map(
        (f, i) =>
          `export function f${i}(x${f.typed ? ': number' : ''}) {\n  let a = x;\n  let b = 0;\n  ${f.body.join('\n  ')}\n  return a + b;\n}\n`,
      )
      .join('\n');

  it('a function within the size limit is one atom; longer ones split into atoms within the limit; links stay in the file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fn, { minLength: 1, maxLength: 6 }), async (fns) => {
        const text = programOf(fns);
        const r = (await atomizeSource(text, 'gen.ts')) as AtomizedFileRecord;
        expectPartition(r, text);
        const ids = new Set(r.atoms.map((a) => a.id));
        for (const f of r.functions) {
          const inside = r.atoms.filter((a) => a.startLine <= f.endLine && a.endLine >= f.startLine);
          if (f.loc <= 15) expect(inside.some((a) => a.name === f.name && a.kind === 'function')).toBe(true);
        }
        for (const a of r.atoms) {
          if (a.loc > 15) expect(a.atomicity.violations.find((v) => v.criterion === 'size')?.message).toMatch(/:/);
          expect(a.dependsOn.every((d) => ids.has(d) && d !== a.id)).toBe(true);
          expect(a.context.dependencies.map((d) => d.id)).toEqual(a.dependsOn);
          expect(a.context.unresolved).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
