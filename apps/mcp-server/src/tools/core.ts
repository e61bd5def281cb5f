import { join } from 'node:path';
import { findKind, KINDS, notValidatedError, notValidatedText, St3Error, type FileVerdict } from '@st3/schemas';
import { z } from 'zod';
import { resolveInside } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import { DiagnosticSchema, pathsArg, declares } from './common.js';

const FileVerdictSchema = z.object({
  file: z.string(),
  kind: z.string().nullable(),
  valid: z.boolean(),
  errors: z.array(DiagnosticSchema),
  warnings: z.array(DiagnosticSchema),
  error: z
    .object({ code: z.string(), message: z.string(), hint: z.string().optional() })
    .optional()
    .describe(
      'the file could not be validated at all — missing (E_FILE_NOT_FOUND), unreadable (E_FILE_READ), of no known kind (E_KIND_UNKNOWN) — where `st3 validate` exits 2 or 3 rather than 1 (invalid)',
    ),
});

/** The verdict with `error` set when the file could not be validated (`notValidatedError`: missing, unreadable, unknown kind). */
function withError(v: FileVerdict): FileVerdict & { error?: { code: string; message: string; hint?: string } } {
  const worst = notValidatedError(v);
  if (!worst) return v;
  return { ...v, error: { code: worst.code, message: worst.message, ...(worst.hint ? { hint: worst.hint } : {}) } };
}

export const validateFilesTool = defineTool({
  name: 'validate_files',
  title: 'Validate ST3 files',
  area: 'core',
  cli: 'st3 validate',
  description:
    'Validate ST3 files (quality.yaml, artifacts.yaml, *.task.yaml, state.json, graphs, atoms...) against their schema; the kind is inferred from the file name unless given. Folders are searched for files of a known kind. Errors carry file:line:column and a hint. isError when a file is invalid.',
  input: z.object({
    paths: pathsArg,
    kind: z.string().optional().describe('validate every file as this kind instead of inferring it'),
  }),
  output: z.object({
    ok: z.boolean(),
    files: z.array(FileVerdictSchema),
    summary: z.object({
      files: z.number(),
      valid: z.number(),
      invalid: z.number(),
      not_validated: z
        .number()
        .describe('of the invalid files, those that could not be validated at all (missing, unreadable): with `error`'),
    }),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    if (args.kind !== undefined && !findKind(args.kind))
      throw new St3Error('E_KIND_UNKNOWN', `unknown kind "${args.kind}"`, {
        hint: `one of: ${KINDS.map((k) => k.name).join(', ')}`,
      });
    const { expandInputs, validateFiles } = await import('@st3/schemas');
    for (const p of args.paths) resolveInside(root, p);
    const files = await expandInputs(args.paths, root, { anyDocument: args.kind !== undefined });
    if (files.length === 0)
      throw new St3Error('E_FILE_NOT_FOUND', 'no ST3 file found in the folders given', {
        hint: 'name files directly, or pass kind',
      });
    const verdicts = (await validateFiles(files, root, args.kind)).map(withError);
    const valid = verdicts.filter((v) => v.valid).length;
    const notValidated = verdicts.filter((v) => v.error).length;
    return {
      ok: valid === verdicts.length,
      files: verdicts,
      summary: { files: verdicts.length, valid, invalid: verdicts.length - valid, not_validated: notValidated },
    };
  },
  summary(r) {
    const first = r.files.flatMap((v) => v.errors)[0];
    const where = first ? `${first.file ?? ''}${first.line ? `:${first.line}:${first.column ?? 1}` : ''}` : '';
    return `${plural(r.summary.files, 'file')}: ${r.summary.valid} valid, ${r.summary.invalid} invalid${notValidatedText(r.files)}${first ? `; first error: ${where} ${first.message}` : ''}`;
  },
  failed: (r) => !r.ok,
});

export const exportSchemasTool = defineTool({
  name: 'export_schemas',
  title: 'Export the JSON Schemas',
  area: 'core',
  cli: 'st3 schema export',
  description:
    'Write <kind>.schema.json for every ST3 format (quality config, artifact registry, task files, state, graphs, atoms...) into a folder of the workspace, for editors and other languages.',
  input: z.object({
    out: z.string().min(1).default('.st3/schemas').describe('target folder, relative to the workspace root'),
  }),
  output: z.object({ ok: z.literal(true), out: z.string(), files: z.array(z.string()) }),
  annotations: { ...WRITES, idempotentHint: true },
  async run(args, { root }) {
    const dir = resolveInside(root, args.out);
    const [{ writeJsonSchemas }, { writeFileAtomic }] = await Promise.all([import('@st3/schemas'), import('@st3/fs')]);
    const written = await writeJsonSchemas(dir, writeFileAtomic);
    return { ok: true as const, out: args.out, files: written.map((f) => join(args.out, f.slice(dir.length + 1))) };
  },
  summary: (r) => `wrote ${plural(r.files.length, 'JSON Schema')} to ${r.out}`,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<z.output<typeof FileVerdictSchema>, FileVerdict>(true);
