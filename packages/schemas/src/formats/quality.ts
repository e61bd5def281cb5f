import { z } from 'zod';

/**
 * `.st3/config/quality.yaml` (version 1.1): the quality gates configuration.
 * Objects are loose so newer seed versions with extra keys still load; the gate engine owns the semantics.
 */
const globs = z.array(z.string()).describe('glob patterns relative to the workspace root');

export const GateScopeSchema = z
  .object({
    include_globs: globs.optional(),
    exclude_globs: globs.optional(),
  })
  .loose();
export type GateScope = z.infer<typeof GateScopeSchema>;

export const GateExecutionSchema = z
  .object({
    command: z.array(z.string()).min(1).describe('argv of the tool; the first element is the program'),
    timeout_seconds: z.number().positive().optional(),
    working_dir: z.string().nullable().optional().describe('relative to the workspace root; null = the root'),
    env: z.record(z.string(), z.string()).optional(),
    pass_files: z
      .enum(['args', 'stdin', 'none'])
      .optional()
      .describe(
        'how files in scope reach the tool: appended as arguments (default, chunked under the command-line limit), one per line on stdin, or not at all (the tool finds its own files)',
      ),
    max_output_bytes: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('cap on each of stdout and stderr (default 16 MiB)'),
    install_hint: z
      .string()
      .optional()
      .describe('how to install the tool, shown with "tool not found" (e.g. "npm install --save-dev eslint")'),
  })
  .loose();
export type GateExecution = z.infer<typeof GateExecutionSchema>;

export const GateSuccessSchema = z
  .object({
    exit_codes_ok: z.array(z.number().int()).min(1).default([0]),
    max_violations: z.number().int().nonnegative().optional(),
    require_no_issues: z.boolean().optional(),
    max_errors: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('fail when more violations of severity error are found'),
    min_score: z.number().optional().describe('fail when the score captured by score_pattern is lower'),
    score_pattern: z.string().optional().describe('regex with a named group `score` read from the output'),
  })
  .loose();
export type GateSuccess = z.infer<typeof GateSuccessSchema>;

/**
 * When a violation is fixable: `gate` (the gate supports autofix), a path whose presence (not null, false or
 * empty) marks a fixable record, `path=value` (legacy exact value), or `{path, equals}` / `{path, matches}`
 * testing the value (`matches` is a regex, Python syntax accepted). A path may iterate arrays with `[]`
 * (`advices[]/text`): any element that satisfies the test makes the record fixable. In `text_violations`
 * the path is a capture group name.
 */
export const FixableWhenSchema = z.union([
  z.string(),
  z
    .object({
      path: z.string().min(1),
      equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
      matches: z.string().min(1).optional(),
    })
    .strict()
    .refine((v) => v.equals === undefined || v.matches === undefined, {
      message: 'fixable_when takes equals or matches, not both',
    }),
]);
export type FixableWhen = z.infer<typeof FixableWhenSchema>;

