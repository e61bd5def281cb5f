import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseIstanbulSummary, parseJestJson, parseJestText, parseLcov, parseVitestText } from '../src/index.js';

// Captured from real runs of vitest 4.1.12 and jest 30 (NO_COLOR=1) and @vitest/coverage-v8 on a
// small sample project in /tmp/qa-sample (see test/fixtures/reports/README.md).
const fixture = (name: string) => readFileSync(new URL(`./fixtures/reports/${name}`, import.meta.url), 'utf8');
const ROOT = '/tmp/qa-sample';

describe('parseVitestText', () => {
  it('reads the summary and every failure with file, line and message', () => {
    const r = parseVitestText(fixture('vitest.txt'), ROOT);
    expect(r).toMatchObject({ total: 5, passed: 1, failed: 3, skipped: 1 });
    expect(r.failures).toEqual([
      expect.objectContaining({
        name: 'math divides',
        file: 'test/math.test.js',
        line: 9,
        message: expect.stringMatching(/^AssertionError: expected 2 to be 3/),
      }),
      expect.objectContaining({ name: 'math clamps high values', file: 'test/math.test.js', line: 12 }),
      expect.objectContaining({
        name: 'throws on zero',
        file: 'test/other.test.js',
        line: 4,
        message: expect.stringContaining("but got 'division by zero'"),
      }),
    ]);
  });

  it('agrees with the JSON reporter of the same run', () => {
    const text = parseVitestText(fixture('vitest.txt'), ROOT);
    const json = parseJestJson(fixture('vitest.json'), ROOT);
    // The JSON report has no line numbers (vitest's json reporter writes none without includeTaskLocation).
    expect({ ...text, failures: text.failures.map((f) => [f.name, f.file]) }).toEqual({
      ...json,
      failures: json.failures.map((f) => [f.name, f.file]),
    });
  });

  it('reads a passing run and the coverage run output', () => {
    expect(parseVitestText(fixture('vitest-pass.txt'), ROOT)).toEqual({
      total: 5,
      passed: 1,
      failed: 0,
      skipped: 4,
      failures: [],
    });
    expect(parseVitestText(fixture('vitest-coverage.txt'), ROOT).failed).toBe(3);
  });

  it('reads coloured output the same as plain output', () => {
    const plain = fixture('vitest.txt');
    const coloured = plain
      .replace(/FAIL/g, '\u001b[41m\u001b[1m FAIL \u001b[22m\u001b[49m')
      .replace(/Tests {2}/g, '\u001b[2m      Tests \u001b[22m ');
    expect(parseVitestText(coloured, ROOT)).toEqual(parseVitestText(plain, ROOT));
  });

  it('rejects output without a summary line', () => {
    expect(() => parseVitestText('Error: Cannot find module vitest', ROOT)).toThrow(/not a vitest text report/);
  });
});

describe('parseJestText', () => {
  it('reads the summary and the failure with the file of its suite and the line of its frame', () => {
    const r = parseJestText(fixture('jest.txt'), ROOT);
    expect(r).toMatchObject({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(r.failures).toEqual([
      {
        name: 'jest math adds badly',
        file: 'jtest/math.test.cjs',
        line: 4,
        message: expect.stringContaining('Expected: 5'),
      },
    ]);
    expect(r.failures[0]!.message).not.toContain('|');
  });

  it('agrees with jest --json of the same run', () => {
    const text = parseJestText(fixture('jest.txt'), ROOT);
    const json = parseJestJson(fixture('jest.json'), ROOT);
    expect([text.total, text.passed, text.failed, text.skipped]).toEqual([
      json.total,
      json.passed,
      json.failed,
      json.skipped,
    ]);
    expect(text.failures.map((f) => [f.name, f.file])).toEqual(json.failures.map((f) => [f.name, f.file])); // jest --json has no line without --testLocationInResults
  });

  it('reads a passing run', () => {
    expect(parseJestText(fixture('jest-pass.txt'), ROOT)).toEqual({
      total: 3,
      passed: 1,
      failed: 0,
      skipped: 2,
      failures: [],
    });
  });

  it('rejects unrelated text', () => {
    expect(() => parseJestText('hello', ROOT)).toThrow(/not a jest text report/);
  });
});

describe('coverage reports', () => {
  it('reads coverage-summary.json with relative file paths and "Unknown" percentages', () => {
    const r = parseIstanbulSummary(fixture('coverage-summary.json'), ROOT);
    expect(r.total).toEqual({
      lines: { total: 8, covered: 7, pct: 87.5 },
      statements: { total: 11, covered: 9, pct: 81.82 },
      functions: { total: 3, covered: 3, pct: 100 },
      branches: { total: 6, covered: 4, pct: 66.67 },
    });
    expect(r.files.map((f) => f.file)).toEqual(['src/math.js']);
  });

  it('reads lcov.info of the same run to the same line, function and branch figures', () => {
    const lcov = parseLcov(fixture('lcov.info'), ROOT);
    const summary = parseIstanbulSummary(fixture('coverage-summary.json'), ROOT);
    expect(lcov.total).toEqual({
      lines: summary.total.lines,
      functions: summary.total.functions,
      branches: summary.total.branches,
    });
    expect(lcov.files[0]!.file).toBe('src/math.js');
  });

  it('counts DA/FNDA/BRDA lines when a record has no totals', () => {
    const text = fixture('lcov.info')
      .split('\n')
      .filter((l) => !/^(LF|LH|FNF|FNH|BRF|BRH):/.test(l))
      .join('\n');
    expect(parseLcov(text, ROOT).total).toEqual(parseLcov(fixture('lcov.info'), ROOT).total);
  });

  it('rejects files of the wrong kind', () => {
    expect(() => parseIstanbulSummary('[]', ROOT)).toThrow(/coverage-summary/);
    expect(() => parseLcov('TN:\n', ROOT)).toThrow(/lcov/);
  });

  it('property: lcov totals are the sums of the files, percentages stay in [0, 100]', () => {
    const record = fc.record({
      name: fc.stringMatching(/^[a-z]{1,8}$/),
      lf: fc.nat(500),
      hitRatio: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(record, { selector: (r) => r.name, minLength: 1, maxLength: 20 }), (files) => {
        const text = files
          .map((f) => `SF:src/${f.name}.js\nLF:${f.lf}\nLH:${Math.floor(f.lf * f.hitRatio)}\nend_of_record`)
          .join('\n');
        const r = parseLcov(text, ROOT);
        const lf = files.reduce((s, f) => s + f.lf, 0);
        const lh = files.reduce((s, f) => s + Math.floor(f.lf * f.hitRatio), 0);
        expect(r.total.lines).toEqual({
          total: lf,
          covered: lh,
          pct: lf > 0 ? Math.round((lh / lf) * 10000) / 100 : null,
        });
        expect(r.files).toHaveLength(files.length);
        for (const f of r.files) if (f.lines?.pct != null) expect(f.lines.pct).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('property: the text parsers never throw anything but a "not a … report" error on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        for (const parse of [parseVitestText, parseJestText]) {
          try {
            const r = parse(s, ROOT);
            expect(r.failed).toBeGreaterThanOrEqual(r.failures.length === 0 ? 0 : 1);
          } catch (e) {
            expect((e as Error).message).toMatch(/^not a (vitest|jest) text report/);
          }
        }
      }),
    );
  });
});
