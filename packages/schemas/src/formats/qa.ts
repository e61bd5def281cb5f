import { z } from 'zod';

/**
 * A QA run read into figures (`st3 qa record`): what a lint, type-check, test or coverage log
 * says, small enough to keep in a task's context as its validation baseline and to compare
 * against a later run (`st3 qa drift`).
 */
export const QaKindSchema = z.enum(['lint', 'typecheck', 'test', 'coverage']);
export type QaKind = z.infer<typeof QaKindSchema>;

export const QaFormatSchema = z.enum([
  'eslint-json',
  'eslint-stylish',
  'tsc-text',
  'jest-json',
  'vitest-text',
  'jest-text',
  'istanbul-summary',
  'lcov',
  'ruff-json',
  'mypy-text',
]);
export type QaFormat = z.infer<typeof QaFormatSchema>;

const Metric = z.object({
  total: z.number().nonnegative(),
  covered: z.number().nonnegative(),
  pct: z.number().nullable(),
});
const Totals = z.object({
  lines: Metric.optional(),
  statements: Metric.optional(),
  functions: Metric.optional(),
  branches: Metric.optional(),
});

export const QaIssueSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  rule: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
});
export type QaIssue = z.infer<typeof QaIssueSchema>;

export const QaSummarySchema = z.object({
  schema_version: z.literal(1),
  /** `<kind>:<command>`: which run of which command this is; the baseline is kept per key. */
  key: z.string().min(1),
  kind: QaKindSchema,
  format: QaFormatSchema,
  command: z.string().min(1),
  exit_code: z.number().int().nullable(),
  duration_ms: z.number().nonnegative(),
  recorded_at: z.string(),
  /** The `qa_output` evidence holding the log. */
  evidence_id: z.string().optional(),
  /** One line for people: `2 errors, 1 warning`, `3 of 5 tests failed`, `lines 87.5%`. */
  headline: z.string(),
  /** lint and typecheck: counts by rule and the issues (at most 500, errors first). */
  issues: z
    .object({
      errors: z.number().int().nonnegative(),
      warnings: z.number().int().nonnegative(),
      by_rule: z.record(
        z.string(),
        z.object({ errors: z.number().int().nonnegative(), warnings: z.number().int().nonnegative() }),
      ),
      list: z.array(QaIssueSchema),
      truncated: z.boolean(),
    })
    .optional(),
  tests: z
    .object({
      total: z.number().int().nonnegative(),
      passed: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      skipped: z.number().int().nonnegative(),
      failures: z.array(
        z.object({
          name: z.string(),
          file: z.string().optional(),
          line: z.number().int().optional(),
          message: z.string(),
        }),
      ),
    })
    .optional(),
  coverage: z
    .object({
      total: Totals,
      files: z.array(Totals.extend({ file: z.string() })),
    })
    .optional(),
});
export type QaSummary = z.infer<typeof QaSummarySchema>;
