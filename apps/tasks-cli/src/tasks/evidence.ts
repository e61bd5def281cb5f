import { defineCommand, EXIT } from '@st3/cli-kit';
import { attachEvidence, contextDirFor, EVIDENCE_LIMITS, listEvidence, verifyEvidence } from '@st3/evidence';
import { EVIDENCE_TYPES, type EvidenceType } from '@st3/schemas';
import { agentOf, agentOption, needOption, parseMeta, setup, TASK_ID, taskIdOf, taskTelemetry } from './common.js';

const limits = Object.entries(EVIDENCE_LIMITS)
  .map(([t, l]) => `${t} (${t === 'directory' ? 'archived, ' : ''}≤ ${l >= 1e6 ? `${l / 1e6} MB` : `${l / 1e3} KB`})`)
  .join(', ');

const attach = defineCommand({
  name: 'attach',
  summary: 'attach evidence (hashed, size-checked; a folder becomes a deterministic, self-contained tar.zst)',
  description: [
    'A qa_output attached without --meta takes command, exit code and duration from its QA record (the file is one, or `st3 qa record` recorded a log with the same bytes); without one it is kept, covers no validation command, and a later `st3 qa record` of the same log fills them in.',
    'A folder archive leaves out symlinks whose target leaves the folder (and special files): they are listed in the result and in the archive index.',
  ],
  args: TASK_ID,
  options: {
    type: {
      type: 'enum',
      choices: EVIDENCE_TYPES,
      errorCode: 'E_EVIDENCE_INVALID',
      description: `required: ${limits}`,
    },
    file: {
      type: 'string',
      valueName: 'PATH',
      aliases: ['path'],
      description: 'required: the file or folder (relative to the workspace)',
    },
    description: { type: 'string', valueName: 'TEXT', description: 'what it shows (≤ 200 characters)' },
    meta: {
      type: 'string',
      multiple: true,
      valueName: 'key=value',
      description: 'metadata; qa_output takes command, exit_code, duration_ms (all three, or none: see above)',
    },
    'allow-outside': { type: 'boolean', description: 'accept a path outside the workspace' },
    ...agentOption,
  },
  examples: [
    'st3 tasks evidence attach TASK-0123 --type log --file build.log --description "build log"',
    'st3 tasks evidence attach TASK-0123 --type directory --path coverage --description "coverage report"',
    'st3 tasks evidence attach TASK-0123 --type qa_output --file test.txt --description "unit tests" --meta command="pnpm test" --meta exit_code=0 --meta duration_ms=5120',
  ],
  async run(ctx) {
    const { values, io, usage } = ctx;
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    const type = needOption(values.type, '--type', usage) as EvidenceType;
    const result = await attachEvidence(ws, id, {
      type,
      source: needOption(values.file, '--file (or --path)', usage),
      description: values.description ?? '',
      metadata: parseMeta(values.meta),
      allowOutside: values['allow-outside'] === true,
      signal: io.signal,
    });
    await taskTelemetry(ws, out, id, agentOf(values, io), (t) => {
      for (const w of result.warnings) t.warn('warning', `${w.code}: ${w.message}`);
    });
    for (const w of result.warnings) out.warn(`${w.code}: ${w.message}`);
    if (out.json) out.document({ ok: true, created: result.created, entry: result.entry, left_out: result.leftOut });
    else {
      out.line(
        `${result.created ? 'attached' : 'already attached'} ${result.entry.id} (${result.entry.type}, ${result.entry.size} bytes) as evidence/${result.entry.stored}`,
      );
      for (const l of result.leftOut) out.line(`left out: ${l.path}${l.target ? ` -> ${l.target}` : ''} (${l.reason})`);
    }
    return EXIT.ok;
  },
});

const list = defineCommand({
  name: 'list',
  summary:
    'list the evidence attached to a task (an index that lacks an attachment context.json lists is E_CONTEXT_CORRUPT, exit 1)',
  args: TASK_ID,
  examples: ['st3 tasks evidence list TASK-0123 --json', 'st3 tasks --list-evidence TASK-0123 --format json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    // Held against context.json: a lost index is E_CONTEXT_CORRUPT, never "no evidence".
    const entries = await listEvidence(ws, id);
    if (out.json) out.document({ ok: true, task_id: id, dir: `${contextDirFor(ws, id)}/evidence`, entries });
    else
      for (const e of entries)
        out.line(`${e.id}  ${e.type.padEnd(10)} ${String(e.size).padStart(10)}  ${e.description}`);
    return EXIT.ok;
  },
});

const verify = defineCommand({
  name: 'verify',
  summary:
    're-hash every attachment (and each file inside a folder archive) and report what changed, went missing, was replaced by a symlink or cannot be read; exit 1 on any of these, and when the task has no evidence (verifying nothing is no pass)',
  args: TASK_ID,
  examples: ['st3 tasks evidence verify TASK-0123', 'st3 tasks evidence verify TASK-0123 --json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    const report = await verifyEvidence(ws, id);
    if (out.json) out.document(report);
    else {
      for (const c of report.changed)
        out.line(`changed: ${c.stored} (expected ${c.expected.slice(0, 16)}, now ${c.actual.slice(0, 16)})`);
      for (const m of report.missing) out.line(`missing: ${m.stored}`);
      for (const r of report.replaced) out.line(`replaced: ${r.stored} (${r.reason})`);
      for (const u of report.unreadable) out.line(`unreadable: ${u.stored} (${u.code}: ${u.reason})`);
      for (const p of report.indexProblems) out.line(`index: ${p.id} ${p.problem}`);
      out.line(
        report.no_evidence
          ? `no evidence: ${id} has no attachment, nothing verified (st3 tasks evidence attach ${id} …)`
          : `${report.checked} attachment(s) checked: ${report.ok ? 'all intact' : 'problems found'}`,
      );
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
