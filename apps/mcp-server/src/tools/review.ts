import type * as Executor from '@st3/executor';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConfidenceLevelSchema,
  ReviewItemSchema,
  ReviewStatusSchema,
  RunStateSchema,
  RunStatusSchema,
  St3Error,
} from '@st3/schemas';
import { z } from 'zod';
import { resolveInside, shownPath, shownPathsIn } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import { declares, type OutputOf, type Result } from './common.js';

/** The review queue of the workspace (`.st3/review/queue.json`), as `st3 review` opens it. */
export async function reviewQueue(root: string) {
  const { createReviewQueue } = await import('@st3/executor');
  return createReviewQueue(join(root, '.st3', 'review'));
}

/** `inFile` of `st3 review list --json`: whether an approved item's code is still in its file (the ledger's rule). */
const InFileSchema = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('held') }),
    z.object({ status: z.enum(['reverted', 'superseded', 'not checked']), why: z.string() }),
  ])
  .describe(
    "on approved items that wrote code: held; reverted (the file no longer holds it: the next execute generates it again); superseded (a later run's change holds the node); not checked (a run record could not be read)",
  );
const SupersededBySchema = z
  .object({ runId: z.string().optional(), at: z.string(), sha256: z.string() })
  .describe(
    'on rejected or sent-back items: a later run regenerated the node and applied its new code (the item keeps its status; its code is not what the node has)',
  );
const ReviewItemInFileSchema = ReviewItemSchema.extend({
  inFile: InFileSchema.optional(),
  supersededBy: SupersededBySchema.optional(),
});
type ListedItem = z.infer<typeof ReviewItemInFileSchema>;

/**
 * The items with `inFile` on approved ones that wrote code and `supersededBy` on rejected ones a later run
 * settled, as `st3 review list` and `show` give them.
 */
async function withInFile(root: string, queue: Awaited<ReturnType<typeof reviewQueue>>, items: ListedItem[]) {
  const { approvedInFile, withSupersededBy } = await import('@st3/executor');
  const inFile = await approvedInFile(join(root, '.st3', 'runs'), queue, items, { root });
  return items.map((i): ListedItem => withSupersededBy(inFile[i.id] ? { ...i, inFile: inFile[i.id] } : i));
}

/** What the summary says of an item: its status, a rejected one a later run settled, an approved one whose code is not in its file. */
function itemStatus(i: ListedItem): string {
  if (i.supersededBy) return `${i.status} (superseded)`;
  return i.inFile && i.inFile.status !== 'held' ? `${i.status} (${i.inFile.status})` : i.status;
}

export const reviewListTool = defineTool({
  name: 'review_list',
  title: 'List the review queue',
  area: 'execute',
  cli: 'st3 review list',
  description:
    'Items of the review queue (generated code below the confidence threshold), most urgent first; filter by status and confidence level, or take the lowest N% of pending items.',
  input: z.object({
    status: ReviewStatusSchema.optional(),
    level: ConfidenceLevelSchema.optional(),
    lowest: z.number().min(0).max(100).optional().describe('only the lowest-confidence N% of pending items'),
  }),
  output: z.object({ ok: z.literal(true), items: z.array(ReviewItemInFileSchema) }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const queue = await reviewQueue(root);
    const items =
      args.lowest !== undefined
        ? (await queue.select(args.lowest)).filter((i) => !args.level || i.confidence.level === args.level)
        : await queue.list({
            ...(args.status ? { status: args.status } : {}),
            ...(args.level ? { level: args.level } : {}),
          });
    return { ok: true as const, items: await withInFile(root, queue, items) };
  },
  summary: (r) =>
    `${plural(r.items.length, 'item')}${
      r.items.length > 0
        ? `: ${r.items
            .slice(0, 5)
            .map((i) => `${i.id} ${itemStatus(i)} ${i.confidence.level}`)
            .join(', ')}${r.items.length > 5 ? ', …' : ''}`
        : ''
    }`,
});

