// Where JSON that is not JSON goes wrong. Node 20's JSON.parse gives no position for an unexpected token
// (`Unexpected token '}', "…" is not valid JSON`): the loader scans the text for it instead of saying 1:1.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadText } from '../src/index.js';
import { jsonSyntaxErrorOffset } from '../src/load/json-syntax.js';

/** Line and column (1-based) of `offset`, counted here independently of the loader. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

function parseError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const BOTH_JSON_PATHS = [1 << 20, 0];

describe('JSON.parse errors without a position', () => {
  it('are located at the unexpected token, on one line and across lines, on both JSON paths', () => {
    const cases: [string, number, number][] = [
      ['{"nodes":[{"id":"a"}],"edges":[}]}\n', 1, 32],
      ['{\n  "nodes": [\n    {"id": "a"}\n  ],\n  "edges": [,]\n}\n', 5, 13],
      // The snippet V8 quotes (`[1, 2,]`-like) occurs earlier too: the first error is still the one found.
      ['{\n "a": [1, 2],\n "b": [1, 2,]\n}', 3, 13],
      ['[tru]', 1, 5],
      ['  ]', 1, 3],
    ];
    for (const [text, line, column] of cases) {
      expect(parseError(text)).toMatch(/^Unexpected token/);
      for (const lowMemoryAbove of BOTH_JSON_PATHS) {
        const r = loadText(text, { file: 'broken.json', lowMemoryAbove });
        expect(r.errors[0], text).toMatchObject({ code: 'E_PARSE', file: 'broken.json', line, column });
      }
    }
  });

  it('one corruption of valid JSON is reported where JSON.parse fails, at or after the corruption', () => {
    const corruption = fc.constantFrom('}', ']', ',', ':', '{', '[', '"', 'x', '1', '-', '.', 'e', '\\', '\n', 't');
    const document = fc
      .tuple(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(0, 1, 2))
      .map(([value, indent]) => JSON.stringify(value, null, indent));
    fc.assert(
      fc.property(document, fc.nat(), corruption, (valid, at, inserted) => {
        const k = at % (valid.length + 1);
        const text = valid.slice(0, k) + inserted + valid.slice(k);
        const message = parseError(text);
        const offset = jsonSyntaxErrorOffset(text);
        // The scan and JSON.parse agree on what is JSON.
        expect(offset === undefined).toBe(message === undefined);
        if (message === undefined || offset === undefined) return;
        // Everything before the corruption is the start of a valid document: no error can be found there.
        expect(offset).toBeGreaterThanOrEqual(k);
        // Where JSON.parse says where it stopped, the scan says the same; where it names the token, it is there.
        const position = /position (\d+)/.exec(message);
        const token = /^Unexpected token '([\s\S])'/.exec(message);
        if (position) expect(offset).toBe(Number(position[1]));
        else if (token) expect(text.charAt(offset)).toBe(token[1]);
        else expect(offset).toBe(text.length);
        const expected = positionOf(text, offset < text.length ? offset : text.replace(/[ \t\r\n]+$/, '').length - 1);
        for (const lowMemoryAbove of BOTH_JSON_PATHS) {
          const r = loadText(text, { file: 'c.json', lowMemoryAbove });
          expect(r.errors[0]).toMatchObject({ code: 'E_PARSE', ...expected });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a deeply nested document is scanned without overflowing the stack', () => {
    const deep = `${'['.repeat(200_000)}}${']'.repeat(200_000)}`;
    expect(jsonSyntaxErrorOffset(deep)).toBe(200_000);
    expect(jsonSyntaxErrorOffset(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)).toBeUndefined();
  });
});
