import type { GateConfig } from '@st3/schemas';

/**
 * Shipped gate descriptors, one per tool (MegaLinter style): how to run it, which files it takes,
 * and how its output maps to violations, how far its verdict reaches (`scope_mode`), which files
 * configure it (`config_files`) and how it fixes (`fix`). They are plain configuration: the engine has
 * no tool names. Programs are named bare (`eslint`, `tsc`): the engine puts the project's
 * `node_modules/.bin` first on PATH, so the project's own copy runs and a missing one is "tool not found".
 * Each was checked against a real captured output (see test/fixtures/outputs/).
 */
export interface GatePreset {
  id: string;
  language: 'typescript' | 'python';
  gate: GateConfig;
}

const JS_TYPES = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'];
const PY = ['.py'];
const ok0 = { exit_codes_ok: [0] };
const JS_LOCKS = ['package.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];
const PY_LOCKS = ['requirements*.txt', 'poetry.lock', 'uv.lock', 'Pipfile.lock'];

/** A violation line of mypy (`--show-column-numbers` optional): `file:line[:col]: severity: message  [code]`. */
export const MYPY_PATTERN =
  '^(?P<file>[^:\\n]+):(?P<line>\\d+):(?:(?P<col>\\d+):)? (?P<severity>error|warning|note): (?P<message>.+?)(?:\\s+\\[(?P<rule>[^\\]]+)\\])?$';

const eslint: GatePreset = {
  id: 'eslint',
  language: 'typescript',
  gate: {
    name: 'ESLint',
    description: 'Lint JavaScript/TypeScript (eslint -f json)',
    execution: {
      // No --no-warn-ignored: eslint's "File ignored ..." warning is how a skipped file is known (not_checked_patterns).
      command: ['eslint', '-f', 'json'],
      timeout_seconds: 300,
      install_hint: 'npm install --save-dev eslint',
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
      // Type-aware rules and import plugins read the files a file imports.
      scope_mode: 'importers',
      config_files: ['eslint.config.*', '.eslintrc*', '.eslintignore', 'tsconfig*.json', ...JS_LOCKS],
      fix: { command: ['eslint', '--fix', '--no-warn-ignored'] },
      not_checked_patterns: ['^File ignored\\b'],
    },
  },
};

const tsc: GatePreset = {
  id: 'tsc',
  language: 'typescript',
  gate: {
    name: 'TypeScript',
    description:
      'Type-check the project (tsc --noEmit --pretty false); runs on the whole tsconfig when any TS file is in scope',
    execution: {
      command: ['tsc', '--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'],
      timeout_seconds: 600,
      pass_files: 'none',
      install_hint: 'npm install --save-dev typescript',
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
      scope_mode: 'project',
      config_files: ['tsconfig*.json', 'jsconfig*.json', ...JS_LOCKS],
      // tsc checks its tsconfig's program, not the files in scope: one outside include/files (or in
      // exclude) is never type-checked. The program's files, absolute, one a line, without a type-check.
      checked_files_command: ['tsc', '--listFilesOnly', '-p', 'tsconfig.json'],
    },
  },
};

const biome: GatePreset = {
  id: 'biome',
  language: 'typescript',
  gate: {
    name: 'Biome',
    description: 'Lint with Biome (biome lint --reporter=json)',
    execution: {
      command: ['biome', 'lint', '--reporter=json'],
      timeout_seconds: 300,
      install_hint: 'npm install --save-dev @biomejs/biome',
    },
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
        // `biome lint --write` applies safe fixes only: an unsafe fix is not fixable here.
        fixable_when: { path: 'advices[]/text', matches: '^Safe fix' },
      },
      // Biome 2's project rules (import cycles, unresolved imports, type inference) read imported files.
      scope_mode: 'importers',
      config_files: ['biome.json', 'biome.jsonc', '.editorconfig', 'tsconfig*.json', ...JS_LOCKS],
      fix: { command: ['biome', 'lint', '--write'] },
    },
  },
};

const oxlint: GatePreset = {
  id: 'oxlint',
  language: 'typescript',
  gate: {
    name: 'Oxlint',
    description: 'Lint with oxlint (-f json)',
    execution: {
      command: ['oxlint', '-f', 'json'],
      timeout_seconds: 300,
      install_hint: 'npm install --save-dev oxlint',
    },
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
      scope_mode: 'importers',
      config_files: ['.oxlintrc.json', 'oxlintrc.json', 'tsconfig*.json', ...JS_LOCKS],
      fix: { command: ['oxlint', '--fix'] },
    },
  },
};

const ruff: GatePreset = {
  id: 'ruff',
  language: 'python',
  gate: {
    name: 'Ruff',
    description: 'Lint Python (ruff check --output-format json)',
    execution: {
      command: ['ruff', 'check', '--output-format=json'],
      timeout_seconds: 120,
      install_hint: 'pip install ruff (or pipx install ruff)',
    },
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
        // `ruff check --fix` applies safe fixes only.
        fixable_when: { path: 'fix/applicability', equals: 'safe' },
      },
      scope_mode: 'files',
      config_files: ['pyproject.toml', 'ruff.toml', '.ruff.toml', ...PY_LOCKS],
      fix: { command: ['ruff', 'check', '--fix', '--quiet'] },
      // A file the ruff config excludes (force-exclude) is skipped silently: ruff says which it checks.
      checked_files_command: ['ruff', 'check', '--show-files'],
    },
  },
};

