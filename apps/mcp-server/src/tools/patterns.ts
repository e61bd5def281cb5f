import type * as Parity from '@st3/parity';
import type * as Scaffolder from '@st3/scaffolder';
import { z } from 'zod';
import { resolveInside, shownPath, shownPathsIn } from '../paths.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import { batchSummary } from './batch-summary.js';
import { DiagnosticSchema, declares, type OutputOf, type Result } from './common.js';

// The pattern-registry and parity tools of the scaffold area (scaffold.ts holds the artifact tools).

const PhaseSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);
const FileStatusSchema = z.enum(['planned', 'created', 'updated', 'unchanged', 'kept', 'failed']);
const BatchFileSchema = z.object({
  path: z.string(),
  phase: z.union([z.literal(1), z.literal(2)]),
  pattern: z.string().optional(),
  action: z.enum(['create', 'update', 'unchanged', 'kept']),
  status: FileStatusSchema,
  note: z.string().optional(),
  diff: z.string().optional(),
});

export const scaffoldBatchTool = defineTool({
  name: 'scaffold_batch',
  title: 'Generate from a pattern registry',
  area: 'scaffold',
  cli: 'st3 scaffold batch',
  description:
    'Batch generation from a pattern registry (PATTERN_INDEX.yaml): phase 1 doc ids, phase 2 schemas, examples and scaffolds, phase 3 the report; batches are atomic (a failed batch is rolled back). dryRun (default true) plans only. Sends progress per batch when asked. isError when a batch failed or a pattern has an error (notes with severity error; in a dry run too).',
  input: z.object({
    registry: z.string().min(1).describe('PATTERN_INDEX.yaml or the folder holding it'),
    phases: z
      .array(z.union([z.literal(1), z.literal(2), z.literal(3)]))
      .optional()
      .describe('phases to run (default all)'),
    dryRun: z.boolean().default(true).describe('plan only (default true)'),
    batchSize: z.number().int().positive().default(25).describe('patterns per atomic batch'),
    only: z.array(z.string().min(1)).optional().describe('only these pattern ids'),
    diffs: z.boolean().default(false).describe('include unified diffs of planned updates'),
  }),
  output: z.object({
    registry: z.string(),
    linkBase: z.string(),
    dryRun: z.boolean(),
    phases: z.array(PhaseSchema),
    ok: z.boolean(),
    counts: z.record(FileStatusSchema, z.number()),
    batches: z.array(
      z.object({
        phase: z.union([z.literal(1), z.literal(2)]),
        index: z.number(),
        patterns: z.array(z.string()),
        ok: z.boolean(),
        error: z
          .object({ code: z.string(), message: z.string(), file: z.string().optional(), line: z.number().optional() })
          .optional(),
        files: z.array(BatchFileSchema),
      }),
    ),
    files: z.array(BatchFileSchema),
    notes: z.array(
      z.object({
        pattern: z.string(),
        phase: z.union([z.literal(1), z.literal(2)]),
        severity: z.enum(['warning', 'error']),
        kind: z.string().optional(),
        message: z.string(),
      }),
    ),
    missingSpecs: z.array(z.string()),
    skipped: z.array(DiagnosticSchema),
  }),
  annotations: WRITES,
  async run(args, { root, signal, progress }) {
    const { loadPatternWorkspace, runPatternBatch } = await import('@st3/scaffolder');
    const registry = resolveInside(root, args.registry);
    // Links (and so the files written) resolve from the registry's link base: it must not lie outside the workspace.
    resolveInside(root, (await loadPatternWorkspace(registry)).linkBase);
    let done = 0;
    return runPatternBatch(registry, {
      ...(args.phases ? { phases: args.phases } : {}),
      dryRun: args.dryRun,
      batchSize: args.batchSize,
      ...(args.only ? { only: args.only } : {}),
      diffs: args.diffs,
      signal,
      onBatch: (b) =>
        progress({ progress: ++done, message: `phase ${b.phase} batch ${b.index + 1}: ${b.ok ? 'ok' : 'failed'}` }),
    });
  },
  summary: (r) => batchSummary(r),
  failed: (r) => !r.ok,
});

type PatternReport = Result<typeof Scaffolder.checkPatterns>;

/** The report with its paths named from the workspace root, as tools name files (the library's are absolute). */
function workspaceRelative(root: string, report: PatternReport): PatternReport {
  return {
    ...report,
    registry: shownPath(root, report.registry),
    linkBase: shownPath(root, report.linkBase),
    findings: report.findings.map((f) => ({
      ...f,
      ...(f.file !== undefined ? { file: shownPath(root, f.file) } : {}),
      message: shownPathsIn(root, f.message),
      ...(f.hint !== undefined ? { hint: shownPathsIn(root, f.hint) } : {}),
    })),
  };
}

