import type * as Scaffolder from '@st3/scaffolder';
import { z } from 'zod';
import { resolveInside } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import { DiagnosticSchema, declares, withToolHint, type OutputOf, type Result } from './common.js';

const ChangeSchema = z.object({
  path: z.string(),
  action: z.enum(['create', 'update', 'unchanged', 'skip', 'conflict']),
  diff: z.string().optional(),
});
const StagedFileSchema = z.object({
  path: z.string(),
  artifactType: z.string(),
  templateId: z.string(),
  templateVersion: z.string(),
  versionHash: z.string(),
  content: z.string(),
});
const InjectedSchema = z.object({
  to: z.string(),
  action: z.enum(['inject', 'create', 'skip']),
  line: z.number().optional(),
});

const CONFLICT_CODE = 'E_CONFLICT';
const CONFLICT_HINT =
  'nothing was written; see each diff in error.details (or call again with dryRun: true); this tool never overwrites a file with other content: call again with skipExisting: true to keep it and write the rest, move the file away, or overwrite it with `st3 scaffold ... --force`';

export const scaffoldArtifactTool = defineTool({
  name: 'scaffold_artifact',
  title: 'Scaffold an artifact',
  area: 'scaffold',
  cli: 'st3 scaffold',
  description:
    'Render an artifact (dto, service, planning doc, commit message...) from its versioned template with a validated context. dryRun (default true) returns the planned files, their contents and diffs and writes nothing; dryRun false writes them (never overwriting a file with other content: that is a conflict, or with skipExisting the file is kept and the others written; the --force of `st3 scaffold` has no counterpart here). See list_artifact_types for the types and their context schemas.',
  input: z.object({
    type: z.string().min(1).describe('artifact type, e.g. dto, service, planning'),
    name: z.string().min(1).describe('the artifact name, e.g. UserProfile'),
    context: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("template context, validated against the type's context schema"),
    dryRun: z.boolean().default(true).describe('plan only (default true); false writes the files'),
    language: z.enum(['ts', 'py']).optional().describe('language of code artifacts (default from the registry)'),
    out: z
      .string()
      .min(1)
      .optional()
      .describe(
        'output file, or folder ending in /, a workspace path (default from the artifact registry), as `st3 scaffold --out`',
      ),
    pipeline: z
      .enum(['v1', 'v2'])
      .optional()
      .describe('loose (v1) or schema-first (v2); default from artifacts.yaml schema_first, else v2'),
    withTest: z.boolean().default(true).describe('generate the companion test (false: `st3 scaffold --no-test`)'),
    skipExisting: z
      .boolean()
      .default(false)
      .describe('keep files that exist with other content instead of reporting a conflict (`--skip-existing`)'),
  }),
  output: z.object({
    ok: z.boolean(),
    type: z.string(),
    dryRun: z.boolean(),
    pipeline: z.string(),
    ephemeral: z.string().optional(),
    changes: z.array(ChangeSchema),
    written: z.array(z.string()),
    files: z.array(StagedFileSchema),
    injected: z.array(InjectedSchema),
    warnings: z.array(DiagnosticSchema),
  }),
  annotations: WRITES,
  async run(args, { root }) {
    const { createScaffolder, renderedFileOrigin, schemaFirstFromEnv, writeRendered } = await import('@st3/scaffolder');
    const scaffolder = await createScaffolder({ workspace: root, schemaFirst: schemaFirstFromEnv(process.env) });
    // Checked before rendering: the same error code (E_PATH_ESCAPE) as every other path argument.
    if (args.out !== undefined) resolveInside(root, args.out);
    const result = scaffolder.render({
      type: args.type,
      name: args.name,
      context: args.context,
      ...(args.language ? { language: args.language } : {}),
      ...(args.pipeline ? { pipeline: args.pipeline } : {}),
      ...(args.out !== undefined ? { outPath: args.out } : {}),
      ...(args.withTest ? {} : { withTest: false }),
    });
    // The registry's own warnings first (`st3 scaffold` prints them before the render's).
    const warnings = [...scaffolder.warnings, ...result.warnings];
    const base = { type: args.type, dryRun: args.dryRun, pipeline: result.pipeline, warnings };
    if (result.ephemeral !== undefined)
      return { ...base, ok: true, ephemeral: result.ephemeral, changes: [], written: [], files: [], injected: [] };
    // The virtual tree refuses paths outside the root; checking here gives the same error code early.
    for (const f of result.files) resolveInside(root, f.path);
    // The tool never overwrites (the CLI's --force): the hint says what an agent can do instead.
    const report = await withToolHint(CONFLICT_CODE, CONFLICT_HINT, () =>
      writeRendered(scaffolder, result, {
        root,
        dryRun: args.dryRun,
        policy: args.skipExisting ? 'skip-if-exists' : 'refuse',
      }),
    );
    const files = report.files.map((f) => ({ ...renderedFileOrigin(f), content: f.content }));
    const { ok, changes, written, injected } = report;
    return { ...base, ok, changes, written, files, injected };
  },
  summary(r) {
    if (r.ephemeral !== undefined) return `${r.type} rendered (ephemeral: nothing to write)`;
    if (r.dryRun) {
      const conflicts = r.changes.filter((c) => c.action === 'conflict').length;
      return `dry run: ${r.changes.map((c) => `${c.action} ${c.path}`).join(', ')}${conflicts > 0 ? ` (${plural(conflicts, 'conflict')}: existing files differ)` : ''}; nothing was written`;
    }
    const kept = r.changes.filter((c) => c.action === 'skip').map((c) => c.path);
    const keptNote = kept.length > 0 ? `; kept ${kept.join(', ')} (they exist with other content)` : '';
    if (r.written.length > 0) return `wrote ${r.written.join(', ')}${keptNote}`;
    return kept.length > 0 ? `nothing written${keptNote}` : 'nothing to write: every file is unchanged';
  },
  failed: (r) => !r.ok,
});