export const reviewShowTool = defineTool({
  name: 'review_show',
  title: 'Show a review item',
  area: 'execute',
  cli: 'st3 review show',
  description: 'One review item: its code, file and lines, confidence, detected issues with fixes, and history.',
  input: z.object({ id: z.string().min(1).describe('review item id, e.g. r3') }),
  output: z.object({ ok: z.literal(true), item: ReviewItemInFileSchema }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const queue = await reviewQueue(root);
    const [item] = await withInFile(root, queue, [await queue.get(args.id)]);
    return { ok: true as const, item: item! };
  },
  summary: ({ item: i }) =>
    `${i.id} ${itemStatus(i)}: ${i.nodeId}${i.file ? ` in ${i.file}` : ''}, confidence ${i.confidence.score.toFixed(2)} (${i.confidence.level}), ${plural(i.issues.length, 'issue')}${i.inFile && i.inFile.status !== 'held' ? `; ${i.inFile.why}` : ''}`,
});

export const reviewActionTool = defineTool({
  name: 'review_action',
  title: 'Act on a review item',
  area: 'execute',
  cli: 'st3 review assign|approve|reject|edit|regenerate',
  description:
    'Move a review item: assign (to a reviewer), approve (its change is applied to the file), reject (feedback required; the next execute regenerates the node with it), edit (new code, validated, then applied and approved) or regenerate (feedback required: with agent or agentUrl the node runs again at once with the instruction and review threshold of the run that made it, like `st3 review regenerate --agent`; without, the next execute regenerates it). `regenerated` tells which happened.',
  input: z.object({
    id: z.string().min(1).describe('review item id'),
    action: z.enum(['assign', 'approve', 'reject', 'edit', 'regenerate']),
    reviewer: z.string().min(1).optional().describe('who acts (required for assign)'),
    feedback: z.string().min(1).optional().describe('why (required for reject and regenerate)'),
    code: z.string().optional().describe('the new code (edit)'),
    file: z.string().min(1).optional().describe('a workspace file holding the new code (edit)'),
    agent: z.string().min(1).optional().describe('regenerate at once with this agent of .st3/config/agents.yaml'),
    agentUrl: z.string().url().optional().describe('or with an ad-hoc OpenAI-compatible endpoint'),
    agentModel: z.string().min(1).optional().describe('the model, with agentUrl'),
  }),
  output: z.object({
    ok: z.boolean().describe('false when regenerate ran the agent and no attempt gave usable code (see error)'),
    item: ReviewItemSchema,
    regenerated: z
      .boolean()
      .describe('the agent ran at once and the item got new code (false: left to the next execute, or it failed)'),
    error: z
      .object({ code: z.string(), message: z.string(), hint: z.string(), details: z.record(z.string(), z.unknown()) })
      .optional()
      .describe('why a regeneration with an agent gave no new code (as `st3 review regenerate --json`)'),
  }),
  annotations: WRITES,
  async run(args, { root, signal }) {
    const { chooseAgent, openReviewService } = await import('@st3/executor');
    if (signal.aborted) throw new St3Error('E_INTERRUPTED', 'cancelled');
    const wantsAgent = args.agent !== undefined || args.agentUrl !== undefined || args.agentModel !== undefined;
    if (wantsAgent && args.action !== 'regenerate')
      throw new St3Error('E_USAGE', 'agent, agentUrl and agentModel go with the regenerate action');
    const agent = wantsAgent
      ? await chooseAgent(root, process.env, {
          ...(args.agent ? { name: args.agent } : {}),
          ...(args.agentUrl ? { url: args.agentUrl } : {}),
          ...(args.agentModel ? { model: args.agentModel } : {}),
        })
      : undefined;
    // The service `st3 review` and the review page use: approve and edit write the file (an edit is
    // validated first); regenerate with an agent runs the node again at once.
    const { service, dispose } = await openReviewService(root, process.env, { ...(agent ? { agent } : {}), signal });
    const by = {
      ...(args.reviewer ? { by: args.reviewer } : {}),
      ...(args.feedback ? { feedback: args.feedback } : {}),
    };
    try {
      switch (args.action) {
        case 'assign':
          if (!args.reviewer) throw new St3Error('E_USAGE', 'assign needs reviewer');
          return { ok: true as const, item: await service.assign(args.id, args.reviewer), regenerated: false };
        case 'approve':
          return { ok: true as const, item: await service.approve(args.id, by), regenerated: false };
        case 'reject':
          return { ok: true as const, item: await service.reject(args.id, by), regenerated: false };
        case 'regenerate': {
          const r = await service.regenerate(args.id, by);
          if (r.failure) {
            // As `st3 review regenerate`: the item keeps its earlier code, and the call says why.
            const { code, message, hint, ...details } = r.failure;
            return { ok: false, item: r.item, regenerated: false, error: { code, message, hint, details } };
          }
          return { ok: true as const, item: r.item, regenerated: r.regenerated };
        }
        case 'edit': {
          const code =
            args.file !== undefined
              ? await readFile(resolveInside(root, args.file), 'utf8').catch(() => {
                  throw new St3Error('E_FILE_NOT_FOUND', `cannot read ${args.file}`, { file: args.file });
                })
              : args.code;
          if (code === undefined) throw new St3Error('E_USAGE', 'edit needs code or file');
          const item = await service.edit(args.id, code, args.reviewer ? { by: args.reviewer } : {});
          return { ok: true as const, item, regenerated: false };
        }
      }
    } finally {
      await dispose();
    }
  },
  summary: ({ item: i, regenerated, error }) =>
    error
      ? `the regeneration of ${i.id} failed: ${error.message.split('\n')[0]} (${error.code}); it keeps its earlier code (${i.status})`
      : `${i.id} is now ${i.status}${i.reviewer ? ` (@${i.reviewer})` : ''}${regenerated ? ' (regenerated by the agent)' : ''}`,
  failed: (r) => !r.ok,
});

