import { z } from 'zod';

/** What a scaffold run records about one generated file (its provenance). */
export const LifecycleSchema = z.object({
  output_path: z.string(),
  scaffold_created: z.string().describe('ISO 8601 timestamp'),
  template_id: z.string(),
  version_hash: z.string().regex(/^[0-9a-f]{8}$/, '8 lowercase hex digits'),
});
export type Lifecycle = z.infer<typeof LifecycleSchema>;
