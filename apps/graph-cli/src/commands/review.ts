import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  createOutput,
  defineCommand,
  EXIT,
  resolveWorkspace,
  type CliIO,
  type Command,
  type CommonFlags,
  type Output,
} from '@st3/cli-kit';
import { St3Error, type ReviewItem } from '@st3/schemas';

const STATUSES = ['pending', 'in_review', 'approved', 'rejected', 'needs_regeneration'] as const;
const LEVELS = ['high', 'medium', 'low', 'critical'] as const;

async function open({ common, io }: { common: CommonFlags; io: CliIO }) {
  const out = createOutput(io, common);
  const ws = resolveWorkspace(io, common);
  const { createReviewQueue } = await import('@st3/executor');
  return { out, queue: createReviewQueue(join(ws.st3Dir, 'review')), start: resolve(io.cwd, common.cwd ?? '.') };
}

const ID = [{ name: 'id', description: 'the review item id (e.g. r3)', required: true, complete: 'none' }] as const;
const REVIEWER = { type: 'string', valueName: 'NAME', description: 'who reviews' } as const;

function summaryLine(out: Output, i: ReviewItem): string {
  const where = i.file ? ` ${i.file}${i.startLine ? `:${i.startLine}-${i.endLine ?? i.startLine}` : ''}` : '';
  const issues = i.issues.length > 0 ? `, ${i.issues.length} issue(s)` : '';
  return `${i.id.padEnd(5)} ${i.status.padEnd(18)} ${i.confidence.level.padEnd(8)} ${i.confidence.score.toFixed(2)}  ${i.nodeId}${out.color.dim(where)}${issues}${i.reviewer ? ` @${i.reviewer}` : ''}`;
}

const list = defineCommand({
  name: 'list',
  summary: 'list items, most urgent first (or the lowest N% pending with --lowest N)',
  options: {
    status: { type: 'enum', choices: STATUSES, description: 'only items in this status' },
    level: { type: 'enum', choices: LEVELS, description: 'only items of this confidence level' },
    lowest: {
      type: 'string',
      valueName: 'PERCENT',
      description: 'the lowest PERCENT% of the pending items by confidence (e.g. 20 or 20%)',
    },
  },
  examples: ['st3 review list --status pending', 'st3 review list --lowest 20'],
  async run(ctx) {
    const { values } = ctx;
    const { out, queue } = await open(ctx);
    const status = values.status;
    const level = values.level;
    let items: ReviewItem[];
    if (values.lowest !== undefined) {
      const pct = Number(String(values.lowest).replace(/%$/, ''));
      items = (await queue.select(pct)).filter((i) => !level || i.confidence.level === level);
    } else items = await queue.list({ status, level });
    if (out.json) out.document({ ok: true, items });
    else if (items.length === 0) out.info('no review items');
    else for (const i of items) out.line(summaryLine(out, i));
    return EXIT.ok;
  },
});

const show = defineCommand({
  name: 'show',
  summary: 'show an item: code, detected issues with suggested fixes, history',
  args: ID,
  examples: ['st3 review show r3'],
  async run(ctx) {
    const { out, queue } = await open(ctx);
    const item = await queue.get(ctx.args.id);
    if (out.json) {
      out.document({ ok: true, item });
      return EXIT.ok;
    }
    const c = out.color;
    out.line(summaryLine(out, item));
    if (item.feedback) out.line(`feedback: ${item.feedback}`);
    if (item.validation && !item.validation.ok) out.line(c.red(`does not parse: ${item.validation.errors.join('; ')}`));
    out.line('');
    const first = item.startLine ?? 1;
    item.code.split('\n').forEach((l, k) => out.line(`${c.dim(String(first + k).padStart(5))}  ${l}`));
    for (const issue of item.issues) {
      out.line('');
      out.line(`${c.yellow(issue.rule)} line ${first + issue.line - 1}: ${issue.message}`);
      out.line(`  ${issue.explanation}`);
      out.line(`  ${c.red('- ' + issue.fix.before.trim())}`);
      out.line(`  ${c.green('+ ' + issue.fix.after.trim())}`);
    }
    out.info('');
    for (const h of item.history)
      out.info(
        c.dim(
          `${h.at} ${h.action}${h.from ? ` ${h.from} →` : ''} ${h.to}${h.by ? ` by ${h.by}` : ''}${h.feedback ? `: ${h.feedback}` : ''}`,
        ),
      );
    return EXIT.ok;
  },
});

/** What a verb that changes one item prints. */
function printItem(out: Output, item: ReviewItem): number {
  if (out.json) out.document({ ok: true, item });
  else out.line(summaryLine(out, item));
  return EXIT.ok;
}