export const listArtifactTypesTool = defineTool({
  name: 'list_artifact_types',
  title: 'List artifact types',
  area: 'scaffold',
  cli: 'st3 scaffold list',
  description:
    'The artifact types the workspace can scaffold, with their languages, templates and the JSON Schema of their context.',
  input: z.object({}),
  output: z.object({
    ok: z.literal(true),
    types: z.array(
      z.object({
        type: z.string(),
        family: z.string(),
        name: z.string(),
        description: z.string().optional(),
        outputType: z.enum(['file', 'ephemeral']),
        languages: z.array(z.string()),
        generateTest: z.boolean(),
        stateMachine: z.object({ states: z.array(z.string()), initial_state: z.string() }).optional(),
        source: z.enum(['builtin', 'workspace']),
        templates: z.array(z.string()),
        contextSchema: z.record(z.string(), z.unknown()).nullable(),
      }),
    ),
  }),
  annotations: READ_ONLY,
  async run(_args, { root }) {
    const { contextJsonSchema, createScaffolder } = await import('@st3/scaffolder');
    const scaffolder = await createScaffolder({ workspace: root });
    const types = scaffolder
      .listArtifactTypes()
      .map((t) => ({ ...t, contextSchema: contextJsonSchema(t.type) ?? null }));
    return { ok: true as const, types };
  },
  summary: (r) => `${plural(r.types.length, 'artifact type')}: ${r.types.map((t) => t.type).join(', ')}`,
});

export const checkScaffoldedTool = defineTool({
  name: 'check_scaffolded',
  title: 'Check scaffolded files',
  area: 'scaffold',
  cli: 'st3 scaffold check',
  description:
    'Find generated files by their provenance header and tell whether each was made by the current template version (current, outdated, modified since, unknown, malformed, conflict — markers or a .rej left by an update —, error — no verdict could be reached, with the typed error). isError when any is not current or modified.',
  input: z.object({
    paths: z.array(z.string().min(1)).optional().describe('files or folders (default: the whole workspace)'),
  }),
  output: z.object({
    ok: z.boolean(),
    files: z.array(
      z.object({
        path: z.string(),
        status: z.enum(['current', 'outdated', 'modified', 'unknown', 'malformed', 'conflict', 'error']),
        artifactType: z.string().optional(),
        version: z.string().optional(),
        from: z
          .object({
            template_id: z.string().optional(),
            version: z.string().optional(),
            created: z.string().optional(),
          })
          .optional(),
        currentVersion: z.string().optional(),
        modified: z.boolean().optional(),
        conflictMarkers: z.array(z.number()).optional(),
        reject: z.string().optional(),
        error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
        problems: z.array(z.string()).optional(),
      }),
    ),
    counts: z.object({
      current: z.number(),
      outdated: z.number(),
      modified: z.number(),
      unknown: z.number(),
      malformed: z.number(),
      conflict: z.number(),
      error: z.number(),
    }),
    failed: z.boolean(),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { checkFiles, createScaffolder } = await import('@st3/scaffolder');
    const scaffolder = await createScaffolder({ workspace: root });
    const report = await checkFiles(
      root,
      (args.paths ?? []).map((p) => resolveInside(root, p)),
      scaffolder,
    );
    return { ok: !report.failed, ...report };
  },
  summary: ({ files, counts: c }) =>
    `${files.length} generated file(s): ${c.current} current, ${c.outdated} outdated, ${c.modified} modified, ${c.unknown} unknown, ${c.malformed} malformed, ${c.conflict} conflict, ${c.error} error`,
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
type Rendered = Result<typeof Scaffolder.writeRendered>;
declares<OutputOf<typeof scaffoldArtifactTool>, Pick<Rendered, 'ok' | 'changes' | 'written' | 'injected'>>(true);
declares<z.output<typeof StagedFileSchema>, ReturnType<typeof Scaffolder.renderedFileOrigin>>(true);
declares<
  OutputOf<typeof listArtifactTypesTool>['types'][number],
  ReturnType<Result<typeof Scaffolder.createScaffolder>['listArtifactTypes']>[number]
>(true);
declares<OutputOf<typeof checkScaffoldedTool>, Result<typeof Scaffolder.checkFiles>>(true);
