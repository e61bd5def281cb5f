import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the atomize area; add new ones here (never rename or reuse one). */
export const ATOMIZE_CODES = {
  E_ATOMIZE_SYNTAX: {
    exit: 1,
    area: 'atomize',
    cause: 'A source file has syntax errors; everything that parsed is still measured and atomized.',
    fix: 'Fix the syntax at the reported line and column, or ignore the warning if the file is meant to be partial.',
  },
  E_ATOMIZE_LANGUAGE: {
    exit: 2,
    area: 'atomize',
    cause:
      'The language of a file could not be told from its extension or shebang, or --lang names no supported language; the file is skipped.',
    fix: 'Pass --lang typescript|tsx|javascript|jsx|python, or give the file a known extension (.ts .tsx .mts .cts .js .jsx .mjs .cjs .py .pyi).',
  },
  E_ATOMIZE_BINARY: {
    exit: 1,
    area: 'atomize',
    cause: 'A file looks binary (it contains NUL bytes) and is skipped.',
    fix: 'Exclude it with .gitignore or a narrower path.',
  },
  E_ATOMIZE_OPTIONS: {
    exit: 2,
    area: 'atomize',
    cause:
      'An atomizer option is out of range (targetLoc > maxLoc, a non-positive limit, an unknown complexity variant).',
    fix: 'Use targetLoc ≤ maxLoc, positive integers, and a variant listed by `st3 atomize --help`.',
  },
  E_ATOMIZE_NO_FILES: {
    exit: 2,
    area: 'atomize',
    cause:
      'The paths or globs given matched no source file (after .gitignore), or every file they matched was skipped (binary, unknown language, unreadable): nothing was measured.',
    fix: 'Check the paths; files ignored by .gitignore are skipped, and the warnings name each skipped file and why.',
  },
  E_ATOMIZE_ENGINE: {
    exit: 3,
    area: 'atomize',
    cause: 'A parser engine could not be loaded (the typescript package or the tree-sitter wasm grammar is missing).',
    fix: 'Reinstall @st3/atomizer so that typescript, web-tree-sitter and tree-sitter-python are present.',
  },
  E_ATOMIZE_ATOM_NOT_FOUND: {
    exit: 2,
    area: 'atomize',
    cause: 'No atom of the atomized files has the id given (to `st3 atomize --context` or `atomContext`).',
    fix: 'Take the id from `st3 atomize --json`; ids end with a hash of the code, so re-run atomize after the file changed.',
  },
  E_ATOMIZE_WORKER: {
    exit: 3,
    area: 'atomize',
    cause:
      'An atomizer worker thread stopped (it crashed or ran out of memory) while it was parsing a file; the file was not atomized.',
    fix: 'Re-run with --workers 0 to parse in one thread and see the error, or exclude the file; the other files are unaffected.',
  },
  E_ATOMIZE_COMPLEXITY: {
    exit: 1,
    area: 'atomize',
    cause: 'A function is more complex than the --max given to `st3 complexity`.',
    fix: 'Split the function (see `st3 atomize` for suggested atoms) or raise --max.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
