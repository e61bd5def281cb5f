import { z } from 'zod';
import { ViolationSchema } from './violation.js';

/**
 * The result of a gate run (DESIGN.md "Output contracts"): the `runGates` library result, the `st3 gates
 * --json` document and the JSON of the `run_quality_gates` MCP tool. `{overall_pass, summary, gates}` is the
 * contract; `scope`, `preexisting_violations`, `fix` and `new_only` are ST3's additions.
 */
export const GateRunScopeSchema = z.object({
  mode: z.enum(['project', 'files', 'skip']).describe('project: every file of the project the gate takes'),
  files: z.number().int().nonnegative().describe('how many files the gate was given'),
  reason: z.string().describe('why this scope (or why skipped)'),
});
export type GateRunScope = z.infer<typeof GateRunScopeSchema>;

export const GateStatusSchema = z.enum(['passed', 'failed', 'error', 'skipped']);
export type GateStatus = z.infer<typeof GateStatusSchema>;

export const GateResultSchema = z.object({
  id: z.string(),
  name: z.string(),
  passed: z.boolean(),
  skipped: z.boolean(),
  status: GateStatusSchema,
  duration_ms: z.number().nonnegative(),
  violations: z.array(ViolationSchema),
  reason: z.string().optional().describe('why the gate was skipped, failed or errored'),
  scope: GateRunScopeSchema.optional(),
  preexisting_violations: z
    .array(ViolationSchema)
    .optional()
    .describe('--new-only: violations on lines not changed since the baseline (they do not fail the gate)'),
  not_checked: z
    .array(z.object({ file: z.string(), reason: z.string() }))
    .optional()
    .describe(
      "files the gate's tool said it did not check (its own config ignores them: `not_checked_patterns`): the verdict does not cover them and they are never cleared",
    ),
});
export type GateResult = z.infer<typeof GateResultSchema>;

export const FixReportSchema = z.object({
  fixers: z.array(
    z.object({
      gate: z.string(),
      command: z.array(z.string()),
      files: z.number().int().nonnegative(),
      exit_code: z.number().int().nullable(),
      error: z.string().optional().describe('why the fixer could not run'),
    }),
  ),
  files_changed: z.array(z.string()).describe('files whose content the fixers changed'),
  violations_before: z.number().int().nonnegative(),
  violations_after: z.number().int().nonnegative(),
  fixed: z.number().int().nonnegative(),
});
export type FixReport = z.infer<typeof FixReportSchema>;

export const GateRunResultSchema = z.object({
  overall_pass: z.boolean(),
  summary: z.string().describe('one line, e.g. "✗ 2/7 gates failed (ruff: 12, mypy: 3) · 1 skipped · 4.2s"'),
  gates: z.array(GateResultSchema),
  fix: FixReportSchema.optional().describe('--fix: what the fixers did'),
  new_only: z
    .object({
      reference: z.string().nullable(),
      preexisting: z.number().int().nonnegative(),
      method: z
        .enum(['reference-run', 'baseline-hash', 'none'])
        .optional()
        .describe(
          'how pre-existing violations were told apart: reference-run (the gates ran again on the reference commit; pre-existing = reported there too), baseline-hash (every gate with violations passed at the baseline under its current config: all new, nothing run), none (no reference, nothing to judge, or the reference run could not be made: every violation new)',
        ),
    })
    .optional()
    .describe('--new-only: the commit new violations are measured from, and how many were pre-existing'),
});
export type GateRunResult = z.infer<typeof GateRunResultSchema>;
