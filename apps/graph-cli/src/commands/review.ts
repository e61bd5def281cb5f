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
import type { ApprovedInFile, ReviewService } from '@st3/executor';
import { exitCodeFor, St3Error, type ErrorCategory, type ReviewItem } from '@st3/schemas';
import { headline } from '../execute/headline.js';
import { inFileNote, inFileOf, supersededNote, supersededOf, uncheckedOf } from './review-checks.js';

const STATUSES = ['pending', 'in_review', 'approved', 'rejected', 'needs_regeneration'] as const;
const LEVELS = ['high', 'medium', 'low', 'critical'] as const;

async function open({ common, io }: { common: CommonFlags; io: CliIO }) {
  const out = createOutput(io, common);
  const ws = resolveWorkspace(io, common);
  const { createReviewQueue } = await import('@st3/executor');
  return {
    out,
    root: ws.root,
    runsDir: join(ws.st3Dir, 'runs'),
    queue: createReviewQueue(join(ws.st3Dir, 'review')),
    start: resolve(io.cwd, common.cwd ?? '.'),
  };
}

/** Runs an action through the review service (what the review page does too), then releases its scratch copy. */
async function withService<T>(
  ctx: { common: CommonFlags; io: CliIO },
  agent: { name?: string; url?: string; model?: string } | undefined,
  fn: (service: ReviewService) => Promise<T>,
): Promise<T> {
  const ws = resolveWorkspace(ctx.io, ctx.common);
  const { openReviewService, chooseAgent } = await import('../agent-setup.js');
  const choice = agent ? await chooseAgent(ws.root, ctx.io.env, agent) : undefined;
  const { service, dispose } = await openReviewService(ws.root, ctx.io.env, {
    ...(choice ? { agent: choice } : {}),
    signal: ctx.io.signal,
  });
  try {
    return await fn(service);
  } finally {
    await dispose();
  }
}

const AGENT_OPTIONS = {
  agent: { type: 'string', valueName: 'NAME', description: 'regenerate at once with this agent of agents.yaml' },
  'agent-url': { type: 'string', valueName: 'URL', description: 'or with an ad-hoc OpenAI-compatible server' },
  'agent-model': { type: 'string', valueName: 'M', description: 'the model of the ad-hoc agent' },
} as const;

function agentOf(values: { agent?: string; 'agent-url'?: string; 'agent-model'?: string }) {
  if (values.agent === undefined && values['agent-url'] === undefined && values['agent-model'] === undefined)
    return undefined;
  return { name: values.agent, url: values['agent-url'], model: values['agent-model'] };
}

const ID = [{ name: 'id', description: 'the review item id (e.g. r3)', required: true, complete: 'none' }] as const;
const REVIEWER = { type: 'string', valueName: 'NAME', description: 'who reviews' } as const;

function summaryLine(out: Output, i: ReviewItem, inFile?: ApprovedInFile, superseded?: string): string {
  const where = i.file ? ` ${i.file}${i.startLine ? `:${i.startLine}-${i.endLine ?? i.startLine}` : ''}` : '';
  const issues = i.issues.length > 0 ? `, ${i.issues.length} issue(s)` : '';
  return `${i.id.padEnd(5)} ${i.status.padEnd(18)} ${i.confidence.level.padEnd(8)} ${i.confidence.score.toFixed(2)}  ${i.nodeId}${out.color.dim(where)}${issues}${i.reviewer ? ` @${i.reviewer}` : ''}${inFileNote(out, inFile)}${supersededNote(out, superseded)}`;
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
    const opened = await open(ctx);
    const { out, queue } = opened;
    const status = values.status;
    const level = values.level;
    let items: ReviewItem[];
    if (values.lowest !== undefined) {
      const pct = Number(String(values.lowest).replace(/%$/, ''));
      items = (await queue.select(pct)).filter((i) => !level || i.confidence.level === level);
    } else items = await queue.list({ status, level });
    const inFile = await inFileOf(opened, items);
    const { withSupersededBy } = await import('@st3/executor');
    // `inFile` only on approved items that wrote code: held, reverted (generated again), superseded, not checked;
    // `supersededBy` only on rejected / sent-back items whose node a later run regenerated and applied.
    if (out.json)
      out.document({
        ok: true,
        items: items.map((i) => withSupersededBy(inFile[i.id] ? { ...i, inFile: inFile[i.id] } : i)),
      });
    else if (items.length === 0) out.info('no review items');
    else for (const i of items) out.line(summaryLine(out, i, inFile[i.id], await supersededOf(i)));
    return EXIT.ok;
  },
});

