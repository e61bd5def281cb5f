import { St3Error } from '@st3/schemas';

/** A tool whose output `st3 qa` does not read, and lines that only its output has. */
export interface OtherTool {
  tool: string;
  /** The gate presets that run it (`st3 gates init --preset …`). */
  presets: string[];
  signs: RegExp[];
}

/**
 * Logs of tools `st3 qa` does not read, told apart so that their own summary line (ruff's `Found 5
 * errors.`, mypy's `Found 2 errors in 1 file`) is not taken for tsc's and the error names the tool.
 */
const OTHER_TOOLS: OtherTool[] = [
  {
    tool: 'ruff',
    presets: ['ruff'],
    signs: [
      /^\s*--> \S.*:\d+:\d+\s*$/m, // its default (full) output: `F401 [*] …` then ` --> file:line:col`
      /^All checks passed!$/m,
      /^\[\*\] \d+ fixable with the `--fix` option/m,
      /^No fixes available \(\d+ hidden fix/m,
      /^\s*"noqa_row": /m, // --output-format json
    ],
  },
  {
    tool: 'mypy',
    presets: ['mypy'],
    signs: [/^\S.*:\d+: (?:error|note): /m, /^(?:Success: no issues found|Found \d+ errors? in \d+ files? \(checked)/m],
  },
  // ruff's concise output and flake8's: `file:line:col: F401 message`.
  { tool: 'ruff or flake8', presets: ['ruff', 'flake8'], signs: [/^\S.*:\d+:\d+: [A-Z]{1,4}\d{1,4} /m] },
];

/** The tool `st3 qa` does not read whose output `plain` (ANSI stripped) is, if it is one. */
export function otherToolOf(plain: string): OtherTool | undefined {
  return OTHER_TOOLS.find(({ signs }) => signs.some((re) => re.test(plain)));
}

/** A log of a tool whose output `st3 qa` does not read: say which, and what to do with it instead. */
export function otherToolLog(command: string, other: OtherTool, what: string): St3Error {
  const init = other.presets.map((p) => `\`st3 gates init --preset ${p}\``).join(' or ');
  const gate = `\`st3 gates --gate ${other.presets.join('|')}\``;
  return new St3Error(
    'E_QA_LOG_UNREADABLE',
    `the output of "${command}" looks like ${other.tool} output, which is not ${what} in a format st3 qa reads (ESLint, tsc, ruff --output-format json, mypy with its summary line, jest/vitest, istanbul or lcov)`,
    {
      hint: `check it as a gate instead (${init}, then ${gate}), or keep the log as evidence (\`st3 tasks evidence attach <task> --type log --file LOG\`)`,
    },
  );
}
