import { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import { diagnosticAt } from '../load/diagnostic-at.js';
import type { CheckContext } from '../load/load-document.js';

/** `.st3/config/project_structure.yaml`: directory policies (which artifact types and extensions go where). */
export const DirectoryPolicySchema = z
  .object({
    parent: z.string().nullable().default(null),
    description: z.string().optional(),
    allowed_artifact_types: z
      .array(z.string())
      .optional()
      .describe('the artifact types scaffolded here; overrides the parent; absent = inherited; [] = none'),
    allowed_extensions: z.array(z.string()).optional().describe('absent = inherited from the parent; [] = anything'),
    require_scaffold_for: z
      .array(z.string())
      .optional()
      .describe('globs relative to the directory; cumulative with the parent'),
  })
  .loose();
export type DirectoryPolicy = z.infer<typeof DirectoryPolicySchema>;

export const ProjectStructureSchema = z
  .object({
    version: z.string().optional(),
    directories: z.record(z.string(), DirectoryPolicySchema),
  })
  .loose();
export type ProjectStructure = z.infer<typeof ProjectStructureSchema>;

/** A parent must be a declared directory and a prefix of the child path. */
export function checkProjectStructure(value: ProjectStructure, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [dir, policy] of Object.entries(value.directories)) {
    const parent = policy.parent;
    if (parent === null) continue;
    const path = ['directories', dir, 'parent'];
    if (!(parent in value.directories))
      out.push(
        diagnosticAt(ctx, path, { code: 'E_SCHEMA', message: `parent "${parent}" is not a declared directory` }),
      );
    else if (!dir.startsWith(`${parent}/`))
      out.push(
        diagnosticAt(ctx, path, { code: 'E_SCHEMA', message: `parent "${parent}" is not a prefix of "${dir}"` }),
      );
  }
  return out;
}
