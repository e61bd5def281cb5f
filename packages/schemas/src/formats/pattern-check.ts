import { z } from 'zod';

/**
 * `.st3/config/patterns.yaml`: the compliance rules `st3 patterns check` applies to a pattern
 * registry (see the scaffolder's pattern framework for what each rule checks).
 */
export const PatternRuleLevelSchema = z.enum(['error', 'warning', 'off']);

export const PatternCheckConfigSchema = z
  .object({
    /** The registry file or folder, relative to the workspace root (default `patterns/`). */
    registry: z.string().min(1).optional(),
    /** Folders that must exist beside the registry. */
    required_folders: z.array(z.string().min(1)).optional(),
    /** Link fields that must resolve (spec_path, schema_path, executor_path, test_path, example_dir). */
    link_fields: z.array(z.enum(['spec_path', 'schema_path', 'executor_path', 'test_path', 'example_dir'])).optional(),
    /** Where links resolve from, relative to the workspace root (default: guessed from the registry folder). */
    link_base: z.string().min(1).optional(),
    /** Severity per rule id. */
    rules: z.record(z.string().min(1), PatternRuleLevelSchema).optional(),
  })
  .strict();
export type PatternCheckConfig = z.infer<typeof PatternCheckConfigSchema>;
