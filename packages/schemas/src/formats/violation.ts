import { z } from 'zod';

/**
 * One finding of a gate or checker (DESIGN.md "Output contracts"). Lines and columns are 1-based; a field the
 * tool did not give is null (never "" or 0).
 */
export const SeveritySchema = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;

export const ViolationSchema = z.object({
  file: z.string().nullable().describe('relative to the workspace root with "/"; absolute when outside it'),
  line: z.number().int().positive().nullable(),
  col: z.number().int().positive().nullable(),
  rule: z.string().min(1).nullable(),
  message: z.string(),
  severity: SeveritySchema,
  fixable: z.boolean(),
});
export type Violation = z.infer<typeof ViolationSchema>;
