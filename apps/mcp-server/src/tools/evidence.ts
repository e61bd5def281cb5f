import type * as Evidence from '@st3/evidence';
import { ArchiveIndexSchema, EvidenceEntrySchema, EvidenceTypeSchema, StandardsExcerptSchema } from '@st3/schemas';
import { z } from 'zod';
import { shownPath } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import {
  agentArg,
  agentOf,
  DiagnosticSchema,
  taskIdArg,
  workspacePath,
  declares,
  type OutputOf,
  type Result,
} from './common.js';
import { readsHandle, taskOf, taskTelemetryOf } from './tasks.js';

export const evidenceAttachTool = defineTool({
  name: 'evidence_attach',
  title: 'Attach evidence',
  area: 'tasks',
  cli: 'st3 tasks evidence attach',
  description:
    'Attach a workspace file or folder to a task as evidence: hashed, size-checked by type (a folder becomes a deterministic tar.zst), recorded in the evidence index. Idempotent per content. qa_output needs metadata command, exit_code and duration_ms.',
  input: z.object({
    id: taskIdArg,
    type: EvidenceTypeSchema,
    path: z.string().min(1).describe('the file or folder, relative to the workspace root'),
    description: z
      .string()
      .max(200)
      .default('')
      .describe('what it shows: needed (left out or blank, E_EVIDENCE_INVALID as in the CLI)'),
    metadata: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('e.g. {command, exit_code, duration_ms} for qa_output'),
    agent: agentArg,
  }),
  output: z.object({
    ok: z.literal(true),
    created: z.boolean(),
    entry: EvidenceEntrySchema,
    left_out: ArchiveIndexSchema.shape.left_out
      .unwrap()
      .describe(
        'a folder: the entries its archive does not hold (symlinks leading out of it, special files), as in `st3 tasks evidence attach --json`',
      ),
    warnings: z.array(DiagnosticSchema),
  }),
  annotations: WRITES,
  async run(args, { root, signal }) {
    const { ws, id } = await taskOf(root, args.id);
    const { attachEvidence } = await import('@st3/evidence');
    const result = await attachEvidence(ws, id, {
      type: args.type,
      source: workspacePath(root, args.path),
      description: args.description,
      metadata: args.metadata,
      signal,
    });
    await taskTelemetryOf(ws, id, agentOf(args.agent), (t) => {
      for (const w of result.warnings) t.warn('warning', `${w.code}: ${w.message}`);
    });
    const { created, entry, leftOut, warnings } = result;
    return { ok: true as const, created, entry, left_out: leftOut, warnings };
  },
  summary: (r) =>
    `${r.created ? 'attached' : 'already attached'} ${r.entry.id} (${r.entry.type}, ${r.entry.size} bytes) as evidence/${r.entry.stored}${r.left_out.length > 0 ? `; ${r.left_out.length} left out of the archive: ${r.left_out.map((l) => `${l.path} (${l.kind})`).join(', ')}` : ''}`,
});