/** Field paths in a tool's JSON output, written with `/` or `.` (`location/row`, `range.start.line`). */
export const JsonViolationsSchema = z
  .object({
    violations_path: z
      .string()
      .nullable()
      .optional()
      .describe('where the array of violations is; null = the document root'),
    field_map: z
      .record(z.string(), z.string())
      .describe('violation field (file, line, col, rule, message, severity) -> path in one tool record'),
    line_offset: z.number().int().optional().describe('added to line numbers (pyright is 0-based: 1)'),
    col_offset: z.number().int().optional(),
    fixable_when: FixableWhenSchema.nullable()
      .optional()
      .describe('"gate", a path whose presence marks a fixable record, or {path, equals|matches}'),
    severity_map: z.record(z.string(), z.string()).optional(),
    defaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .loose();
export type JsonViolations = z.infer<typeof JsonViolationsSchema>;

/** Line-oriented tool output matched by a regex with named groups (Python's `(?P<name>...)` is accepted). */
export const TextViolationsSchema = z
  .object({
    pattern: z.string().min(1),
    severity_default: z.enum(['error', 'warning', 'info', 'note']).optional(),
    defaults: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('values for fields the pattern does not capture; `{field}` is interpolated'),
    fixable_when: FixableWhenSchema.nullable()
      .optional()
      .describe('"gate", a group whose presence marks a fixable violation, or {path: group, equals|matches}'),
    multiline: z.boolean().optional(),
    continuation_pattern: z
      .string()
      .optional()
      .describe('lines matching this regex after a match are appended to its message (tsc message chains)'),
    severity_map: z.record(z.string(), z.string()).optional(),
    line_offset: z.number().int().optional(),
  })
  .loose();
export type TextViolations = z.infer<typeof TextViolationsSchema>;

export const ParsingStrategySchema = z.enum(['json_violations', 'text_violations', 'exit_code']);
export type ParsingStrategy = z.infer<typeof ParsingStrategySchema>;

/** A gate's fix command (`st3 gates --fix`): run on the gate's files in scope, then the gates run again. */
export const GateFixSchema = z
  .object({
    command: z.array(z.string()).min(1).describe('argv of the fixer, e.g. [ruff, check, --fix]'),
    pass_files: z
      .enum(['args', 'stdin', 'none'])
      .optional()
      .describe("how the files reach the fixer (default: the gate's execution.pass_files, else args)"),
    timeout_seconds: z.number().positive().optional(),
  })
  .loose();
export type GateFix = z.infer<typeof GateFixSchema>;

export const ScopeModeSchema = z
  .enum(['files', 'importers', 'project'])
  .describe(
    'files: the verdict on a file depends only on that file (most linters); importers: also on the files it imports (type-aware lint rules), so files importing a changed file are checked too; project: on the whole project (type-checkers), so the gate runs on all its files whenever one of them changed',
  );
export type ScopeMode = z.infer<typeof ScopeModeSchema>;

export const GateCapabilitiesSchema = z
  .object({
    file_types: z.array(z.string()).describe('extensions with the dot, e.g. ".py"'),
    supports_autofix: z.boolean().default(false),
    parsing_strategy: ParsingStrategySchema,
    json_violations: JsonViolationsSchema.optional(),
    text_violations: TextViolationsSchema.optional(),
    scope_mode: ScopeModeSchema.optional().describe(
      'ST3 extension of v1.1. Absent: importers (the files that import a changed file are found by a cheap import scan)',
    ),
    config_files: z
      .array(z.string())
      .optional()
      .describe(
        'ST3 extension of v1.1: globs of the tool\'s config files (a name without "/" matches in any folder); a change to one puts the gate on project scope',
      ),
    fix: GateFixSchema.optional().describe("ST3 extension of v1.1: how `st3 gates --fix` fixes this gate's violations"),
    checked_files_command: z
      .array(z.string())
      .min(1)
      .optional()
      .describe(
        "ST3 extension: a command that prints the files the tool would check among those it is given, one per line (ruff: [ruff, check, --show-files]); it runs with the gate's files and environment (once, without files, for a gate with pass_files none: tsc --listFilesOnly -p tsconfig.json), and a given file it does not print is not checked by the gate (its own config excludes it): listed, never cleared",
      ),
    checked_files_pattern: z
      .string()
      .optional()
      .describe(
        'ST3 extension: a regex with a named group "file" matching the lines of the check\'s own output (stdout and stderr) that name a file the tool checked (ruff format --verbose: `\\[DEBUG\\] format_path; path=(?P<file>.+)$`); a given file no line names is not checked by the gate: listed, never cleared',
      ),
    checked_count_path: z
      .string()
      .min(1)
      .optional()
      .describe(
        'ST3 extension: for JSON output, the path of the number of the given files the tool checked (pyright: summary/filesAnalyzed); below the number given, each given file without a reported violation is not checked: listed, never cleared; an output without the count is a gate error',
      ),
    not_checked_patterns: z
      .array(z.string())
      .optional()
      .describe(
        'ST3 extension: regexes for what the tool says when it did not check a file it was given (eslint: "File ignored because ..."), matched against each parsed violation\'s message and each stderr line; a file so named is listed as not checked (never cleared, left out of the verdict)',
      ),
    hidden_output_patterns: z
      .array(z.string())
      .optional()
      .describe(
        "ST3 extension: regexes for lines of the tool's output that the gate's reason does not show (the stderr excerpt of a failed or errored gate): log lines the gate's own command asks for, e.g. the debug log that checked_files_pattern reads (ruff format --verbose: `^\\[\\d{4}-\\d{2}-\\d{2}\\]\\[\\d{2}:\\d{2}:\\d{2}\\]\\[[^\\]]+\\]\\[DEBUG\\] `); parsers, checked_files_pattern, not_checked_patterns and the artifact log still read every line",
      ),
  })
  .loose()
  .superRefine((value, ctx) => {
    if (value.parsing_strategy === 'json_violations' && !value.json_violations) {
      ctx.addIssue({
        code: 'custom',
        path: ['json_violations'],
        message: 'parsing_strategy "json_violations" needs a json_violations section',
      });
    }
    if (value.parsing_strategy === 'text_violations' && !value.text_violations) {
      ctx.addIssue({
        code: 'custom',
        path: ['text_violations'],
        message: 'parsing_strategy "text_violations" needs a text_violations section',
      });
    }
  });
export type GateCapabilities = z.infer<typeof GateCapabilitiesSchema>;

export const GateConfigSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    execution: GateExecutionSchema,
    success: GateSuccessSchema.default({ exit_codes_ok: [0] }),
    capabilities: GateCapabilitiesSchema,
    scope: GateScopeSchema.optional(),
  })
  .loose();
