import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import {
  analyzeSource,
  measureSource,
  type ComplexityRecord,
  type ComplexityVariant,
  type ParsedFile,
} from '../src/index.js';

// Real files: ESLint's own rule sources (installed as our devDependency), checked by ESLint's
// Linter with only the complexity rule at max 0, so that every function is reported.
const require = createRequire(import.meta.url);
const eslintLib = join(dirname(require.resolve('eslint')), '..', 'lib');
const files = [
  ...readdirSync(join(eslintLib, 'rules'))
    .filter((f) => f.endsWith('.js'))
    .sort()
    .slice(0, 40)
    .map((f) => join(eslintLib, 'rules', f)),
  ...readdirSync(join(eslintLib, 'linter'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(eslintLib, 'linter', f)),
];

const linter = new Linter({ configType: 'flat' });

function eslintReport(text: string, variant: 'classic' | 'modified'): string[] {
  const config = {
    languageOptions: { ecmaVersion: 'latest' as const, sourceType: 'commonjs' as const },
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' as const },
    rules: { complexity: ['error', { max: 0, variant }] as ['error', { max: number; variant: string }] },
  };
  return linter
    .verify(text, [config], 'file.js')
    .filter((m) => m.ruleId === 'complexity')
    .map((m) => `${m.line}:${m.column} ${m.message}`);
}

async function ours(text: string, path: string, variant: ComplexityVariant): Promise<string[]> {
  const r = (await analyzeSource(text, path, { complexityVariant: variant })) as ParsedFile;
  return r.functions.map(
    (f) =>
      `${f.reportLine}:${f.reportColumn} ${f.reportName} has a complexity of ${f.complexity}. Maximum allowed is 0.`,
  );
}

describe('JS complexity agrees with ESLint on every function of real files', () => {
  it('uses a real corpus', () => {
    expect(files.length).toBeGreaterThan(50);
  });
  for (const [variant, eslintVariant] of [
    ['eslint', 'classic'],
    ['modified', 'modified'],
  ] as const) {
    it(`variant ${variant} (ESLint "${eslintVariant}")`, async () => {
      let compared = 0;
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        const expected = eslintReport(text, eslintVariant).sort();
        expect({ file, units: (await ours(text, file, variant)).sort() }).toEqual({ file, units: expected });
        // The lean path of `st3 complexity` gives the same units.
        const lean = (await measureSource(text, file, { complexityVariant: variant })) as ComplexityRecord;
        expect(
          lean.functions
            .map(
              (f) =>
                `${f.reportLine}:${f.reportColumn} ${f.reportName} has a complexity of ${f.complexity}. Maximum allowed is 0.`,
            )
            .sort(),
        ).toEqual(expected);
        compared += expected.length;
      }
      expect(compared).toBeGreaterThan(500);
    });
  }
});