const ruffFormat: GatePreset = {
  id: 'ruff-format',
  language: 'python',
  gate: {
    name: 'Ruff format',
    description: 'Python formatting (ruff format --check --diff --verbose)',
    execution: {
      // --verbose: ruff logs each file it formats (`format_path; path=…`) on stderr, see checked_files_pattern.
      command: ['ruff', 'format', '--check', '--diff', '--verbose'],
      timeout_seconds: 120,
      install_hint: 'pip install ruff (or pipx install ruff)',
    },
    success: ok0,
    capabilities: {
      file_types: PY,
      supports_autofix: true,
      parsing_strategy: 'text_violations',
      text_violations: {
        // The diff's header names each file that would change.
        pattern: '^--- (?P<file>.+)$',
        severity_default: 'error',
        fixable_when: 'gate',
        defaults: { rule: 'format', message: 'file is not formatted (ruff format)' },
      },
      scope_mode: 'files',
      config_files: ['pyproject.toml', 'ruff.toml', '.ruff.toml', ...PY_LOCKS],
      fix: { command: ['ruff', 'format', '--quiet'] },
      // A file ruff's config excludes from formatting (`exclude`, or `format.exclude`, under force-exclude) is
      // skipped silently, and `ruff check --show-files` does not apply `format.exclude`: the run's own log
      // names every file it formatted. A ruff that stops logging so checks nothing as far as ST3 knows.
      checked_files_pattern: '\\[DEBUG\\] format_path; path=(?P<file>.+)$',
      // That log is ST3's, not the user's: a failed or errored gate shows ruff's own messages without it
      // (`[date][time][target][DEBUG] …`; warnings and errors are `warning: …` / `error: …`).
      hidden_output_patterns: ['^\\[\\d{4}-\\d{2}-\\d{2}\\]\\[\\d{2}:\\d{2}:\\d{2}\\]\\[[^\\]]+\\]\\[DEBUG\\] '],
    },
  },
};

const flake8: GatePreset = {
  id: 'flake8',
  language: 'python',
  gate: {
    name: 'Flake8',
    description: 'Lint Python (flake8)',
    execution: { command: ['flake8'], timeout_seconds: 120, install_hint: 'pip install flake8' },
    success: ok0,
    capabilities: {
      file_types: PY,
      supports_autofix: false,
      parsing_strategy: 'text_violations',
      text_violations: {
        pattern: '^(?P<file>[^:\\n]+):(?P<line>\\d+):(?P<col>\\d+): (?P<rule>[A-Z]+\\d+) (?P<message>.*)$',
        severity_default: 'error',
      },
      scope_mode: 'files',
      config_files: ['.flake8', 'setup.cfg', 'tox.ini', ...PY_LOCKS],
      // flake8 skips a named file its config excludes (`exclude`, `extend-exclude`, `# flake8: noqa`) without a
      // word and has no option listing what it checks: every line is too long at --max-line-length=0, so -q
      // names each file it checked (whatever select/ignore the config sets). An empty file has no line: the
      // engine does not count a 0-byte file a listing leaves out as not checked.
      checked_files_command: [
        'flake8',
        '-q',
        '--exit-zero',
        '--select=E501,W291,W293,W391',
        '--ignore=',
        '--extend-ignore=',
        '--per-file-ignores=',
        '--max-line-length=0',
      ],
    },
  },
};

const mypy: GatePreset = {
  id: 'mypy',
  language: 'python',
  gate: {
    name: 'mypy',
    description: 'Type-check Python (mypy); runs on the whole project when any Python file is in scope',
    execution: {
      command: ['mypy', '--no-error-summary', '--show-column-numbers'],
      timeout_seconds: 300,
      install_hint: 'pip install mypy',
    },
    success: ok0,
    capabilities: {
      file_types: PY,
      supports_autofix: false,
      parsing_strategy: 'text_violations',
      text_violations: { pattern: MYPY_PATTERN, severity_default: 'error', severity_map: { note: 'info' } },
      scope_mode: 'project',
      config_files: ['mypy.ini', '.mypy.ini', 'pyproject.toml', 'setup.cfg', ...PY_LOCKS],
    },
  },
};

const pyright: GatePreset = {
  id: 'pyright',
  language: 'python',
  gate: {
    name: 'Pyright',
    description: 'Type-check Python (pyright --outputjson, files read from stdin); runs on the whole project',
    execution: {
      command: ['pyright', '--outputjson', '-'],
      timeout_seconds: 300,
      pass_files: 'stdin',
      install_hint: 'npm install --save-dev pyright (or pip install pyright)',
    },
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
        // pyright counts lines and characters from 0.
        line_offset: 1,
        col_offset: 1,
      },
      scope_mode: 'project',
      config_files: ['pyrightconfig.json', 'pyproject.toml', ...PY_LOCKS],
      // pyright skips a given file its config excludes without a word and lists no files; it counts them.
      checked_count_path: 'summary/filesAnalyzed',
    },
  },
};

export const PRESETS: readonly GatePreset[] = [eslint, tsc, biome, oxlint, ruff, ruffFormat, flake8, mypy, pyright];

export function findPreset(id: string): GatePreset | undefined {
  return PRESETS.find((p) => p.id === id);
}
