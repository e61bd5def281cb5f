// .st3/scratch/scaffold/src/dtos/example-order.ts
// template=dto version=ac2f1879 created=2026-11-22T04:56:44Z updated=
/**
 * An order as the example API returns it
 *
 * @module
 */
import { z } from 'zod';

export const ExampleOrderSchema = z
  .object({
    /** Order identifier */
    id: z.string(),
    quantity: z.number().int(),
    note: z.string().optional(),
  })
  .strict()
  .readonly();

export type ExampleOrder = z.infer<typeof ExampleOrderSchema>;

/** Parses unknown input into a ExampleOrder; throws a ZodError naming each invalid field. */
export function parseExampleOrder(input: unknown): ExampleOrder {
  return ExampleOrderSchema.parse(input);
}

/** Like parseExampleOrder, but returns the issues instead of throwing. */
export function safeParseExampleOrder(input: unknown): z.ZodSafeParseResult<ExampleOrder> {
  return ExampleOrderSchema.safeParse(input);
}
