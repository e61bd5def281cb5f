import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  addToGitignore,
  createOutputParser,
  findPreset,
  parseQualityConfig,
  renderQualityConfig,
} from '../src/index.js';
import { tempDir } from './helpers.js';
import { itWithFixtures, realWorld } from '@st3/tooling/fixtures';

const here = dirname(fileURLToPath(import.meta.url));
const output = (name: string): string => readFileSync(join(here, 'fixtures/outputs', name), 'utf8');
/** Where the outputs were captured: absolute paths in them are made relative to it. */
const root = '/tmp/st3-fixture-project';

function parse(presetId: string, file: string) {
  const preset = findPreset(presetId)!;
  const parser = createOutputParser(preset.gate)!;
  const r = parser(output(file), { root, supportsAutofix: preset.gate.capabilities.supports_autofix });
  expect(r.problem).toBeUndefined();
  return r.violations;
}

describe('shipped presets parse real captured output exactly', () => {
  it('eslint -f json (nested results[].messages[], file from the parent, numeric severities, fix)', () => {
    expect(parse('eslint', 'eslint.json')).toEqual([
      {
        file: 'src/app.js',
        line: 1,
        col: 7,
        rule: 'no-unused-vars',
        message: "'unused' is assigned a value but never used.",
        severity: 'error',
        fixable: false,
      },
      {
        file: 'src/app.js',
        line: 2,
        col: 5,
        rule: 'prefer-const',
        message: "'count' is never reassigned. Use 'const' instead.",
        severity: 'error',
        fixable: true,
      },
      {
        file: 'src/app.js',
        line: 4,
        col: 9,
        rule: 'eqeqeq',
        message: "Expected '===' and instead saw '=='.",
        severity: 'warning',
        fixable: false,
      },
      {
        file: 'src/app.js',
        line: 7,
        col: 3,
        rule: 'no-debugger',
        message: "Unexpected 'debugger' statement.",
        severity: 'error',
        fixable: false,
      },
    ]);
  });

  it('tsc --pretty false (message chains as continuation lines)', () => {
    const v = parse('tsc', 'tsc.txt');
    expect(v).toHaveLength(4);
    expect(v[0]).toEqual({
      file: 'src/types.ts',
      line: 5,
      col: 31,
      rule: 'TS2322',
      message: "Type 'string' is not assignable to type 'number'.",
      severity: 'error',
      fixable: false,
    });
    expect(v[1]).toMatchObject({ line: 6, col: 7 });
    expect(v[2]).toMatchObject({ line: 8, col: 3 });
    expect(v[3]).toEqual({
      file: 'src/types.ts',
      line: 12,
      col: 14,
      rule: 'TS2322',
      severity: 'error',
      fixable: false,
      message: [
        "Type '(event: { id: string; tags: string[]; }) => void' is not assignable to type 'Handler'.",
        "Types of parameters 'event' and 'event' are incompatible.",
        "Type '{ id: number; tags: string[]; }' is not assignable to type '{ id: string; tags: string[]; }'.",
        "Types of property 'id' are incompatible.",
        "Type 'number' is not assignable to type 'string'.",
      ].join('\n'),
    });
  });

  it('biome lint --reporter=json', () => {
    expect(parse('biome', 'biome.json')).toEqual([
      {
        file: 'src/app.js',
        line: 1,
        col: 7,
        rule: 'lint/correctness/noUnusedVariables',
        message: 'This variable unused is unused.',
        severity: 'warning',
        fixable: false,
      },
      {
        file: 'src/app.js',
        line: 2,
        col: 1,
        rule: 'lint/style/useConst',
        message: 'This let declares a variable that is only assigned once.',
        severity: 'warning',
        // Its advice says "Safe fix: Use const instead." (fixable_when {path: advices[]/text, matches: ^Safe fix}).
        fixable: true,
      },
      {
        file: 'src/app.js',
        line: 4,
        col: 9,
        rule: 'lint/suspicious/noDoubleEquals',
        message: 'Using == may be unsafe if you are relying on type coercion.',
        severity: 'error',
        fixable: false,
      },
      {
        file: 'src/app.js',
        line: 7,
        col: 3,
        rule: 'lint/suspicious/noDebugger',
        message: 'This is an unexpected use of the debugger statement.',
        severity: 'error',
        fixable: false,
      },
    ]);
  });

  it('oxlint -f json (position from labels[0].span)', () => {
    expect(parse('oxlint', 'oxlint.json')).toEqual([
      {
        file: 'src/app.js',
        line: 1,
        col: 7,
        rule: 'eslint(no-unused-vars)',
        message: "Variable 'unused' is declared but never used. Unused variables should start with a '_'.",
        severity: 'warning',
        fixable: false,
      },
      {
        file: 'src/app.js',
        line: 7,
        col: 3,
        rule: 'eslint(no-debugger)',
        message: '`debugger` statement is not allowed',
        severity: 'warning',
        fixable: false,
      },
    ]);
  });

  it('pyright --outputjson (0-based lines and characters; its message chains are indented with no-break spaces)', () => {
    expect(parse('pyright', 'pyright.json')).toEqual([
      {
        file: 'bad.py',
        line: 13,
        col: 15,
        rule: 'reportAssignmentType',
        message: 'Type "int" is not assignable to declared type "str"\n\u00a0\u00a0"int" is not assignable to "str"',
        severity: 'error',
        fixable: false,
      },
      {
        file: 'bad.py',
        line: 14,
        col: 21,
        rule: 'reportAssignmentType',
        message:
          'Type "list[str]" is not assignable to declared type "List[int]"\n\u00a0\u00a0"Literal[\'a\']" is not assignable to "int"',
        severity: 'error',
        fixable: false,
      },
      {
        file: 'bad.py',
        line: 15,
        col: 7,
        rule: 'reportUndefinedVariable',
        message: '"undefined_name" is not defined',
        severity: 'error',
        fixable: false,
      },
    ]);
  });

  it('mypy text, with and without column numbers', () => {
    const expected = [
      {
        file: 'bad.py',
        line: 9,
        col: 1,
        rule: 'no-untyped-def',
        message: 'Function is missing a type annotation',
        severity: 'error',
        fixable: false,
      },
      {
        file: 'bad.py',
        line: 13,
        col: 15,
        rule: 'assignment',
        message: 'Incompatible types in assignment (expression has type "int", variable has type "str")',
        severity: 'error',
        fixable: false,
      },
      {
        file: 'bad.py',
        line: 14,
        col: 21,
        rule: 'list-item',
        message: 'List item 0 has incompatible type "str"; expected "int"',
        severity: 'error',
        fixable: false,
      },
      {
        file: 'bad.py',
        line: 15,
        col: 7,
        rule: 'name-defined',
        message: 'Name "undefined_name" is not defined',
        severity: 'error',
        fixable: false,
      },
    ];
    expect(parse('mypy', 'mypy-columns.txt')).toEqual(expected);
    expect(parse('mypy', 'mypy.txt')).toEqual(expected.map((v) => ({ ...v, col: null })));
  });

  it('flake8 text', () => {
    expect(parse('flake8', 'flake8.txt')).toEqual([
      {
        file: 'bad.py',
        line: 1,
        col: 1,
        rule: 'F401',
        message: "'os' imported but unused",
        severity: 'error',
        fixable: false,
      },
      {
        file: 'bad.py',
        line: 15,
        col: 7,
        rule: 'F821',
        message: "undefined name 'undefined_name'",
        severity: 'error',
        fixable: false,
      },
    ]);
  });

  it('ruff check --output-format=json (1-based columns; only safe fixes are fixable)', () => {
    const v = parse('ruff', 'ruff.json');
    expect(v.map((x) => [x.file, x.line, x.col, x.rule, x.fixable])).toEqual([
      ['bad.py', 1, 8, 'F401', true],
      ['bad.py', 2, 1, 'UP035', false],
      ['bad.py', 14, 8, 'UP006', true],
      ['bad.py', 15, 7, 'F821', false],
      ['unsafe.py', 5, 5, 'F841', false],
    ]);
    expect(v[0]).toEqual({
      file: 'bad.py',
      line: 1,
      col: 8,
      rule: 'F401',
      message: '`os` imported but unused',
      severity: 'error',
      fixable: true,
    });
  });

  it('ruff format --check --diff (one violation per file to reformat, fixable)', () => {
    expect(parse('ruff-format', 'ruff-format.txt')).toEqual([
      {
        file: 'unformatted.py',
        line: null,
        col: null,
        rule: 'format',
        message: 'file is not formatted (ruff format)',
        severity: 'error',
        fixable: true,
      },
    ]);
  });

  itWithFixtures(
    'the real-world gate configs parse the same outputs (mypy pattern and pyright field map of quality.yaml)',
    () => {
      const real = parseQualityConfig(readFileSync(join(realWorld, 'st3-config/quality.yaml'), 'utf8'));
      expect(real.errors).toEqual([]);
      const mypy = createOutputParser(real.value!.gates.gate4_types!)!;
      expect(mypy(output('mypy.txt'), { root }).violations.map((v) => [v.file, v.line, v.rule])).toEqual([
        ['bad.py', 9, 'no-untyped-def'],
        ['bad.py', 13, 'assignment'],
        ['bad.py', 14, 'list-item'],
        ['bad.py', 15, 'name-defined'],
      ]);
      const pyright = createOutputParser(real.value!.gates.gate4_pyright!)!;
      expect(pyright(output('pyright.json'), { root }).violations.map((v) => [v.file, v.line, v.col, v.rule])).toEqual([
        ['bad.py', 13, 14, 'reportAssignmentType'],
        ['bad.py', 14, 20, 'reportAssignmentType'],
        ['bad.py', 15, 6, 'reportUndefinedVariable'],
      ]);
    },
  );

  it('a config rendered from every preset loads without errors or warnings', () => {
    const text = renderQualityConfig([
      'eslint',
      'tsc',
      'biome',
      'oxlint',
      'ruff',
      'ruff-format',
      'flake8',
      'mypy',
      'pyright',
    ]);
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./quality.schema.json');
    const r = parseQualityConfig(text);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(Object.keys(r.value!.gates)).toEqual([
      'eslint',
      'tsc',
      'biome',
      'oxlint',
      'ruff',
      'ruff-format',
      'flake8',
      'mypy',
      'pyright',
    ]);
  });
});

describe('st3 gates init: .gitignore (issue 14.9)', () => {
  it('adds .st3/logs/ and .st3/state.json once, creating the file when needed, keeping what is there', () => {
    const t = tempDir();
    try {
      expect(addToGitignore(t.dir)).toEqual({
        path: join(t.dir, '.gitignore'),
        added: ['.st3/logs/', '.st3/state.json'],
        created: true,
      });
      expect(readFileSync(join(t.dir, '.gitignore'), 'utf8')).toBe(
        '# st3: gate logs and run state\n.st3/logs/\n.st3/state.json\n',
      );
      expect(addToGitignore(t.dir).added).toEqual([]);
      writeFileSync(join(t.dir, '.gitignore'), 'node_modules\r\n/.st3/state.json');
      expect(addToGitignore(t.dir)).toMatchObject({ added: ['.st3/logs/'], created: false });
      expect(readFileSync(join(t.dir, '.gitignore'), 'utf8')).toBe(
        'node_modules\r\n/.st3/state.json\r\n# st3: gate logs and run state\r\n.st3/logs/\r\n',
      );
    } finally {
      t.cleanup();
    }
  });
});
