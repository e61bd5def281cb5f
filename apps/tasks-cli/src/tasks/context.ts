import { defineCommand, dispatchSubcommand, EXIT } from '@st3/cli-kit';
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
import { needArg, parseMeta, setup } from './common.js';

const INIT_USAGE = 'st3 tasks context init <id|file> [--json]';
const init = defineCommand({
  name: 'init',
  summary: 'create the task context: completeness check, snapshot + SHA-256, cited standards, checklists',
  usage: INIT_USAGE,
  examples: ['st3 tasks context init TASK-0123', 'st3 tasks context init tasks/TASK-0123-x.task.yaml --json'],
  async run(argv, io) {
    const { positionals, out, ws } = await setup(argv, io, {}, INIT_USAGE);
    const result = await initContext(ws, needArg(positionals[0], 'task id', INIT_USAGE), { tool: '@st3/tasks-cli' });
    for (const w of result.warnings) out.warn(`${w.code}: ${w.message}`);
    if (out.json) out.document({ ok: true, dir: result.dir, context: result.context });
    else
      out.line(
        `context of ${result.context.manifest.task_id} created in ${result.dir} (${result.context.standards.length} standards excerpt(s), ${result.context.validation_commands.length} validation command(s))`,
      );
    return EXIT.ok;
  },
});

