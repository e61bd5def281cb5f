import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the gates area; add new ones here (never rename or reuse one). */
export const GATES_CODES = {
  E_TOOL_SPAWN: {
    exit: 3,
    area: 'gates',
    cause:
      'An external program exists but could not be started (not executable, bad interpreter, too many open files).',
    fix: 'Check the command in configuration and the permissions of the program.',
  },
  E_GATE_UNKNOWN: {
    exit: 2,
    area: 'gates',
    cause: '`--gate` names a gate that is not defined in quality.yaml.',
    fix: 'Run `st3 gates list` and pass one of the listed ids.',
  },
  E_GATE_NOT_CHECKED: {
    exit: 3,
    area: 'gates',
    cause:
      "A gate's tool said it did not check files it was given (an ignore pattern, or no configuration for them, in the tool's own config: a `not_checked_patterns` match); a gate cannot clear a file it did not see.",
    fix: "Make quality.yaml and the tool's config agree: leave those files out of the gate (project_scope.exclude_globs, the gate's scope) or have the tool check them.",
  },
  E_GATE_OUTPUT: {
    exit: 3,
    area: 'gates',
    cause:
      'A gate tool produced output its parsing strategy could not read (truncated or invalid JSON, binary noise, output over the size cap), or exited non-zero while nothing was parsed.',
    fix: "Run the gate command by hand and compare its output with the gate's parsing section; raise the output cap if the output was truncated.",
  },
  E_GATES_FAILED: {
    exit: 1,
    area: 'gates',
    cause: 'At least one quality gate failed or could not run.',
    fix: 'Fix the reported violations (or the gate errors) and run `st3 gates` again.',
  },
  E_GIT: {
    exit: 3,
    area: 'gates',
    cause:
      'The git repository could not be read to resolve the changed files (a corrupt or missing object, an unreadable index). A branch or ref that does not exist is a usage error (E_USAGE).',
    fix: 'Check the repository with `git status`, or run with `--scope project`.',
  },
  E_NO_REPO: {
    exit: 2,
    area: 'gates',
    cause: '`--scope branch` needs a git repository and none was found.',
    fix: 'Run inside a git repository, or use `--scope project` / `--scope files`.',
  },
  E_CONFIG_EXISTS: {
    exit: 2,
    area: 'gates',
    cause: '`st3 gates init` would overwrite an existing quality.yaml.',
    fix: 'Pass --force to overwrite it, or edit the existing file.',
  },
  E_TESTS_FAILED: {
    exit: 1,
    area: 'gates',
    cause: '`st3 test` ran the test command and some tests failed.',
    fix: 'Fix the failing tests listed in the report.',
  },
  E_TEST_OUTPUT: {
    exit: 3,
    area: 'gates',
    cause: '`st3 test` could not read the result of the test command (no report written, unknown format).',
    fix: 'Check the test command in quality.yaml (`tests.command`) and that its reporter writes the expected format.',
  },
  E_GATES_NO_FILES: {
    exit: 2,
    area: 'gates',
    cause:
      '`st3 gates` (or the MCP `run_gates` tool) over the whole project (`--scope project`, or the first run, with no baseline yet) found no file in the project that any gate of the run takes: nothing was checked. A gate that did not see a file cannot clear it.',
    fix: "Run it where the source files are, or make the gates take them (project_scope.include_globs, a gate's scope or file_types in quality.yaml); files ignored by .gitignore are not in the project.",
  },
} as const satisfies Record<string, ErrorCodeInfo>;
