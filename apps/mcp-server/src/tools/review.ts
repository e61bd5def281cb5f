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
import { resolveInside } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';

/** The review queue of the workspace (`.st3/review/queue.json`), as `st3 review` opens it. */
export async function reviewQueue(root: string) {
  const { createReviewQueue } = await import('@st3/executor');
  return createReviewQueue(join(root, '.st3', 'review'));
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
  output: z.object({ items: z.array(ReviewItemSchema) }),
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
    return { items };
  },
  summary: (r) =>
    `${plural(r.items.length, 'item')}${
      r.items.length > 0
        ? `: ${r.items
            .slice(0, 5)
            .map((i) => `${i.id} ${i.status} ${i.confidence.level}`)
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
  output: z.object({ item: ReviewItemSchema }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    return { item: await (await reviewQueue(root)).get(args.id) };
  },
  summary: ({ item: i }) =>
    `${i.id} ${i.status}: ${i.nodeId}${i.file ? ` in ${i.file}` : ''}, confidence ${i.confidence.score.toFixed(2)} (${i.confidence.level}), ${plural(i.issues.length, 'issue')}`,
});

export const reviewActionTool = defineTool({
  name: 'review_action',
  title: 'Act on a review item',
  area: 'execute',
  cli: 'st3 review assign|approve|reject|edit|regenerate',
  description:
    'Move a review item: assign (to a reviewer), approve (its change is applied to the file), reject (feedback required; the next execute regenerates the node with it), edit (new code, validated, then applied and approved) or regenerate (back to the agent with the feedback).',
  input: z.object({
    id: z.string().min(1).describe('review item id'),
    action: z.enum(['assign', 'approve', 'reject', 'edit', 'regenerate']),
    reviewer: z.string().min(1).optional().describe('who acts (required for assign)'),
    feedback: z.string().min(1).optional().describe('why (required for reject and regenerate)'),
    code: z.string().optional().describe('the new code (edit)'),
    file: z.string().min(1).optional().describe('a workspace file holding the new code (edit)'),
  }),
  output: z.object({ ok: z.literal(true), item: ReviewItemSchema }),
  annotations: WRITES,
  async run(args, { root, signal }) {
    const executor = await import('@st3/executor');
    const queue = await reviewQueue(root);
    const files = executor.createWorkspaceFiles(root);
    // The review service applies what is approved or edited to the workspace, as the review page does;
    // an edit is validated first (syntax, atomicity, and the gates in a scratch copy when configured).
    const pool = executor.createScratchPool(root, 1);
    const service = executor.createReviewService({
      queue,
      files,
      validator: executor.createValidator({ root, files, pool }),
    });
    const by = {
      ...(args.reviewer ? { by: args.reviewer } : {}),
      ...(args.feedback ? { feedback: args.feedback } : {}),
    };
    try {
      if (signal.aborted) throw new St3Error('E_INTERRUPTED', 'cancelled');
      let item;
      switch (args.action) {
        case 'assign':
          if (!args.reviewer) throw new St3Error('E_USAGE', 'assign needs reviewer');
          item = await service.assign(args.id, args.reviewer);
          break;
        case 'approve':
          item = await service.approve(args.id, by);
          break;
        case 'reject':
          item = await service.reject(args.id, by);
          break;
        case 'regenerate':
          item = (await service.regenerate(args.id, by)).item;
          break;
        case 'edit': {
          const code =
            args.file !== undefined
              ? await readFile(resolveInside(root, args.file), 'utf8').catch(() => {
                  throw new St3Error('E_FILE_NOT_FOUND', `cannot read ${args.file}`, { file: args.file });
                })
              : args.code;
          if (code === undefined) throw new St3Error('E_USAGE', 'edit needs code or file');
          item = await service.edit(args.id, code, args.reviewer ? { by: args.reviewer } : {});
          break;
        }
      }
      return { ok: true as const, item };
    } finally {
      await pool.dispose();
    }
  },
  summary: ({ item: i }) => `${i.id} is now ${i.status}${i.reviewer ? ` (@${i.reviewer})` : ''}`,
});

export const runStatusTool = defineTool({
  name: 'run_status',
  title: 'Execution runs',
  area: 'execute',
  cli: 'st3 execute --resume (run records)',
  description:
    'The recorded runs of `st3 execute` (.st3/runs/): without id, every run with its status; with id, the full run state (per-node status, attempts, errors).',
  input: z.object({ id: z.string().min(1).optional().describe('run id, e.g. run-20260122-041500-a1b2c3') }),
  output: z.object({
    runs: z.array(z.object({ id: z.string(), status: RunStatusSchema, updatedAt: z.string(), nodes: z.number() })),
    run: RunStateSchema.optional(),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { createFileRunStore } = await import('@st3/executor');
    const store = createFileRunStore(join(root, '.st3', 'runs'));
    if (args.id) {
      const run = await store.load(args.id);
      return {
        runs: [{ id: run.id, status: run.status, updatedAt: run.updatedAt, nodes: Object.keys(run.nodes).length }],
        run,
      };
    }
    return { runs: await store.list() };
  },
  summary: (r) =>
    r.run
      ? `${r.run.id}: ${r.run.status}, ${plural(Object.keys(r.run.nodes).length, 'node')}`
      : `${plural(r.runs.length, 'run')}${r.runs.length > 0 ? `; latest ${r.runs[r.runs.length - 1]!.id} ${r.runs[r.runs.length - 1]!.status}` : ''}`,
});
