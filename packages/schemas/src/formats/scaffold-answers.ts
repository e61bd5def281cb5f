import { z } from 'zod';

/**
 * `.st3/scaffold/answers.json`: what each generated file was rendered from, so `st3 scaffold update`
 * can render it again (on the old template version for the merge base, on the current one for the
 * new text) and `st3 scaffold check` can tell a hand-edited file from a pristine one.
 */
export const ScaffoldAnswerSchema = z
  .object({
    artifact_type: z.string().describe('the artifact type of the request (dto, service, ...)'),
    role: z.enum(['main', 'test']).describe('the artifact itself, or its companion test'),
    name: z.string().describe('the name given on the command line'),
    language: z.enum(['ts', 'py']).optional().describe('language of code artifacts'),
    pipeline: z.enum(['v1', 'v2']),
    context: z.record(z.string(), z.unknown()).describe('the context as given; it passed validation'),
    out_path: z.string().describe('where the artifact was written (workspace-relative)'),
    test_path: z.string().optional().describe('where its companion test was written'),
    with_test: z.boolean(),
    base_dir: z.string().optional(),
    template_id: z.string().describe('e.g. dto.ts, or concrete/dto.py.jinja2'),
    template_version: z.string(),
    version_hash: z.string().regex(/^[0-9a-f]{8}$/, '8 lowercase hex digits'),
    engine: z.enum(['eta', 'nunjucks']).default('eta'),
    created: z.string().describe('the provenance `created=` stamp the file was rendered with'),
    updated: z.string().optional(),
    content_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe(
        'SHA-256 of the generated text with the header stamps blanked and CRLF folded to LF (tells a hand edit, not a CRLF checkout)',
      ),
  })
  .loose();
export type ScaffoldAnswer = z.infer<typeof ScaffoldAnswerSchema>;

export const ScaffoldAnswersSchema = z
  .object({
    version: z.literal('1.0').default('1.0'),
    files: z.record(z.string(), ScaffoldAnswerSchema).describe('keyed by workspace-relative path'),
  })
  .loose();
export type ScaffoldAnswers = z.infer<typeof ScaffoldAnswersSchema>;