export const evidenceListTool = defineTool({
  name: 'evidence_list',
  title: 'List evidence',
  area: 'tasks',
  cli: 'st3 tasks evidence list',
  description:
    'The evidence attached to a task, from its evidence index (an index that lacks an attachment context.json lists is E_CONTEXT_CORRUPT).',
  input: z.object({ id: taskIdArg }),
  output: z.object({
    ok: z.literal(true),
    task_id: z.string(),
    dir: z.string().describe('the evidence folder, workspace-relative'),
    entries: z.array(EvidenceEntrySchema),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { ws, id } = await taskOf(root, args.id);
    const { contextDirFor, listEvidence } = await import('@st3/evidence');
    const entries = await listEvidence(ws, id);
    return { ok: true as const, task_id: id, dir: shownPath(root, `${contextDirFor(ws, id)}/evidence`), entries };
  },
  summary: (r) =>
    `${r.task_id}: ${plural(r.entries.length, 'attachment')}${r.entries.length > 0 ? ` (${r.entries.map((e) => e.type).join(', ')})` : ''}`,
});

export const evidenceVerifyTool = defineTool({
  name: 'evidence_verify',
  title: 'Verify evidence',
  area: 'tasks',
  cli: 'st3 tasks evidence verify',
  description:
    'Re-hash every attachment of a task and report what changed, went missing, was replaced by a symlink or cannot be read. isError when any did, and when the task has no evidence (nothing verified).',
  input: z.object({ id: taskIdArg }),
  output: z.object({
    ok: z.boolean(),
    checked: z.number(),
    changed: z.array(z.object({ id: z.string(), stored: z.string(), expected: z.string(), actual: z.string() })),
    missing: z.array(z.object({ id: z.string(), stored: z.string() })),
    replaced: z.array(z.object({ id: z.string(), stored: z.string(), reason: z.string() })),
    unreadable: z.array(z.object({ id: z.string(), stored: z.string(), code: z.string(), reason: z.string() })),
    indexProblems: z.array(z.object({ id: z.string(), problem: z.string() })),
    no_evidence: z.boolean(),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { ws, id } = await taskOf(root, args.id);
    const { verifyEvidence } = await import('@st3/evidence');
    return verifyEvidence(ws, id);
  },
  summary: (r) =>
    r.no_evidence
      ? 'no evidence attached: nothing verified'
      : `${plural(r.checked, 'attachment')} checked: ${r.ok ? 'all intact' : `${r.changed.length} changed, ${r.missing.length} missing, ${r.replaced.length} replaced, ${r.unreadable.length} unreadable, ${plural(r.indexProblems.length, 'index problem')}`}`,
  failed: (r) => !r.ok,
});

export const standardsAttachTool = defineTool({
  name: 'standards_attach',
  title: 'Attach a standards section',
  area: 'tasks',
  cli: 'st3 tasks standards attach',
  description:
    "Cache a section of a standards Markdown file (by heading text or anchor) in the task's context, with its SHA-256, so agents read the excerpt rather than the whole standard.",
  input: z.object({
    id: taskIdArg,
    file: z.string().min(1).describe('standards file, e.g. standards/backend-tier.md'),
    section: z.string().min(1).describe('heading text or anchor'),
    agent: agentArg,
  }),
  output: z.object({ ok: z.literal(true), excerpt: StandardsExcerptSchema }),
  annotations: WRITES,
  async run(args, { root }) {
    const { ws, id } = await taskOf(root, args.id);
    const { cacheExcerpt, updateContext } = await import('@st3/evidence');
    const file = workspacePath(root, args.file);
    const { telemetry, reads } = readsHandle();
    const excerpt = await updateContext(ws, id, async (ctx, dir) => {
      const e = await cacheExcerpt({ root: ws.root, contextDir: dir, file, section: args.section, telemetry });
      ctx.standards = ctx.standards.filter((s) => !(s.file === e.file && s.section === e.section));
      ctx.standards.push(e);
      return e;
    });
    await taskTelemetryOf(ws, id, agentOf(args.agent), (t) => {
      for (const [p, n] of reads) t.fileRead(p, n);
    });
    return { ok: true as const, excerpt };
  },
  summary: ({ excerpt: e }) => `cached ${e.file}#${e.section} as standards/${e.id}.md`,
});

export const standardsVerifyTool = defineTool({
  name: 'standards_verify',
  title: 'Verify standards excerpts',
  area: 'tasks',
  cli: 'st3 tasks standards verify',
  description:
    "Detect a task's excerpts gone stale because the standard changed (or its section or file is gone); invalidate drops them. isError when any is stale, and when the task has no excerpt (no_excerpts: verifying nothing is no pass).",
  input: z.object({
    id: taskIdArg,
    invalidate: z.boolean().default(false).describe('remove stale excerpts from the context and the cache'),
  }),
  output: z.object({
    ok: z.boolean(),
    no_excerpts: z.boolean().describe('the task has no cached excerpt: nothing was verified, which is no pass'),
    invalidated: z.number(),
    excerpts: z.array(
      z.object({
        id: z.string(),
        file: z.string(),
        section: z.string(),
        status: z.enum(['fresh', 'stale', 'missing_section', 'missing_file', 'cache_changed']),
      }),
    ),
  }),
  annotations: WRITES,
  async run(args, { root }) {
    const { ws, id } = await taskOf(root, args.id);
    const { checkExcerpts, dropCachedExcerpt, excerptsVerdict, updateContext } = await import('@st3/evidence');
    const checks = await updateContext(ws, id, async (ctx, dir) => {
      const results = await checkExcerpts(ws.root, dir, ctx.standards);
      for (const r of results) {
        if (r.status === 'fresh') continue;
        if (args.invalidate) {
          await dropCachedExcerpt(dir, r.excerpt);
          ctx.standards = ctx.standards.filter((s) => s !== r.excerpt);
        } else r.excerpt.stale = true;
      }
      return results;
    });
    // Verifying no excerpt is no pass: ok only when excerpts were checked and all are fresh.
    const verdict = excerptsVerdict(checks);
    return {
      ok: verdict.ok,
      no_excerpts: verdict.no_excerpts,
      invalidated: args.invalidate ? verdict.stale : 0,
      excerpts: checks.map((c) => ({
        id: c.excerpt.id,
        file: c.excerpt.file,
        section: c.excerpt.section,
        status: c.status,
      })),
    };
  },
  summary: (r) =>
    r.no_excerpts
      ? 'no standards excerpt: the task has none cached, nothing verified'
      : `${plural(r.excerpts.length, 'excerpt')}: ${r.excerpts.filter((e) => e.status === 'fresh').length} fresh${r.invalidated > 0 ? `, ${r.invalidated} invalidated` : ''}`,
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<OutputOf<typeof evidenceVerifyTool>, Result<typeof Evidence.verifyEvidence>>(true);
declares<OutputOf<typeof evidenceAttachTool>['left_out'], Result<typeof Evidence.attachEvidence>['leftOut']>(true);
