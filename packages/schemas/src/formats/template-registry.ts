import { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import { diagnosticAt } from '../load/diagnostic-at.js';
import type { CheckContext } from '../load/load-document.js';

/** `.st3/template_registry.json`: which template versions produced which version hash. */
export const VersionHashSchema = z.string().regex(/^[0-9a-f]{8}$/, '8 lowercase hex digits');

export const TemplateRefSchema = z.object({ template_id: z.string(), version: z.string() }).loose();
export type TemplateRef = z.infer<typeof TemplateRefSchema>;

/** One hash entry: the concrete template and any tier templates (`tier0`, `tier1`, ...) it was layered on. */
export const VersionHashEntrySchema = z
  .object({
    artifact_type: z.string(),
    created: z.string(),
    hash_algorithm: z.string().default('SHA256'),
    concrete: TemplateRefSchema.optional(),
  })
  .catchall(z.unknown());
export type VersionHashEntry = z.infer<typeof VersionHashEntrySchema>;

export const TemplateRegistrySchema = z
  .object({
    version: z.string().optional(),
    version_hashes: z.record(VersionHashSchema, VersionHashEntrySchema),
    current_versions: z.record(z.string(), VersionHashSchema).default({}),
    templates: z.record(z.string(), z.unknown()).optional(),
    last_updated: z.string().optional(),
  })
  .loose();
export type TemplateRegistry = z.infer<typeof TemplateRegistrySchema>;

/** Tier entries must be template references; a current version should name a known hash (a warning: the seed prunes old hashes). */
export function checkTemplateRegistry(value: TemplateRegistry, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [hash, entry] of Object.entries(value.version_hashes)) {
    for (const [key, ref] of Object.entries(entry)) {
      if (!/^tier\d+$/.test(key)) continue;
      if (!TemplateRefSchema.safeParse(ref).success) {
        out.push(
          diagnosticAt(ctx, ['version_hashes', hash, key], {
            code: 'E_SCHEMA',
            message: `${key} must be {template_id, version}`,
          }),
        );
      }
    }
  }
  for (const [type, hash] of Object.entries(value.current_versions)) {
    if (!(hash in value.version_hashes)) {
      out.push(
        diagnosticAt(ctx, ['current_versions', type], {
          code: 'W_DANGLING_HASH',
          severity: 'warning',
          message: `current version ${hash} of "${type}" has no entry in version_hashes`,
          hint: 're-scaffold once with the current template to record it',
        }),
      );
    }
  }
  return out;
}