/** A run record run_status could not read: listed, never skipped (as `st3 execute` stops at it). */
const UnreadableRunSchema = z.object({
  id: z.string().describe('the file name without .json'),
  file: z.string(),
  code: z.string().describe('E_PARSE (not JSON), E_SCHEMA (not a run record), E_FILE_READ'),
  message: z.string(),
  line: z.number().optional(),
  column: z.number().optional(),
  hint: z.string(),
});

export const runStatusTool = defineTool({
  name: 'run_status',
  title: 'Execution runs',
  area: 'execute',
  cli: 'st3 execute --resume (run records)',
  description:
    "The recorded runs of `st3 execute` (.st3/runs/): without id, every run with its status, and in `unreadable` each record that cannot be read or fails its schema (located; isError then: those runs' status is unknown, and `st3 execute` stops at such a record); with id, the full run state (per-node status, attempts, errors).",
  input: z.object({ id: z.string().min(1).optional().describe('run id, e.g. run-20260122-041500-a1b2c3') }),
  output: z.object({
    ok: z.boolean().describe('false when a run record could not be read (see `unreadable`)'),
    runs: z.array(z.object({ id: z.string(), status: RunStatusSchema, updatedAt: z.string(), nodes: z.number() })),
    unreadable: z
      .array(UnreadableRunSchema)
      .optional()
      .describe('without id: the run records that could not be read (E_PARSE, E_SCHEMA, E_FILE_READ)'),
    run: RunStateSchema.optional(),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { createFileRunStore } = await import('@st3/executor');
    const store = createFileRunStore(join(root, '.st3', 'runs'));
    if (args.id) {
      const run = await store.load(args.id);
      return {
        ok: true,
        runs: [{ id: run.id, status: run.status, updatedAt: run.updatedAt, nodes: Object.keys(run.nodes).length }],
        run,
      };
    }
    const listed = await store.list();
    // The store names the records absolutely; tools name files from the workspace root.
    const unreadable = listed.unreadable?.map((u) => ({
      ...u,
      file: shownPath(root, u.file),
      message: shownPathsIn(root, u.message),
    }));
    return { ok: (unreadable?.length ?? 0) === 0, ...listed, ...(unreadable ? { unreadable } : {}) };
  },
  summary: (r) => {
    if (r.run) return `${r.run.id}: ${r.run.status}, ${plural(Object.keys(r.run.nodes).length, 'node')}`;
    const latest = r.runs[r.runs.length - 1];
    const bad = r.unreadable ?? [];
    const unreadable =
      bad.length > 0
        ? `; ${bad.length} unreadable (status unknown): ${bad
            .slice(0, 3)
            .map((u) => `${u.file}${u.line ? `:${u.line}:${u.column ?? 1}` : ''} ${u.code}`)
            .join(', ')}${bad.length > 3 ? ', …' : ''}`
        : '';
    return `${plural(r.runs.length, 'run')}${latest ? `; latest ${latest.id} ${latest.status}` : ''}${unreadable}`;
  },
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<z.output<typeof ReviewItemInFileSchema>, Result<typeof Executor.withSupersededBy>>(true);
declares<NonNullable<ListedItem['inFile']>, Result<typeof Executor.approvedInFile>[string]>(true);
declares<OutputOf<typeof runStatusTool>, Result<ReturnType<typeof Executor.createFileRunStore>['list']>>(true);
