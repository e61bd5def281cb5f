import { z } from 'zod';

/** One finding of a gate or checker (DESIGN.md "Output contracts"); line and col are 1-based, 0 = unknown. */
export const SeveritySchema = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof SeveritySchema>;

export const ViolationSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  col: z.number().int().nonnegative(),
  rule: z.string(),
  message: z.string(),
  severity: SeveritySchema,
  fixable: z.boolean(),
});
export type Violation = z.infer<typeof ViolationSchema>;