const subcommands: Record<string, Command> = {
  list,
  show,
  assign: defineCommand({
    name: 'assign',
    summary: 'assign a pending item to a reviewer (→ in_review)',
    args: ID,
    options: { reviewer: { ...REVIEWER, description: 'the reviewer (required)' } },
    examples: ['st3 review assign r3 --reviewer ana'],
    async run(ctx) {
      const { out, queue } = await open(ctx);
      if (!ctx.values.reviewer) throw ctx.usageError('--reviewer is required');
      return printItem(out, await queue.assign(ctx.args.id, ctx.values.reviewer));
    },
  }),
  approve: defineCommand({
    name: 'approve',
    summary: 'approve an item under review (feedback optional)',
    args: ID,
    options: { feedback: { type: 'string', valueName: 'TEXT', description: 'why' }, reviewer: REVIEWER },
    examples: ['st3 review approve r3 --feedback "clear and tested"'],
    async run(ctx) {
      const { out, queue } = await open(ctx);
      return printItem(
        out,
        await queue.approve(ctx.args.id, { feedback: ctx.values.feedback, by: ctx.values.reviewer }),
      );
    },
  }),
  reject: defineCommand({
    name: 'reject',
    summary: 'reject an item under review (feedback required)',
    args: ID,
    options: { feedback: { type: 'string', valueName: 'TEXT', description: 'what is wrong' }, reviewer: REVIEWER },
    examples: ['st3 review reject r3 --feedback "wrong algorithm"'],
    async run(ctx) {
      const { out, queue } = await open(ctx);
      return printItem(
        out,
        await queue.reject(ctx.args.id, { feedback: ctx.values.feedback, by: ctx.values.reviewer }),
      );
    },
  }),
  edit: defineCommand({
    name: 'edit',
    summary: 'replace the code of an item under review (re-validated; refused if it does not parse)',
    args: ID,
    options: {
      file: { type: 'string', valueName: 'PATH', description: 'the new code from this file' },
      code: { type: 'string', valueName: 'TEXT', description: 'the new code' },
      reviewer: REVIEWER,
    },
    examples: ['st3 review edit r3 --file fixed.py'],
    async run(ctx) {
      const { out, queue, start } = await open(ctx);
      const file = ctx.values.file;
      const code =
        file !== undefined
          ? await readFile(resolve(start, file), 'utf8').catch(() => {
              throw new St3Error('E_FILE_NOT_FOUND', `cannot read ${file}`, { file });
            })
          : ctx.values.code;
      if (code === undefined) throw ctx.usageError('pass the new code with --file PATH or --code TEXT');
      return printItem(out, await queue.edit(ctx.args.id, code, { by: ctx.values.reviewer }));
    },
  }),
  regenerate: defineCommand({
    name: 'regenerate',
    summary: 'send an item back for regeneration; the feedback goes to the node in the next `st3 execute`',
    args: ID,
    options: {
      feedback: { type: 'string', valueName: 'TEXT', description: 'what the next attempt should do differently' },
      reviewer: REVIEWER,
    },
    examples: ['st3 review regenerate r3 --feedback "handle empty input"'],
    async run(ctx) {
      const { out, queue } = await open(ctx);
      const item = await queue.regenerate(ctx.args.id, { feedback: ctx.values.feedback, by: ctx.values.reviewer });
      return printItem(out, item);
    },
  }),
  stats: defineCommand({
    name: 'stats',
    summary: 'counts by status and confidence level, approval rate, reviewers, issue rules',
    examples: ['st3 review stats --json'],
    async run(ctx) {
      const { out, queue } = await open(ctx);
      const stats = await queue.stats();
      if (out.json) {
        out.document({ ok: true, stats });
        return EXIT.ok;
      }
      out.line(
        `${stats.total} item(s); mean confidence ${stats.meanConfidence.toFixed(2)}; approval rate ${(stats.approvalRate * 100).toFixed(0)}%`,
      );
      out.line(
        `status: ${Object.entries(stats.byStatus)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
      );
      out.line(
        `confidence: ${Object.entries(stats.byLevel)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
      );
      if (Object.keys(stats.byReviewer).length > 0)
        out.line(
          `reviewers: ${Object.entries(stats.byReviewer)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
        );
      if (Object.keys(stats.issues).length > 0)
        out.line(
          `issues: ${Object.entries(stats.issues)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')}`,
        );
      return EXIT.ok;
    },
  }),
};

export const command: Command = defineCommand({
  name: 'review',
  summary: 'the human review queue of generated code (.st3/review/)',
  subcommands,
  examples: [
    'st3 review list --lowest 20',
    'st3 review assign r1 --reviewer ana',
    'st3 review show r1',
    'st3 review approve r1',
    'st3 review reject r2 --feedback "wrong algorithm"',
    'st3 review edit r3 --file fixed.py',
    'st3 review regenerate r2 --feedback "handle empty input"',
    'st3 review stats',
  ],
});