export const checkPatternsTool = defineTool({
  name: 'check_patterns',
  title: 'Check a pattern registry',
  area: 'scaffold',
  cli: 'st3 patterns check',
  description:
    'Compliance check of a pattern registry: schema, doc ids, links, sidecars, DOC_LINK headers, with the settings of .st3/config/patterns.yaml (registry, rules, required_folders, link_fields, link_base) under the arguments given. Findings carry file:line:col and the rule. isError on any error.',
  input: z.object({
    registry: z
      .string()
      .min(1)
      .optional()
      .describe(
        'PATTERN_INDEX.yaml or the folder holding it (default: registry of .st3/config/patterns.yaml, else patterns/)',
      ),
    rules: z
      .record(z.string(), z.enum(['error', 'warning', 'off']))
      .optional()
      .describe('rule levels over those of .st3/config/patterns.yaml, e.g. {"link-separator": "off"}'),
    requireFolders: z
      .array(z.string().min(1))
      .optional()
      .describe('folders that must exist beside the registry (default: required_folders of patterns.yaml, else specs)'),
    linkBase: z
      .string()
      .min(1)
      .optional()
      .describe('resolve registry links from this folder (default: link_base of patterns.yaml, else guessed)'),
  }),
  output: z.object({
    registry: z.string(),
    linkBase: z.string(),
    ok: z.boolean(),
    patterns: z.number(),
    findings: z.array(DiagnosticSchema.extend({ rule: z.string() })),
    byRule: z.record(z.string(), z.number()),
    errors: z.number(),
    warnings: z.number(),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { checkPatterns, loadPatternWorkspace, resolvePatternCheck } = await import('@st3/scaffolder');
    // Given paths must not leave the workspace (checked before the rules file is read).
    if (args.registry) resolveInside(root, args.registry);
    if (args.linkBase) resolveInside(root, args.linkBase);
    const { registry, options } = await resolvePatternCheck({
      root,
      ...(args.registry ? { registry: args.registry } : {}),
      ...(args.rules ? { rules: args.rules } : {}),
      ...(args.requireFolders ? { requiredFolders: args.requireFolders } : {}),
      ...(args.linkBase ? { linkBase: args.linkBase } : {}),
    });
    // Nor may the registry and link base patterns.yaml names: what the check reads resolves from the link base.
    resolveInside(root, registry);
    resolveInside(root, (await loadPatternWorkspace(registry, { linkBase: options.linkBase })).linkBase);
    return workspaceRelative(root, await checkPatterns(registry, options));
  },
  summary: (r) => `${r.patterns} patterns, ${r.errors} error(s), ${r.warnings} warning(s)`,
  failed: (r) => !r.ok,
});

export const parityCompareTool = defineTool({
  name: 'parity_compare',
  title: 'Compare two renderings',
  area: 'scaffold',
  cli: 'st3 parity compare',
  description:
    'Compare two files: identical, equivalent after normalization (naming the rules that were needed), or different (with a unified diff and the first differing line). isError when they differ.',
  input: z.object({
    left: z.string().min(1).describe('first file'),
    right: z.string().min(1).describe('second file'),
    language: z
      .enum(['typescript', 'python', 'markdown', 'yaml', 'json', 'text'])
      .optional()
      .describe('normalization preset (default: from the extension)'),
  }),
  output: z.object({
    ok: z.boolean(),
    kind: z.enum(['identical', 'equivalent', 'different']),
    rules: z.array(z.string()).optional(),
    diff: z.string().optional(),
    firstDifference: z
      .object({ line: z.number(), left: z.string().optional(), right: z.string().optional() })
      .optional(),
    binary: z
      .object({ offset: z.number() })
      .optional()
      .describe('set when a file is not UTF-8 text: compared byte for byte from this offset'),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { compareFiles } = await import('@st3/parity');
    const verdict = await compareFiles(resolveInside(root, args.left), resolveInside(root, args.right), {
      labels: [args.left, args.right],
      ...(args.language ? { language: args.language } : {}),
    });
    return { ok: verdict.kind !== 'different', ...verdict };
  },
  summary: (r) =>
    r.kind === 'identical'
      ? 'identical'
      : r.kind === 'equivalent'
        ? `equivalent after ${r.rules?.join(', ') || 'normalization'}`
        : r.binary
          ? `different bytes from offset ${r.binary.offset}`
          : `different from line ${r.firstDifference?.line ?? '?'}`,
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<OutputOf<typeof scaffoldBatchTool>, Result<typeof Scaffolder.runPatternBatch>>(true);
declares<OutputOf<typeof checkPatternsTool>, Result<typeof Scaffolder.checkPatterns>>(true);
declares<OutputOf<typeof parityCompareTool>, Result<typeof Parity.compareFiles>>(true);
