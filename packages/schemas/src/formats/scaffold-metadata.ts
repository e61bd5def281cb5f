import { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import { diagnosticAt } from '../load/diagnostic-at.js';
import type { CheckContext } from '../load/load-document.js';

/** `.st3/config/scaffold_metadata.yaml`: how the two-line provenance header is written per comment syntax. */
export const CommentPatternSchema = z
  .object({
    syntax: z.string(),
    prefix: z.string(),
    filepath_line_regex: z.string(),
    metadata_line_regex: z.string(),
    extensions: z.array(z.string().regex(/^\./, 'an extension starting with a dot')).min(1),
  })
  .loose();
export type CommentPattern = z.infer<typeof CommentPatternSchema>;

export const MetadataFieldSchema = z
  .object({
    name: z.string(),
    format_regex: z.string(),
    required: z.boolean().default(false),
  })
  .loose();
export type MetadataField = z.infer<typeof MetadataFieldSchema>;

export const ScaffoldMetadataConfigSchema = z
  .object({
    version: z.string().optional(),
    comment_patterns: z.array(CommentPatternSchema).min(1),
    metadata_fields: z.array(MetadataFieldSchema),
  })
  .loose();
export type ScaffoldMetadataConfig = z.infer<typeof ScaffoldMetadataConfigSchema>;

/** Every regex must compile (as a JavaScript regex), and an extension may belong to one syntax only. */
export function checkScaffoldMetadata(value: ScaffoldMetadataConfig, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const regex = (path: (string | number)[], source: string) => {
    try {
      new RegExp(source);
    } catch (error) {
      out.push(
        diagnosticAt(ctx, path, {
          code: 'E_SCHEMA',
          message: `invalid regular expression: ${(error as Error).message}`,
          hint: 'write a JavaScript-compatible regex',
        }),
      );
    }
  };
  const owner = new Map<string, string>();
  value.comment_patterns.forEach((p, i) => {
    for (const key of ['prefix', 'filepath_line_regex', 'metadata_line_regex'] as const)
      regex(['comment_patterns', i, key], p[key]);
    p.extensions.forEach((ext, k) => {
      const other = owner.get(ext);
      if (other !== undefined && other !== p.syntax) {
        out.push(
          diagnosticAt(ctx, ['comment_patterns', i, 'extensions', k], {
            code: 'E_SCHEMA',
            message: `extension "${ext}" is already claimed by syntax "${other}"`,
            hint: 'an extension may use one comment syntax only',
          }),
        );
      } else owner.set(ext, p.syntax);
    });
  });
  value.metadata_fields.forEach((f, i) => regex(['metadata_fields', i, 'format_regex'], f.format_regex));
  return out;
}
