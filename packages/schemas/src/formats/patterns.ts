import { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import { diagnosticAt } from '../load/diagnostic-at.js';
import type { CheckContext } from '../load/load-document.js';

/**
 * Pattern registries (`PATTERN_INDEX.yaml`) by the rules of the registry's own JSON Schema
 * (`PATTERN_INDEX.schema.json`): ids `PAT-<CATEGORY>-<NAME>-<SEQ>` (or `PAT-MIGRATED-<CATEGORY>-<SEQ>`),
 * snake_case names, semantic versions, and status draft | active | deprecated. Paths are checked
 * for existence by the scaffolder's compliance check, not here. Unknown keys are kept.
 */
export const PATTERN_ID_RE = /^PAT-[A-Z]+-[A-Z]+-\d{3}$/;
export const MIGRATED_PATTERN_ID_RE = /^PAT-MIGRATED-[A-Z]+-\d{3}$/;
const SEMVER_RE = /^\d+\.\d+\.\d+$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export const PatternStatusSchema = z.enum(['draft', 'active', 'deprecated']);

export const PatternEntrySchema = z
  .object({
    // One regex (migrated ids are a subset of it), so the exported JSON Schema carries the rule too.
    pattern_id: z
      .string()
      .regex(
        PATTERN_ID_RE,
        'pattern_id must match PAT-<CATEGORY>-<NAME>-<3 digits> (or PAT-MIGRATED-<CATEGORY>-<3 digits>)',
      ),
    name: z.string().regex(/^[a-z0-9_]+$/, 'snake_case name'),
    version: z.string().regex(SEMVER_RE, 'a semantic version such as 1.0.0'),
    status: PatternStatusSchema,
    category: z.string(),
    spec_path: z.string().optional(),
    schema_path: z.string().optional(),
    executor_path: z.string().optional(),
    test_path: z.string().optional(),
    example_dir: z.string().optional(),
    tool_targets: z.array(z.string()).optional(),
    time_savings_vs_manual: z
      .string()
      .regex(/^\d+%$/, 'a percentage such as 80%')
      .optional(),
    proven_uses: z.number().int().nonnegative().optional(),
    created: z.string().optional(),
    last_updated: z.string().optional(),
    migrated_from: z.string().optional(),
    original_atom_uid: z.string().optional(),
  })
  .loose();
export type PatternEntry = z.infer<typeof PatternEntrySchema>;

export const PatternRegistrySchema = z
  .object({
    version: z.string().regex(SEMVER_RE, 'a semantic version such as 1.0.0'),
    metadata: z
      .object({
        created: z.string().regex(DATE_RE, 'YYYY-MM-DD'),
        last_updated: z.string().regex(DATE_RE, 'YYYY-MM-DD'),
        total_patterns: z.number().int().nonnegative(),
        total_categories: z.number().int().nonnegative(),
      })
      .loose(),
    patterns: z.array(PatternEntrySchema),
  })
  .loose();
export type PatternRegistry = z.infer<typeof PatternRegistrySchema>;

/** Duplicate ids are errors; a `total_patterns` that disagrees with the list is a warning. */
export function checkPatternRegistry(value: PatternRegistry, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, number>();
  value.patterns.forEach((p, i) => {
    const first = seen.get(p.pattern_id);
    if (first === undefined) {
      seen.set(p.pattern_id, i);
      return;
    }
    out.push(
      diagnosticAt(ctx, ['patterns', i, 'pattern_id'], {
        code: 'E_SCHEMA',
        message: `duplicate pattern_id "${p.pattern_id}" (first at patterns[${first}])`,
      }),
    );
  });
  if (value.metadata.total_patterns !== value.patterns.length) {
    out.push(
      diagnosticAt(ctx, ['metadata', 'total_patterns'], {
        code: 'W_PATTERN_COUNT',
        severity: 'warning',
        message: `total_patterns is ${value.metadata.total_patterns} but the registry lists ${value.patterns.length} patterns`,
      }),
    );
  }
  return out;
}
