import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pyCall, pyDoc, pyImports, pyLit, wrapWords } from '../src/py-format.js';

const word = fc.stringMatching(/^[a-zA-Z'"\\]{1,12}$/);
const sentence = fc.array(word, { maxLength: 40 }).map((ws) => ws.join(' '));
const fits = (text: string) => text.split('\n').every((l) => l.length <= 100);

describe('Python formatting helpers (ruff-compatible)', () => {
  it('wrapWords keeps the text and the width', () => {
    fc.assert(
      fc.property(sentence, fc.integer({ min: 20, max: 90 }), (text, width) => {
        const chunks = wrapWords(text, width);
        expect(chunks.join('')).toBe(text);
        for (const c of chunks) expect(c.trimEnd().length <= width || !c.trim().includes(' ')).toBe(true);
        // measured by the escaped literal, as the helpers use it
        for (const c of wrapWords(text, width, (x) => pyLit(x).length))
          expect(pyLit(c.trimEnd()).length <= width || !c.trim().includes(' ')).toBe(true);
      }),
    );
  });

  it('pyCall and pyDoc never write a line over 100 columns', () => {
    fc.assert(
      fc.property(sentence, sentence, fc.constantFrom('', '    ', '        '), (a, b, indent) => {
        expect(
          fits(pyCall(indent, 'value: str | None = Field', ['default=None', ['description', a], ['title', b]])),
        ).toBe(true);
        expect(fits(`${indent}${pyDoc(a, indent)}`)).toBe(true);
      }),
    );
  });

  it('chooses quotes as ruff does and lays calls out as ruff does', () => {
    expect(pyLit('plain')).toBe('"plain"');
    expect(pyLit('say "hi"')).toBe('\'say "hi"\'');
    expect(pyLit(`it's "quoted"`)).toBe(`'it\\'s "quoted"'`);
    expect(pyLit(`it's`)).toBe(`"it's"`);
    expect(pyCall('    ', 'x: str = Field', [['description', 'short']])).toBe(
      '    x: str = Field(description="short")',
    );
    expect(
      pyCall('    ', 'a_rather_long_field_name_for_testing: str | None = Field', [
        'default=None',
        ['description', 'Something quite long here'],
      ]),
    ).toBe(
      '    a_rather_long_field_name_for_testing: str | None = Field(\n        default=None, description="Something quite long here"\n    )',
    );
  });

  it('sorts and groups imports as isort (I001) wants them', () => {
    expect(
      pyImports(
        [
          'from pydantic import Field, BaseModel',
          'import json',
          'from __future__ import annotations',
          'from typing import Any',
          'from datetime import datetime, UTC',
          'from dtos.x import X',
          'import pytest',
        ],
        ['dtos.x'],
      ),
    ).toBe(
      [
        'from __future__ import annotations',
        '',
        'import json',
        'from datetime import UTC, datetime',
        'from typing import Any',
        '',
        'import pytest',
        'from pydantic import BaseModel, Field',
        '',
        'from dtos.x import X',
      ].join('\n'),
    );
  });
});
