import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEslintStylish } from '../src/reports/index.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures/reports', name), 'utf8');

describe("ESLint's default (stylish) report", () => {
  const expected = [
    { file: 'bad.js', line: 4, col: 9, rule: null, message: 'Parsing error: Unexpected token ;', severity: 'error' },
    {
      file: 'ok.js',
      line: 1,
      col: 1,
      rule: 'no-var',
      message: 'Unexpected var, use let or const instead',
      severity: 'warning',
    },
    {
      file: 'ok.js',
      line: 2,
      col: 1,
      rule: 'no-console',
      message: 'Unexpected console statement',
      severity: 'warning',
    },
    { file: 'ok.js', line: 2, col: 15, rule: 'semi', message: 'Missing semicolon', severity: 'error' },
  ];

  it('reads a real report, with and without colours', () => {
    expect(parseEslintStylish(fixture('eslint-stylish.txt'), '/tmp/stylish')).toEqual(expected);
    expect(parseEslintStylish(fixture('eslint-stylish-color.txt'), '/tmp/stylish')).toEqual(expected);
  });

  it('reads an empty report as clean and refuses what it cannot account for', () => {
    expect(parseEslintStylish('', '/r')).toEqual([]);
    expect(() => parseEslintStylish('Oops! Something went wrong!', '/r')).toThrow(/not an ESLint stylish report/);
    // A problem line lost: the summary no longer adds up.
    const cut = fixture('eslint-stylish.txt').replace(/^ {2}2:1 .*\n/m, '');
    expect(() => parseEslintStylish(cut, '/tmp/stylish')).toThrow(/not fully understood/);
  });

  const rule = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}(\/[a-z][a-z0-9-]{0,20})?$/);
  const message = fc
    .stringMatching(/^[A-Za-z'`(][A-Za-z0-9 '`.,()]{0,40}[A-Za-z0-9.')]$/)
    .filter((m) => !/\s{2}/.test(m));
  const problem = fc.record({
    line: fc.integer({ min: 1, max: 9999 }),
    col: fc.integer({ min: 1, max: 300 }),
    severity: fc.constantFrom('error' as const, 'warning' as const),
    message,
    rule: fc.option(rule, { nil: null }),
  });

  it('reads back every report it is given in the stylish layout (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}\.ts$/), fc.array(problem, { minLength: 1, maxLength: 5 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (files) => {
          const lines: string[] = [''];
          for (const [name, ps] of files) {
            lines.push(`/w/src/${name}`);
            for (const p of ps)
              lines.push(
                `  ${`${p.line}:${p.col}`.padEnd(8)}  ${p.severity.padEnd(7)}  ${p.message}${p.rule ? `  ${p.rule}` : ''}`,
              );
            lines.push('');
          }
          const all = files.flatMap(([, ps]) => ps);
          const errors = all.filter((p) => p.severity === 'error').length;
          lines.push(`✖ ${all.length} problems (${errors} errors, ${all.length - errors} warnings)`, '');
          const read = parseEslintStylish(lines.join('\n'), '/w');
          expect(read).toEqual(files.flatMap(([name, ps]) => ps.map((p) => ({ file: `src/${name}`, ...p }))));
        },
      ),
    );
  });

  it('never throws anything but a plain "not understood" error on arbitrary text (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        try {
          parseEslintStylish(text, '/w');
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toMatch(/ESLint stylish report/);
        }
      }),
    );
  });
});
