import { defineCommand, EXIT } from '@st3/cli-kit';
import {
  attachEvidence,
  cacheExcerpt,
  checkExcerpts,
  contextDirFor,
  dropCachedExcerpt,
  EVIDENCE_LIMITS,
  initContext,
  purgeContext,
  readContext,
  readEvidenceIndex,
  updateContext,
  verifyEvidence,
  verifySnapshot,
} from '@st3/evidence';
import type { EvidenceType } from '@st3/schemas';
import { needOption, parseMeta, setup, TASK_ID } from './common.js';

const init = defineCommand({
  name: 'init',
  summary: 'create the task context: completeness check, snapshot + SHA-256, cited standards, checklists',
  args: [{ name: 'task', description: 'the task id or task file', required: true }],
  examples: ['st3 tasks context init TASK-0123', 'st3 tasks context init tasks/TASK-0123-x.task.yaml --json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const result = await initContext(ws, ctx.args.task, { tool: '@st3/tasks-cli' });
    for (const w of result.warnings) out.warn(`${w.code}: ${w.message}`);
    if (out.json) out.document({ ok: true, dir: result.dir, context: result.context });
    else
      out.line(
        `context of ${result.context.manifest.task_id} created in ${result.dir} (${result.context.standards.length} standards excerpt(s), ${result.context.validation_commands.length} validation command(s))`,
      );
    return EXIT.ok;
  },
});

const show = defineCommand({
  name: 'show',
  summary: 'show a task context (manifest, immutable snapshot, evidence, standards, validation)',
  args: TASK_ID,
  examples: ['st3 tasks context show TASK-0123', 'st3 tasks context show TASK-0123 --json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const id = ctx.args.id.toUpperCase();
    const context = await readContext(ws, id);
    const snapshotOk = await verifySnapshot(ws, context);
    if (out.json) out.document({ ok: true, snapshot_intact: snapshotOk, context });
    else {
      out.line(`${id}: ${context.immutable.title}`);
      out.line(
        `task file: ${context.manifest.task_file} (snapshot ${context.immutable.snapshot.sha256.slice(0, 12)} ${snapshotOk ? 'intact' : out.color.red('CHANGED')})`,
      );
      out.line(
        `evidence: ${context.evidence.length}   standards: ${context.standards.length}   validation commands: ${context.validation_commands.length}   runs: ${context.validation_runs.length}`,
      );
      out.line(
        `worktree snapshot: ${context.worktree ? `${context.worktree.head ?? '(no commit)'} with ${context.worktree.dirty.length} dirty file(s)` : 'none'}`,
      );
      for (const w of context.warnings) out.warn(`${w.code}: ${w.message}`);
    }
    return EXIT.ok;
  },
});

const purge = defineCommand({
  name: 'purge',
  summary: 'delete a task context and everything in it (evidence, excerpts, snapshots)',
  args: TASK_ID,
  examples: ['st3 tasks context purge TASK-0123'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const id = ctx.args.id.toUpperCase();
    const result = await purgeContext(ws, id);
    if (out.json) out.document({ ok: true, task_id: id, removed: result.removed, dir: result.dir });
    else out.line(result.removed ? `purged ${result.dir}` : `${id} had no context`);
    return EXIT.ok;
  },
});

export const context = defineCommand({
  name: 'context',
  summary: 'task context store: init, show, purge',
  examples: [
    'st3 tasks context init TASK-0123',
    'st3 tasks context show TASK-0123 --json',
    'st3 tasks context purge TASK-0123',
  ],
  subcommands: { init, show, purge },
});

const attach = defineCommand({
  name: 'attach',
  summary: 'attach evidence (hashed, size-checked; a folder becomes a deterministic tar.zst)',
  args: TASK_ID,
  options: {
    type: {
      type: 'string',
      valueName: 'T',
      description: `required: ${Object.entries(EVIDENCE_LIMITS)
        .map(
          ([t, l]) =>
            `${t} (${t === 'directory' ? 'archived, ' : ''}≤ ${l >= 1e6 ? `${l / 1e6} MB` : `${l / 1e3} KB`})`,
        )
        .join(', ')}`,
    },
    file: {
      type: 'string',
      valueName: 'PATH',
      description: 'required: the file or folder (relative to the workspace)',
    },
    description: { type: 'string', valueName: 'TEXT', description: 'what it shows (≤ 200 characters)' },
    meta: {
      type: 'string',
      multiple: true,
      valueName: 'key=value',
      description: 'metadata; qa_output needs command, exit_code, duration_ms',
    },
    'allow-outside': { type: 'boolean', description: 'accept a path outside the workspace' },
  },
  examples: [
    'st3 tasks evidence attach TASK-0123 --type log --file build.log --description "build log"',
    'st3 tasks evidence attach TASK-0123 --type directory --file coverage --description "coverage report"',
    'st3 tasks evidence attach TASK-0123 --type qa_output --file test.txt --description "unit tests" --meta command="pnpm test" --meta exit_code=0 --meta duration_ms=5120',
  ],
  async run(ctx) {
    const { values, io, usage } = ctx;
    const { out, ws } = await setup(ctx);
    const id = ctx.args.id.toUpperCase();
    const type = needOption(values.type, '--type', usage) as EvidenceType;
    const result = await attachEvidence(ws, id, {
      type,
      source: needOption(values.file, '--file', usage),
      description: values.description ?? '',
      metadata: parseMeta(values.meta),
      allowOutside: values['allow-outside'] === true,
      signal: io.signal,
    });
    for (const w of result.warnings) out.warn(w.message);
    if (out.json) out.document({ ok: true, created: result.created, entry: result.entry });
    else
      out.line(
        `${result.created ? 'attached' : 'already attached'} ${result.entry.id} (${result.entry.type}, ${result.entry.size} bytes) as evidence/${result.entry.stored}`,
      );
    return EXIT.ok;
  },
});

