import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { diagnosticAt, loadText } from '../src/index.js';

describe('diagnosticAt', () => {
  it("locates a check's finding at the value's file:line:col, an error unless told otherwise", () => {
    const text = 'name: demo\nitems:\n  - a\n  - b\n';
    const r = loadText<{ name: string; items: string[] }>(text, {
      file: 'demo.yaml',
      schema: z.object({ name: z.string(), items: z.array(z.string()) }),
      check: (value, ctx) => [
        diagnosticAt(ctx, ['items', 1], {
          code: 'E_SCHEMA',
          message: `"${value.items[1]}" is taken`,
          hint: 'rename it',
        }),
        diagnosticAt(ctx, ['name'], { code: 'W_CONFIG', severity: 'warning', message: 'a demo name' }),
      ],
    });
    expect(r.errors).toEqual([
      {
        code: 'E_SCHEMA',
        severity: 'error',
        file: 'demo.yaml',
        line: 4,
        column: 5,
        path: ['items', 1],
        message: '"b" is taken',
        hint: 'rename it',
      },
    ]);
    expect(r.warnings).toEqual([
      {
        code: 'W_CONFIG',
        severity: 'warning',
        file: 'demo.yaml',
        line: 1,
        column: 7,
        path: ['name'],
        message: 'a demo name',
      },
    ]);
    expect(Object.keys(r.warnings[0]!)).not.toContain('hint');
  });
});