export type GateConfig = z.infer<typeof GateConfigSchema>;

/** `st3 test`: the project's test command and the format of its result. Tests are not a gate. */
export const TestsConfigSchema = z
  .object({
    command: z.array(z.string()).min(1),
    format: z
      .enum(['vitest', 'jest', 'pytest'])
      .describe('vitest/jest: their JSON reporter; pytest: a JUnit XML report'),
    report_file: z
      .string()
      .optional()
      .describe('where the command writes its report (relative to working_dir); absent = read stdout'),
    working_dir: z.string().nullable().optional(),
    timeout_seconds: z.number().positive().optional(),
  })
  .loose();
export type TestsConfig = z.infer<typeof TestsConfigSchema>;

export const QualityConfigSchema = z
  .object({
    version: z.string().regex(/^1\.\d+$/, 'a 1.x version string such as "1.1"'),
    active_gates: z.array(z.string()).default([]),
    artifact_logging: z
      .object({
        enabled: z.boolean().default(false),
        output_dir: z.string().optional(),
        max_files: z.number().int().positive().optional(),
      })
      .loose()
      .optional(),
    project_scope: GateScopeSchema.extend({
      parent_branch: z
        .string()
        .optional()
        .describe('branch that `--scope branch` diffs against (default: state.json parent_branch, then main)'),
    })
      .loose()
      .optional(),
    concurrency: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('gates run at the same time (default: CPU count, at most 4)'),
    tests: TestsConfigSchema.optional(),
    gates: z.record(z.string(), GateConfigSchema),
  })
  .loose()
  .superRefine((value, ctx) => {
    value.active_gates.forEach((id, index) => {
      if (!(id in value.gates)) {
        ctx.addIssue({
          code: 'custom',
          path: ['active_gates', index],
          message: `active gate "${id}" is not defined under gates`,
        });
      }
    });
  });
export type QualityConfig = z.infer<typeof QualityConfigSchema>;