const list = defineCommand({
  name: 'list',
  summary: 'list the evidence attached to a task',
  args: TASK_ID,
  examples: ['st3 tasks evidence list TASK-0123 --json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const id = ctx.args.id.toUpperCase();
    await readContext(ws, id);
    const index = await readEvidenceIndex(ws, id);
    if (out.json)
      out.document({ ok: true, task_id: id, dir: `${contextDirFor(ws, id)}/evidence`, entries: index.entries });
    else
      for (const e of index.entries)
        out.line(`${e.id}  ${e.type.padEnd(10)} ${String(e.size).padStart(10)}  ${e.description}`);
    return EXIT.ok;
  },
});

const verify = defineCommand({
  name: 'verify',
  summary: 're-hash every attachment and report what changed or went missing',
  args: TASK_ID,
  examples: ['st3 tasks evidence verify TASK-0123'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const report = await verifyEvidence(ws, ctx.args.id.toUpperCase());
    if (out.json) out.document(report);
    else {
      for (const c of report.changed)
        out.line(`changed: ${c.stored} (expected ${c.expected.slice(0, 16)}, now ${c.actual.slice(0, 16)})`);
      for (const m of report.missing) out.line(`missing: ${m.stored}`);
      for (const p of report.indexProblems) out.line(`index: ${p.id} ${p.problem}`);
      out.line(`${report.checked} attachment(s) checked: ${report.ok ? 'all intact' : 'problems found'}`);
    }
    return report.ok ? EXIT.ok : EXIT.problems;
  },
});

export const evidence = defineCommand({
  name: 'evidence',
  summary: 'evidence attachments: attach, list, verify',
  examples: [
    'st3 tasks evidence attach TASK-0123 --type log --file build.log --description "build log"',
    'st3 tasks evidence verify TASK-0123 --json',
  ],
  subcommands: { attach, list, verify },
});

const sattach = defineCommand({
  name: 'attach',
  summary: 'cache the section of a standards file (by heading text or anchor) under the task',
  args: TASK_ID,
  options: {
    file: {
      type: 'string',
      valueName: 'FILE',
      description: 'required: the standards file (relative to the workspace)',
    },
    section: { type: 'string', valueName: 'S', description: 'required: the heading text or anchor of the section' },
  },
  examples: ['st3 tasks standards attach TASK-0123 --file standards/backend-tier.md --section "Domain Service Layer"'],
  async run(ctx) {
    const { values, usage } = ctx;
    const { out, ws } = await setup(ctx);
    const id = ctx.args.id.toUpperCase();
    const file = needOption(values.file, '--file', usage);
    const section = needOption(values.section, '--section', usage);
    const excerpt = await updateContext(ws, id, async (ctx, dir) => {
      const e = await cacheExcerpt({ root: ws.root, contextDir: dir, file, section });
      ctx.standards = ctx.standards.filter((s) => !(s.file === e.file && s.section === e.section));
      ctx.standards.push(e);
      return e;
    });
    if (out.json) out.document({ ok: true, excerpt });
    else out.line(`cached ${excerpt.file}#${excerpt.section} as standards/${excerpt.id}.md`);
    return EXIT.ok;
  },
});

const sverify = defineCommand({
  name: 'verify',
  summary: 'detect excerpts gone stale because the standard changed; --invalidate drops them',
  args: TASK_ID,
  options: { invalidate: { type: 'boolean', description: 'remove stale excerpts from the context and the cache' } },
  examples: ['st3 tasks standards verify TASK-0123', 'st3 tasks standards verify TASK-0123 --invalidate --json'],
  async run(ctx) {
    const { values } = ctx;
    const { out, ws } = await setup(ctx);
    const id = ctx.args.id.toUpperCase();
    const checks = await updateContext(ws, id, async (ctx, dir) => {
      const results = await checkExcerpts(ws.root, dir, ctx.standards);
      for (const r of results) {
        if (r.status === 'fresh') continue;
        if (values.invalidate) {
          await dropCachedExcerpt(dir, r.excerpt);
          ctx.standards = ctx.standards.filter((s) => s !== r.excerpt);
        } else r.excerpt.stale = true;
      }
      return results;
    });
    const stale = checks.filter((c) => c.status !== 'fresh');
    if (out.json)
      out.document({
        ok: stale.length === 0,
        invalidated: values.invalidate === true ? stale.length : 0,
        excerpts: checks.map((c) => ({
          id: c.excerpt.id,
          file: c.excerpt.file,
          section: c.excerpt.section,
          status: c.status,
        })),
      });
    else {
      for (const c of checks)
        out.line(`${c.excerpt.id}  ${c.status.padEnd(15)} ${c.excerpt.file}#${c.excerpt.section}`);
      if (stale.length > 0 && values.invalidate) out.line(`${stale.length} stale excerpt(s) invalidated`);
    }
    return stale.length === 0 ? EXIT.ok : EXIT.problems;
  },
});

export const standards = defineCommand({
  name: 'standards',
  summary: 'standards excerpts: attach a section, verify (stale detection)',
  examples: ['st3 tasks standards attach TASK-0123 --file standards/global.md --section "Release Gates"'],
  subcommands: { attach: sattach, verify: sverify },
});