const SHOW_USAGE = 'st3 tasks context show <id> [--json]';
const show = defineCommand({
  name: 'show',
  summary: 'show a task context (manifest, immutable snapshot, evidence, standards, validation)',
  usage: SHOW_USAGE,
  examples: ['st3 tasks context show TASK-0123', 'st3 tasks context show TASK-0123 --json'],
  async run(argv, io) {
    const { positionals, out, ws } = await setup(argv, io, {}, SHOW_USAGE);
    const id = needArg(positionals[0], 'task id', SHOW_USAGE).toUpperCase();
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

const PURGE_USAGE = 'st3 tasks context purge <id> [--json]';
const purge = defineCommand({
  name: 'purge',
  summary: 'delete a task context and everything in it (evidence, excerpts, snapshots)',
  usage: PURGE_USAGE,
  examples: ['st3 tasks context purge TASK-0123'],
  async run(argv, io) {
    const { positionals, out, ws } = await setup(argv, io, {}, PURGE_USAGE);
    const id = needArg(positionals[0], 'task id', PURGE_USAGE).toUpperCase();
    const result = await purgeContext(ws, id);
    if (out.json) out.document({ ok: true, task_id: id, removed: result.removed, dir: result.dir });
    else out.line(result.removed ? `purged ${result.dir}` : `${id} had no context`);
    return EXIT.ok;
  },
});

export const context = defineCommand({
  name: 'context',
  summary: 'task context store: init, show, purge',
  usage: 'st3 tasks context init|show|purge <id> [--json]',
  examples: [
    'st3 tasks context init TASK-0123',
    'st3 tasks context show TASK-0123 --json',
    'st3 tasks context purge TASK-0123',
  ],
  run: (argv, io) => dispatchSubcommand(context, { init, show, purge }, argv, io),
});

const ATTACH_USAGE =
  'st3 tasks evidence attach <id> --type T --file PATH --description TEXT [--meta k=v ...] [--allow-outside] [--json]';
const attach = defineCommand({
  name: 'attach',
  summary: 'attach evidence (hashed, size-checked; a folder becomes a deterministic tar.zst)',
  usage: ATTACH_USAGE,
  options: [
    `--type T            ${Object.entries(EVIDENCE_LIMITS)
      .map(
        ([t, l]) => `${t} (${t === 'directory' ? 'archived, ' : ''}≤ ${l >= 1e6 ? `${l / 1e6} MB` : `${l / 1e3} KB`})`,
      )
      .join(', ')}`,
    '--file PATH         the file or folder (relative to the workspace)',
    '--description TEXT  what it shows (≤ 200 characters)',
    '--meta key=value    metadata; qa_output needs command, exit_code, duration_ms',
    '--allow-outside     accept a path outside the workspace',
  ],
  examples: [
    'st3 tasks evidence attach TASK-0123 --type log --file build.log --description "build log"',
    'st3 tasks evidence attach TASK-0123 --type directory --file coverage --description "coverage report"',
    'st3 tasks evidence attach TASK-0123 --type qa_output --file test.txt --description "unit tests" --meta command="pnpm test" --meta exit_code=0 --meta duration_ms=5120',
  ],
  async run(argv, io) {
    const { positionals, values, out, ws } = await setup(
      argv,
      io,
      {
        type: { type: 'string' },
        file: { type: 'string' },
        description: { type: 'string' },
        meta: { type: 'string', multiple: true },
        'allow-outside': { type: 'boolean' },
      },
      ATTACH_USAGE,
    );
    const id = needArg(positionals[0], 'task id', ATTACH_USAGE).toUpperCase();
    const type = needArg(values.type, '--type', ATTACH_USAGE) as EvidenceType;
    const result = await attachEvidence(ws, id, {
      type,
      source: needArg(values.file, '--file', ATTACH_USAGE),
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

const LIST_USAGE = 'st3 tasks evidence list <id> [--json]';
const list = defineCommand({
  name: 'list',
  summary: 'list the evidence attached to a task',
  usage: LIST_USAGE,
  examples: ['st3 tasks evidence list TASK-0123 --json'],
  async run(argv, io) {
    const { positionals, out, ws } = await setup(argv, io, {}, LIST_USAGE);
    const id = needArg(positionals[0], 'task id', LIST_USAGE).toUpperCase();
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

const VERIFY_USAGE = 'st3 tasks evidence verify <id> [--json]';
const verify = defineCommand({
  name: 'verify',
  summary: 're-hash every attachment and report what changed or went missing',
  usage: VERIFY_USAGE,
  examples: ['st3 tasks evidence verify TASK-0123'],
  async run(argv, io) {
    const { positionals, out, ws } = await setup(argv, io, {}, VERIFY_USAGE);
    const report = await verifyEvidence(ws, needArg(positionals[0], 'task id', VERIFY_USAGE).toUpperCase());
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
  usage: 'st3 tasks evidence attach|list|verify <id> ...',
  examples: [
    'st3 tasks evidence attach TASK-0123 --type log --file build.log --description "build log"',
    'st3 tasks evidence verify TASK-0123 --json',
  ],
  run: (argv, io) => dispatchSubcommand(evidence, { attach, list, verify }, argv, io),
});

const SATTACH_USAGE = 'st3 tasks standards attach <id> --file F --section S [--json]';
const sattach = defineCommand({
  name: 'attach',
  summary: 'cache the section of a standards file (by heading text or anchor) under the task',
  usage: SATTACH_USAGE,
  examples: ['st3 tasks standards attach TASK-0123 --file standards/backend-tier.md --section "Domain Service Layer"'],
  async run(argv, io) {
    const { positionals, values, out, ws } = await setup(
      argv,
      io,
      { file: { type: 'string' }, section: { type: 'string' } },
      SATTACH_USAGE,
    );
    const id = needArg(positionals[0], 'task id', SATTACH_USAGE).toUpperCase();
    const file = needArg(values.file, '--file', SATTACH_USAGE);
    const section = needArg(values.section, '--section', SATTACH_USAGE);
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

const SVERIFY_USAGE = 'st3 tasks standards verify <id> [--invalidate] [--json]';
const sverify = defineCommand({
  name: 'verify',
  summary: 'detect excerpts gone stale because the standard changed; --invalidate drops them',
  usage: SVERIFY_USAGE,
  options: ['--invalidate   remove stale excerpts from the context and the cache'],
  examples: ['st3 tasks standards verify TASK-0123', 'st3 tasks standards verify TASK-0123 --invalidate --json'],
  async run(argv, io) {
    const { positionals, values, out, ws } = await setup(argv, io, { invalidate: { type: 'boolean' } }, SVERIFY_USAGE);
    const id = needArg(positionals[0], 'task id', SVERIFY_USAGE).toUpperCase();
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
  usage: 'st3 tasks standards attach|verify <id> ...',
  examples: ['st3 tasks standards attach TASK-0123 --file standards/global.md --section "Release Gates"'],
  run: (argv, io) => dispatchSubcommand(standards, { attach: sattach, verify: sverify }, argv, io),
});