const show = defineCommand({
  name: 'show',
  summary: 'show an item: code, detected issues with suggested fixes, history',
  args: ID,
  examples: ['st3 review show r3'],
  async run(ctx) {
    const opened = await open(ctx);
    const { out, queue } = opened;
    const item = await queue.get(ctx.args.id);
    const inFile = (await inFileOf(opened, [item]))[item.id];
    const { withSupersededBy } = await import('@st3/executor');
    if (out.json) {
      out.document({ ok: true, item: withSupersededBy(inFile ? { ...item, inFile } : item) });
      return EXIT.ok;
    }
    const c = out.color;
    out.line(summaryLine(out, item, inFile, await supersededOf(item)));
    if (item.feedback) out.line(`feedback: ${item.feedback}`);
    if (item.validation && !item.validation.ok) out.line(c.red(`does not parse: ${item.validation.errors.join('; ')}`));
    const unmeasured = await uncheckedOf(item);
    if (unmeasured.length > 0) out.line(c.yellow(`not measured: ${unmeasured.join('; ')}`));
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

/**
 * What approve and edit print: the item, and the checks its code was written without (gates not measured:
 * no quality.yaml, a tool missing) — "approved" alone would read as checked (`show` says the same).
 */
async function printDecided(out: Output, item: ReviewItem): Promise<number> {
  printItem(out, item);
  const unmeasured = out.json ? [] : await uncheckedOf(item);
  if (unmeasured.length > 0) out.line(out.color.yellow(`not measured: ${unmeasured.join('; ')}`));
  return EXIT.ok;
}

type RegenerationFailure = NonNullable<Awaited<ReturnType<ReviewService['regenerate']>>['failure']>;

/**
 * A regeneration that gave the item no new code: said on stdout (the item keeps its old code), with
 * the exit code of its error (1 for an unusable answer, 3 when the agent could not be used, 130 when
 * cancelled).
 */
async function printRegenerationFailure(out: Output, item: ReviewItem, failure: RegenerationFailure): Promise<number> {
  const { code, message, hint, ...details } = failure;
  if (out.json) out.document({ ok: false, regenerated: false, item, error: { code, message, hint, details } });
  else {
    out.line(`${out.color.red('✗')} ${headline(message)} (${code})`);
    out.line(summaryLine(out, item));
    out.info(`hint: ${hint}`);
  }
  // As `st3 execute`: an answer cut off is the agent not answering (3), not an unusable answer (1).
  const { agentCouldNotAnswer } = await import('@st3/executor');
  const category = (failure as { category?: ErrorCategory }).category ?? 'unknown';
  return agentCouldNotAnswer({ code, message, category }) ? EXIT.failure : exitCodeFor(code);
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
    summary: 'approve an item (pending or in review): its change is written into the file',
    args: ID,
    options: { feedback: { type: 'string', valueName: 'TEXT', description: 'why' }, reviewer: REVIEWER },
    examples: ['st3 review approve r3 --feedback "clear and tested"'],
    async run(ctx) {
      const { out } = await open(ctx);
      const item = await withService(ctx, undefined, (s) =>
        s.approve(ctx.args.id, { feedback: ctx.values.feedback, by: ctx.values.reviewer }),
      );
      return printDecided(out, item);
    },
  }),
  reject: defineCommand({
    name: 'reject',
    summary: 'reject an item (feedback required): the next `st3 execute` regenerates it with the feedback',
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
    summary: "replace an item's code with yours: validated (parse, atomicity, gates), written into the file, approved",
    args: ID,
    options: {
      file: { type: 'string', valueName: 'PATH', description: 'the new code from this file' },
      code: { type: 'string', valueName: 'TEXT', description: 'the new code' },
      reviewer: REVIEWER,
    },
    examples: ['st3 review edit r3 --file fixed.py'],
    async run(ctx) {
      const { out, start } = await open(ctx);
      const file = ctx.values.file;
      const code =
        file !== undefined
          ? await readFile(resolve(start, file), 'utf8').catch(() => {
              throw new St3Error('E_FILE_NOT_FOUND', `cannot read ${file}`, { file });
            })
          : ctx.values.code;
      if (code === undefined) throw ctx.usageError('pass the new code with --file PATH or --code TEXT');
      const item = await withService(ctx, undefined, (s) => s.edit(ctx.args.id, code, { by: ctx.values.reviewer }));
      return printDecided(out, item);
    },
  }),
  regenerate: defineCommand({
    name: 'regenerate',
    summary: 'send an item back with feedback: regenerated at once with --agent, else by the next `st3 execute`',
    description: [
      'With an agent, `regenerated` is true only when the item got new code. When no attempt gave usable code ' +
        'the item keeps its earlier code (needs_regeneration, left to the next `st3 execute` with the feedback); ' +
        'the command says why ({"ok": false, "regenerated": false, "item", "error": {code, message, hint, details}} ' +
        'with --json) and exits with the code of the error: 1 for answers that were unusable or failed validation, ' +
        '3 when the agent could not be used, 130 when interrupted. Such an item can be regenerated again ' +
        '(new feedback, another agent).',
    ],
    args: ID,
    options: {
      feedback: { type: 'string', valueName: 'TEXT', description: 'what the next attempt should do differently' },
      reviewer: REVIEWER,
      ...AGENT_OPTIONS,
    },
    examples: [
      'st3 review regenerate r3 --feedback "handle empty input"',
      'st3 review regenerate r3 --feedback "handle empty input" --agent local',
    ],
    async run(ctx) {
      const { out } = await open(ctx);
      const r = await withService(ctx, agentOf(ctx.values), (s) =>
        s.regenerate(ctx.args.id, { feedback: ctx.values.feedback, by: ctx.values.reviewer }),
      );
      if (r.failure) return printRegenerationFailure(out, r.item, r.failure);
      if (out.json) {
        out.document({ ok: true, regenerated: r.regenerated, item: r.item });
        return EXIT.ok;
      }
      if (!r.regenerated) out.info('the next `st3 execute` regenerates it with this feedback');
      return printItem(out, r.item);
    },
  }),
  serve: defineCommand({
    name: 'serve',
    summary: 'serve the review page and its REST API (loopback by default); Ctrl-C stops it',
    description: [
      'The page lists the queue (sortable, filterable, searchable) and shows an item with highlighted code, issue ' +
        'markers with fixes, a side-by-side diff against the file, its confidence, and Approve, Reject, Edit and ' +
        'Regenerate. It is one self-contained document: nothing is loaded from elsewhere, it works offline.',
      'API: GET /api/review/queue?status=&sort=priority|confidence|date&q=, GET /api/review/items/:id, ' +
        'POST /api/review/items/:id/{assign,approve,reject,edit,regenerate} with JSON {reviewer?, feedback?, code?}, ' +
        'GET /api/review/statistics. Every action goes through the same calls as `st3 review`.',
    ],
    options: {
      host: { type: 'string', valueName: 'HOST', default: '127.0.0.1', description: 'address to listen on' },
      port: { type: 'number', integer: true, min: 0, max: 65535, default: 0, description: 'port (0 picks a free one)' },
      ...AGENT_OPTIONS,
    },
    examples: ['st3 review serve', 'st3 review serve --port 8765 --agent local'],
    async run(ctx) {
      const { out, root } = await open(ctx);
      const { openReviewService, chooseAgent } = await import('../agent-setup.js');
      const { startReviewServer } = await import('@st3/executor');
      const agent = agentOf(ctx.values);
      const choice = agent ? await chooseAgent(root, ctx.io.env, agent) : undefined;
      const { service, dispose } = await openReviewService(root, ctx.io.env, {
        ...(choice ? { agent: choice } : {}),
        signal: ctx.io.signal,
      });
      try {
        const server = await startReviewServer({ service, root, host: ctx.values.host, port: ctx.values.port });
        if (out.json) out.document({ ok: true, url: server.url });
        else out.line(`review page: ${server.url} (Ctrl-C to stop)`);
        await new Promise<void>((r) =>
          ctx.io.signal.aborted ? r() : ctx.io.signal.addEventListener('abort', () => r(), { once: true }),
        );
        await server.close();
      } finally {
        await dispose();
      }
      return EXIT.ok;
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
    'st3 review serve --port 8765',
    'st3 review stats',
  ],
});
