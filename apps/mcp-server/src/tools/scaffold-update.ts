import type * as Scaffolder from '@st3/scaffolder';
import { z } from 'zod';
import { resolveInside } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, WRITES } from '../tool.js';
import { declares, type OutputOf, type Result } from './common.js';

const UpdateStatusSchema = z.enum(['current', 'updated', 'conflict', 'missing', 'no-base', 'error']);

export const updateScaffoldedTool = defineTool({
  name: 'update_scaffolded',
  title: 'Update scaffolded files',
  area: 'scaffold',
  cli: 'st3 scaffold update',
  description:
    'Bring generated files up to their current template version by a 3-way merge (the version they were made with, your edits, the new version), from the answers recorded when they were scaffolded. dryRun (default true) reports what would change with diffs; conflicts get markers (or, with reject, a .rej file beside the file). isError when a conflict remains or a file could not be merged.',
  input: z.object({
    paths: z
      .array(z.string().min(1))
      .optional()
      .describe('files or folders (default: every file with recorded answers)'),
    dryRun: z.boolean().default(true).describe('report only (default true); false writes the merged files'),
    reject: z
      .boolean()
      .default(false)
      .describe("keep your text in conflicting regions and write the template's side to <file>.rej"),
  }),
  output: z.object({
    ok: z.boolean().describe('the verdict: not `failed`'),
    files: z.array(
      z.object({
        path: z.string(),
        status: UpdateStatusSchema,
        from: z.string().optional(),
        to: z.string().optional(),
        conflicts: z.array(z.number()).optional(),
        reject: z.string().optional(),
        diff: z.string().optional(),
        message: z.string().optional(),
      }),
    ),
    counts: z.record(UpdateStatusSchema, z.number()),
    failed: z.boolean(),
    written: z.array(z.string()),
    dryRun: z.boolean(),
    note: z.string().optional().describe('set when no recorded file was selected: nothing was done, and why'),
  }),
  annotations: { ...WRITES, destructiveHint: true },
  async run(args, { root }) {
    const { createScaffolder, schemaFirstFromEnv, updateFiles } = await import('@st3/scaffolder');
    const scaffolder = await createScaffolder({ workspace: root, schemaFirst: schemaFirstFromEnv(process.env) });
    const report = await updateFiles(root, scaffolder, {
      ...(args.paths ? { paths: args.paths.map((p) => resolveInside(root, p)) } : {}),
      dryRun: args.dryRun,
      reject: args.reject,
    });
    return { ok: !report.failed, ...report };
  },
  summary: (r) =>
    r.note ??
    `${r.dryRun ? 'dry run: ' : ''}${plural(r.files.length, 'generated file')}: ${
      Object.entries(r.counts)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'nothing recorded'
    }${r.written.length > 0 ? `; wrote ${r.written.join(', ')}` : ''}`,
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<OutputOf<typeof updateScaffoldedTool>, Result<typeof Scaffolder.updateFiles>>(true);
