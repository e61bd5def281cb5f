import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  createOutput,
  defineCommand,
  dispatchSubcommand,
  EXIT,
  parseCommandArgs,
  resolveWorkspace,
  type CliIO,
  type Command,
  type Output,
  type Subcommands,
} from '@st3/cli-kit';
import type { ReviewQueueApi } from '@st3/executor';
import { St3Error, type ReviewItem } from '@st3/schemas';

type Queue = ReviewQueueApi;

const STATUSES = ['pending', 'in_review', 'approved', 'rejected', 'needs_regeneration'] as const;
const LEVELS = ['high', 'medium', 'low', 'critical'] as const;

async function open(argv: string[], io: CliIO, options: Parameters<typeof parseCommandArgs>[1], usage: string) {
  const parsed = parseCommandArgs(argv, options, usage);
  const out = createOutput(io, parsed.common);
  const ws = resolveWorkspace(io, parsed.common);
  const { createReviewQueue } = await import('@st3/executor');
  return {
    ...parsed,
    out,
    queue: createReviewQueue(join(ws.st3Dir, 'review')),
    start: resolve(io.cwd, parsed.common.cwd ?? '.'),
  };
}

function one(positionals: string[], usage: string): string {
  if (positionals.length !== 1)
    throw new St3Error('E_USAGE', 'expected one review item id', { hint: `usage: ${usage}` });
  return positionals[0]!;
}

function summaryLine(out: Output, i: ReviewItem): string {
  const where = i.file ? ` ${i.file}${i.startLine ? `:${i.startLine}-${i.endLine ?? i.startLine}` : ''}` : '';
  const issues = i.issues.length > 0 ? `, ${i.issues.length} issue(s)` : '';
  return `${i.id.padEnd(5)} ${i.status.padEnd(18)} ${i.confidence.level.padEnd(8)} ${i.confidence.score.toFixed(2)}  ${i.nodeId}${out.color.dim(where)}${issues}${i.reviewer ? ` @${i.reviewer}` : ''}`;
}

const list = defineCommand({
  name: 'list',
  summary: 'list items, most urgent first (or the lowest N% pending with --lowest N)',
  usage: 'st3 review list [--status S] [--level L] [--lowest PERCENT] [--json]',
  examples: ['st3 review list --status pending', 'st3 review list --lowest 20'],
  async run(argv, io) {
    const { values, out, queue } = await open(
      argv,
      io,
      { status: { type: 'string' }, level: { type: 'string' }, lowest: { type: 'string' } },
      this.usage,
    );
    const status = values.status as ReviewItem['status'] | undefined;
    const level = values.level as ReviewItem['confidence']['level'] | undefined;
    if (status && !STATUSES.includes(status))
      throw new St3Error('E_USAGE', `--status must be one of ${STATUSES.join(', ')}`);
    if (level && !LEVELS.includes(level)) throw new St3Error('E_USAGE', `--level must be one of ${LEVELS.join(', ')}`);
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
  usage: 'st3 review show <id> [--json]',
  examples: ['st3 review show r3'],
  async run(argv, io) {
    const { positionals, out, queue } = await open(argv, io, {}, this.usage);
    const item = await queue.get(one(positionals, this.usage));
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

/** A verb that changes one item and prints it. */
function action(
  name: string,
  summary: string,
  usage: string,
  examples: string[],
  options: Parameters<typeof parseCommandArgs>[1],
  apply: (queue: Queue, id: string, values: Record<string, unknown>, start: string) => Promise<ReviewItem>,
): Command {
  return defineCommand({
    name,
    summary,
    usage,
    examples,
    async run(argv, io) {
      const { positionals, values, out, queue, start } = await open(argv, io, options, usage);
      const item = await apply(queue, one(positionals, usage), values as Record<string, unknown>, start);
      if (out.json) out.document({ ok: true, item });
      else out.line(summaryLine(out, item));
      return EXIT.ok;
    },
  });
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

const subcommands: Subcommands = {
  list,
  show,
  assign: action(
    'assign',
    'assign a pending item to a reviewer (→ in_review)',
    'st3 review assign <id> --reviewer NAME',
    ['st3 review assign r3 --reviewer ana'],
    { reviewer: { type: 'string' } },
    (q, id, v) => {
      const reviewer = str(v.reviewer);
      if (!reviewer) throw new St3Error('E_USAGE', '--reviewer is required');
      return q.assign(id, reviewer);
    },
  ),
  approve: action(
    'approve',
    'approve an item under review (feedback optional)',
    'st3 review approve <id> [--feedback TEXT] [--reviewer NAME]',
    ['st3 review approve r3 --feedback "clear and tested"'],
    { feedback: { type: 'string' }, reviewer: { type: 'string' } },
    (q, id, v) => q.approve(id, { feedback: str(v.feedback), by: str(v.reviewer) }),
  ),
  reject: action(
    'reject',
    'reject an item under review (feedback required)',
    'st3 review reject <id> --feedback TEXT [--reviewer NAME]',
    ['st3 review reject r3 --feedback "wrong algorithm"'],
    { feedback: { type: 'string' }, reviewer: { type: 'string' } },
    (q, id, v) => q.reject(id, { feedback: str(v.feedback), by: str(v.reviewer) }),
  ),
  edit: action(
    'edit',
    'replace the code of an item under review (re-validated; refused if it does not parse)',
    'st3 review edit <id> (--file PATH | --code TEXT) [--reviewer NAME]',
    ['st3 review edit r3 --file fixed.py'],
    { file: { type: 'string' }, code: { type: 'string' }, reviewer: { type: 'string' } },
    async (q, id, v, start) => {
      const file = str(v.file);
      const code =
        file !== undefined
          ? await readFile(resolve(start, file), 'utf8').catch(() => {
              throw new St3Error('E_FILE_NOT_FOUND', `cannot read ${file}`, { file });
            })
          : str(v.code);
      if (code === undefined) throw new St3Error('E_USAGE', 'pass the new code with --file PATH or --code TEXT');
      return q.edit(id, code, { by: str(v.reviewer) });
    },
  ),
  regenerate: action(
    'regenerate',
    'send an item back for regeneration; the feedback goes to the node in the next `st3 execute`',
    'st3 review regenerate <id> --feedback TEXT [--reviewer NAME]',
    ['st3 review regenerate r3 --feedback "handle empty input"'],
    { feedback: { type: 'string' }, reviewer: { type: 'string' } },
    (q, id, v) => q.regenerate(id, { feedback: str(v.feedback), by: str(v.reviewer) }),
  ),
  stats: defineCommand({
    name: 'stats',
    summary: 'counts by status and confidence level, approval rate, reviewers, issue rules',
    usage: 'st3 review stats [--json]',
    examples: ['st3 review stats --json'],
    async run(argv, io) {
      const { out, queue } = await open(argv, io, {}, this.usage);
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
  usage: 'st3 review <list|show|assign|approve|reject|edit|regenerate|stats> [args] [--json]',
  // runCommand answers --help of any sub-verb with this text, so it lists every sub-verb's usage.
  options: Object.values(subcommands).flatMap((s) => [`${s.usage.padEnd(72)} ${s.summary}`]),
  examples: [
    'st3 review list --lowest 20',
    'st3 review assign r1 --reviewer ana',
    'st3 review approve r1',
    'st3 review regenerate r2 --feedback "handle empty input"',
    'st3 review stats',
  ],
  run(argv, io) {
    return dispatchSubcommand(command, subcommands, argv, io);
  },
});
