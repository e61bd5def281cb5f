import { z } from 'zod';

/**
 * Parity suites (`@st3/parity`): a folder with an optional `suite.yaml` and case files under
 * `cases/`. Each case gives the input both renderers receive and, optionally, the output both
 * must produce and the category the run must end in.
 */
export const ParityCategorySchema = z.enum(['pass', 'improvement', 'regression', 'fail']);
export type ParityCategory = z.infer<typeof ParityCategorySchema>;

/** One side of a suite: which pipeline (or template folder) renders it. */
export const ParitySideSchema = z
  .object({
    label: z.string().min(1).optional(),
    /** `v1`/`loose` or `v2`/`schema-first`. */
    pipeline: z.enum(['v1', 'v2', 'loose', 'schema-first']).optional(),
    /** A workspace (relative to the suite) whose `.st3/templates/` override the built-ins: two template versions. */
    workspace: z.string().min(1).optional(),
  })
  .strict();
export type ParitySide = z.infer<typeof ParitySideSchema>;

export const ParitySuiteConfigSchema = z
  .object({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    /** How the CLI renders cases: through the scaffolder (default) or from stored outputs. */
    renderer: z.enum(['scaffold', 'files']).default('scaffold'),
    left: ParitySideSchema.default({ label: 'v1', pipeline: 'v1' }),
    right: ParitySideSchema.default({ label: 'v2', pipeline: 'v2' }),
    /** Rule names replacing the per-language presets. */
    normalizers: z.array(z.string().min(1)).optional(),
    /** Renders per case and side, for timing (default 1). */
    repeat: z.number().int().min(1).max(1000).default(1),
  })
  .strict();
export type ParitySuiteConfig = z.infer<typeof ParitySuiteConfigSchema>;

const FilesSchema = z.record(z.string().min(1), z.string());
/** A stored rendering: the files, or the error the side failed with (`validation`: a clean input error). */
const StoredSideSchema = z.union([
  z.object({ error: z.string(), validation: z.boolean().optional() }).strict(),
  FilesSchema,
]);

export const ParityCaseSchema = z
  .object({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    /** Artifact type for the scaffold renderer (e.g. `dto`). */
    type: z.string().min(1).optional(),
    /** Artifact name for the scaffold renderer (e.g. `UserProfile`). */
    artifact_name: z.string().min(1).optional(),
    /** Language of a code artifact for the scaffold renderer (`ts` or `py`). */
    language: z.enum(['ts', 'py']).optional(),
    /** Also render the artifact's test (scaffold renderer). */
    with_test: z.boolean().optional(),
    context: z.record(z.string(), z.unknown()).default({}),
    /** The category this case must end in (default: pass). */
    expect: ParityCategorySchema.optional(),
    /** Output both sides must match, by output path (compared after normalization). */
    expected: FilesSchema.optional(),
    /** For the `files` renderer: the stored outputs of each side (or an error message). */
    left: StoredSideSchema.optional(),
    right: StoredSideSchema.optional(),
    /** Warnings the stored left side reported (`files` renderer). */
    left_warnings: z.array(z.string()).optional(),
  })
  .strict();
export type ParityCase = z.infer<typeof ParityCaseSchema>;
