import type { GateConfig } from '@st3/schemas';

/**
 * Shipped gate descriptors, one per tool (MegaLinter style): how to run it, which files it takes,
 * and how its output maps to violations. They are plain configuration: the engine has no tool names.
 * Each was checked against a real captured output (see test/fixtures/outputs/), except ruff (see README).
 */
export interface GatePreset {
  id: string;
  language: 'typescript' | 'python';
  gate: GateConfig;
}

const JS_TYPES = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'];
const PY = ['.py'];
const ok0 = { exit_codes_ok: [0] };

/** A violation line of mypy (`--show-column-numbers` optional): `file:line[:col]: severity: message  [code]`. */
export const MYPY_PATTERN =
  '^(?P<file>[^:\\n]+):(?P<line>\\d+):(?:(?P<col>\\d+):)? (?P<severity>error|warning|note): (?P<message>.+?)(?:\\s+\\[(?P<rule>[^\\]]+)\\])?$';

export const PRESETS: readonly GatePreset[] = [
  {
    id: 'eslint',
    language: 'typescript',
    gate: {
      name: 'ESLint',
      description: 'Lint JavaScript/TypeScript (eslint -f json)',
      execution: {
        command: ['npx', '--no-install', 'eslint', '-f', 'json', '--no-warn-ignored'],
        timeout_seconds: 300,
      },
      success: { exit_codes_ok: [0] },
      capabilities: {
        file_types: JS_TYPES,
        supports_autofix: true,
        parsing_strategy: 'json_violations',
        json_violations: {
          violations_path: '[]/messages',
          field_map: {
            file: '../filePath',
            line: 'line',
            col: 'column',
            rule: 'ruleId',
            message: 'message',
            severity: 'severity',
          },
          severity_map: { '1': 'warning', '2': 'error' },
          fixable_when: 'fix',
        },
      },
    },
  },
  {
    id: 'tsc',
    language: 'typescript',
    gate: {
      name: 'TypeScript',
      description:
        'Type-check the project (tsc --noEmit --pretty false); runs on the whole tsconfig when any TS file is in scope',
      execution: {
        command: ['npx', '--no-install', 'tsc', '--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'],
        timeout_seconds: 600,
        pass_files: 'none',
      },
      success: ok0,
      capabilities: {
        file_types: ['.ts', '.tsx', '.mts', '.cts'],
        supports_autofix: false,
        parsing_strategy: 'text_violations',
        text_violations: {
          pattern:
            '^(?P<file>.+?)\\((?P<line>\\d+),(?P<col>\\d+)\\): (?P<severity>error|warning|message) (?P<rule>TS\\d+): (?P<message>.*)$',
          continuation_pattern: '^\\s+(?P<message>\\S.*)$',
          severity_default: 'error',
        },
      },
    },
  },
  {
    id: 'biome',
    language: 'typescript',
    gate: {
      name: 'Biome',
      description: 'Lint with Biome (biome lint --reporter=json)',
      execution: { command: ['npx', '--no-install', 'biome', 'lint', '--reporter=json'], timeout_seconds: 300 },
      success: ok0,
      capabilities: {
        file_types: [...JS_TYPES, '.json', '.jsonc', '.css'],
        supports_autofix: true,
        parsing_strategy: 'json_violations',
        json_violations: {
          violations_path: 'diagnostics',
          field_map: {
            file: 'location/path',
            line: 'location/start/line',
            col: 'location/start/column',
            rule: 'category',
            message: 'message',
            severity: 'severity',
          },
        },
      },
    },
  },
  {
    id: 'oxlint',
    language: 'typescript',
    gate: {
      name: 'Oxlint',
      description: 'Lint with oxlint (-f json)',
      execution: { command: ['npx', '--no-install', 'oxlint', '-f', 'json'], timeout_seconds: 300 },
      success: ok0,
      capabilities: {
        file_types: JS_TYPES,
        supports_autofix: true,
        parsing_strategy: 'json_violations',
        json_violations: {
          violations_path: 'diagnostics',
          field_map: {
            file: 'filename',
            line: 'labels/0/span/line',
            col: 'labels/0/span/column',
            rule: 'code',
            message: 'message',
            severity: 'severity',
          },
        },
      },
    },
  },
  {
    id: 'ruff',
    language: 'python',
    gate: {
      name: 'Ruff',
      description: 'Lint Python (ruff check --output-format json)',
      execution: { command: ['ruff', 'check', '--output-format=json'], timeout_seconds: 120 },
      success: ok0,
      capabilities: {
        file_types: PY,
        supports_autofix: true,
        parsing_strategy: 'json_violations',
        json_violations: {
          violations_path: null,
          field_map: {
            file: 'filename',
            line: 'location/row',
            col: 'location/column',
            rule: 'code',
            message: 'message',
          },
          fixable_when: 'fix/applicability',
        },
      },
    },
  },
  {
    id: 'flake8',
    language: 'python',
    gate: {
      name: 'Flake8',
      description: 'Lint Python (flake8)',
      execution: { command: ['flake8'], timeout_seconds: 120 },
      success: ok0,
      capabilities: {
        file_types: PY,
        supports_autofix: false,
        parsing_strategy: 'text_violations',
        text_violations: {
          pattern: '^(?P<file>[^:\\n]+):(?P<line>\\d+):(?P<col>\\d+): (?P<rule>[A-Z]+\\d+) (?P<message>.*)$',
          severity_default: 'error',
        },
      },
    },
  },
  {
    id: 'mypy',
    language: 'python',
    gate: {
      name: 'mypy',
      description: 'Type-check Python (mypy)',
      execution: { command: ['mypy', '--no-error-summary', '--show-column-numbers'], timeout_seconds: 300 },
      success: ok0,
      capabilities: {
        file_types: PY,
        supports_autofix: false,
        parsing_strategy: 'text_violations',
        text_violations: { pattern: MYPY_PATTERN, severity_default: 'error', severity_map: { note: 'info' } },
      },
    },
  },
  {
    id: 'pyright',
    language: 'python',
    gate: {
      name: 'Pyright',
      description: 'Type-check Python (pyright --outputjson, files read from stdin)',
      execution: { command: ['pyright', '--outputjson', '-'], timeout_seconds: 300, pass_files: 'stdin' },
      success: ok0,
      capabilities: {
        file_types: PY,
        supports_autofix: false,
        parsing_strategy: 'json_violations',
        json_violations: {
          violations_path: 'generalDiagnostics',
          field_map: {
            file: 'file',
            line: 'range/start/line',
            col: 'range/start/character',
            rule: 'rule',
            message: 'message',
            severity: 'severity',
          },
          line_offset: 1,
          col_offset: 1,
        },
      },
    },
  },
];

export function findPreset(id: string): GatePreset | undefined {
  return PRESETS.find((p) => p.id === id);
}
