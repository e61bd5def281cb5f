import { join } from 'node:path';
import {
  St3Error,
  type ChangeValidation,
  type CodeIssue,
  type ConfidenceLevel,
  type ReviewEvent,
  type ReviewItem,
  type ReviewQueue,
  type ReviewStatus,
} from '@st3/schemas';
import { confidenceLevel, LEVEL_PRIORITY, type ConfidenceScore } from '../confidence.js';
import { detectIssues, languageOf, measuredSyntax, type CodeLanguage } from '../detectors/index.js';
import type { LockOptions } from '../fs.js';
import {
  assertAllowed,
  findItem,
  getItem,
  moveItem,
  mutateQueue,
  readQueue,
  recordApplied,
  timestamp,
  type AppliedWrite,
  type QueueContext,
} from './queue-store.js';

export interface AddReviewInput {
  nodeId: string;
  runId?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  code: string;
  language?: CodeLanguage;
  /** A score in [0, 1] or a full ConfidenceScore. */
  confidence: number | ConfidenceScore;
  /** Found by `detectIssues` when not given. */
  issues?: CodeIssue[];
  /** The atom's code the proposal replaces. */
  originalCode?: string;
  /** The whole change as a unified diff against the file (what approve applies). */
  patch?: string;
  baseSha256?: string;
  /** What validating the change found. */
  checks?: ChangeValidation;
}

export interface ReviewStats {
  total: number;
  byStatus: Record<ReviewStatus, number>;
  byLevel: Record<ConfidenceLevel, number>;
  meanConfidence: number;
  /** approved / decided (approved + rejected + needs_regeneration). */
  approvalRate: number;
  byReviewer: Record<string, number>;
  issues: Record<string, number>;
}

/**
 * Writes a decision's code into the file while the queue is locked, given the item as it is then: so no
 * reject, regeneration or new code of the node can come between the write and the item's move (the file
 * would hold code its item does not approve). Throwing writes nothing; undefined: nothing was written.
 */
export type WriteUnderLock = (item: ReviewItem) => Promise<AppliedWrite | undefined>;

/** What approve and edit record: who, the write (done, or to do under the lock), the checks made now. */
export interface DecisionOptions {
  by?: string;
  applied?: AppliedWrite;
  write?: WriteUnderLock;
  checks?: ChangeValidation;
}

export interface ReviewQueueOptions {
  /** Options of the queue file's lock (@st3/fs). */
  lock?: LockOptions;
  /** Wall-clock time for history entries (tests fix it). */
  now?: () => Date;
}

/** Review queue stored as `<dir>/queue.json` (normally `.st3/review/`); every change is made under a lock and written atomically. */
export function createReviewQueue(dir: string, options: ReviewQueueOptions = {}) {
  const ctx: QueueContext = { file: join(dir, 'queue.json'), options };
  return {
    file: ctx.file,
    list(filter: { status?: ReviewStatus; level?: ConfidenceLevel; reviewer?: string } = {}): Promise<ReviewItem[]> {
      return listItems(ctx, filter);
    },
    get(id: string): Promise<ReviewItem> {
      return getItem(ctx, id);
    },
    /**
     * Adds the code generated for a node. A node has one item: its open item (pending, in review, or
     * rejected / sent back for regeneration and not applied since) takes the new code and is pending
     * again; a new item is made only when the node has none open.
     */
    add(input: AddReviewInput): Promise<ReviewItem> {
      return addItem(ctx, input);
    },
    /** Records that an item's code (or, for an item awaiting regeneration, newer code of its node) is in the file now. */
    markApplied: (id: string, applied: { sha256: string; by?: string; note?: string }) =>
      markItemApplied(ctx, id, applied),
    /** The pending items with the lowest confidence: `percent`% of the pending ones, rounded up. */
    select(percent: number): Promise<ReviewItem[]> {
      return selectLowestConfidence(ctx, percent);
    },
    assign: (id: string, reviewer: string) => assignItem(ctx, id, reviewer),
    /**
     * Approves an item; `applied` records that the review service wrote its change to the file, or
     * `write` writes it under the queue's lock, once the move is known to be allowed (see WriteUnderLock).
     */
    approve: (id: string, opts: DecisionOptions & { feedback?: string } = {}) => approveItem(ctx, id, opts),
    reject: (id: string, opts: { by?: string; feedback?: string }) => sendBack(ctx, id, 'reject', opts),
    regenerate: (id: string, opts: { by?: string; feedback?: string }) => sendBack(ctx, id, 'regenerate', opts),
    /**
     * Replaces an item's code with a reviewer's edit and approves it; refused (nothing saved) when the
     * code does not parse. The review service validates the edit and writes it to the file first.
     */
    edit(id: string, code: string, opts: DecisionOptions = {}): Promise<ReviewItem> {
      return editItem(ctx, id, code, opts);
    },
    /** Checks that `action` is allowed on the item now (throws E_REVIEW_TRANSITION like the action would). */
    async expect(id: string, action: ReviewEvent['action']): Promise<ReviewItem> {
      const item = await getItem(ctx, id);
      assertAllowed(item, action);
      return item;
    },
    /** Reviewer feedback per node for items awaiting regeneration: what the next run passes to those nodes. */
    async regenerationFeedback(): Promise<Record<string, string>> {
      return regenerationFeedback(await readQueue(ctx));
    },
    async stats(): Promise<ReviewStats> {
      return queueStats((await readQueue(ctx)).items);
    },
  };
}

function requireFeedback(feedback: string | undefined, action: string): string {
  if (!feedback || feedback.trim() === '')
    throw new St3Error('E_REVIEW_FEEDBACK_REQUIRED', `${action} needs feedback`, {
      hint: 'pass --feedback "what is wrong"',
    });
  return feedback;
}

/** The queue's order: highest priority first, then lowest confidence, then id. */
function queueOrder(a: ReviewItem, b: ReviewItem): number {
  return b.priority - a.priority || a.confidence.score - b.confidence.score || compareIds(a.id, b.id);
}

async function listItems(
  ctx: QueueContext,
  filter: { status?: ReviewStatus; level?: ConfidenceLevel; reviewer?: string },
): Promise<ReviewItem[]> {
  const queue = await readQueue(ctx);
  return queue.items
    .filter(
      (i) =>
        (!filter.status || i.status === filter.status) &&
        (!filter.level || i.confidence.level === filter.level) &&
        (!filter.reviewer || i.reviewer === filter.reviewer),
    )
    .sort(queueOrder);
}

/** The fields an added proposal sets on its item (new or reused); issues and syntax are checked outside the lock. */
async function proposalFields(input: AddReviewInput, language: CodeLanguage) {
  const [issues, validation] = await Promise.all([
    input.issues ?? detectIssues(input.code, language),
    measuredSyntax(input.code, language),
  ]);
  const confidence =
    typeof input.confidence === 'number'
      ? { score: input.confidence, level: confidenceLevel(input.confidence) }
      : input.confidence;
  return {
    code: input.code,
    confidence,
    priority: LEVEL_PRIORITY[confidence.level],
    issues,
    ...(validation ? { validation } : {}),
    ...(input.runId ? { runId: input.runId } : {}),
    ...(input.file ? { file: input.file } : {}),
    ...(input.startLine ? { startLine: input.startLine } : {}),
    ...(input.endLine ? { endLine: input.endLine } : {}),
    ...(input.originalCode !== undefined ? { originalCode: input.originalCode } : {}),
    ...(input.patch !== undefined ? { patch: input.patch } : {}),
    ...(input.baseSha256 !== undefined ? { baseSha256: input.baseSha256 } : {}),
    ...(input.checks !== undefined ? { checks: input.checks } : {}),
  };
}

type ProposalFields = Awaited<ReturnType<typeof proposalFields>>;

async function addItem(ctx: QueueContext, input: AddReviewInput): Promise<ReviewItem> {
  const language = input.language ?? languageOf(input.file);
  const fields = await proposalFields(input, language);
  return mutateQueue(ctx, (queue) => {
    const at = timestamp(ctx);
    const open = queue.items.find((i) => i.nodeId === input.nodeId && isOpen(i));
    if (open) return reuseOpenItem(ctx, open, fields, at);
    const next = queue.items.reduce((max, i) => Math.max(max, Number(i.id.slice(1)) || 0), 0) + 1;
    const item: ReviewItem = {
      id: `r${next}`,
      nodeId: input.nodeId,
      language,
      ...fields,
      status: 'pending',
      history: [{ at, action: 'add', to: 'pending' }],
      createdAt: at,
      updatedAt: at,
    };
    queue.items.push(item);
    return item;
  });
}

/** New code for a node with an open item: the item takes it, and a sent-back item is pending again. */
function reuseOpenItem(ctx: QueueContext, open: ReviewItem, fields: ProposalFields, at: string): ReviewItem {
  Object.assign(open, fields, { updatedAt: at });
  if (!('validation' in fields)) delete open.validation; // the new code's syntax was not measured
  delete open.applied;
  if (open.status === 'needs_regeneration' || open.status === 'rejected') moveItem(ctx, open, 'resubmit');
  else open.history.push({ at, action: 'add', from: open.status, to: open.status });
  return open;
}

function markItemApplied(
  ctx: QueueContext,
  id: string,
  applied: { sha256: string; by?: string; note?: string },
): Promise<ReviewItem> {
  return mutateQueue(ctx, (q) => {
    const item = findItem(q, id);
    // The note goes to the history only: the item's `feedback` stays the reviewer's (why it was sent back).
    const feedback = item.feedback;
    moveItem(ctx, item, 'apply', { by: applied.by, feedback: applied.note });
    if (feedback === undefined) delete item.feedback;
    else item.feedback = feedback;
    recordApplied(ctx, item, applied.sha256, applied.by);
    return item;
  });
}

async function selectLowestConfidence(ctx: QueueContext, percent: number): Promise<ReviewItem[]> {
  if (!(percent >= 0 && percent <= 100)) throw new St3Error('E_USAGE', `percent must be in 0..100, got ${percent}`);
  const pending = (await readQueue(ctx)).items
    .filter((i) => i.status === 'pending')
    .sort((a, b) => a.confidence.score - b.confidence.score || compareIds(a.id, b.id));
  return pending.slice(0, Math.ceil((pending.length * percent) / 100));
}

function assignItem(ctx: QueueContext, id: string, reviewer: string): Promise<ReviewItem> {
  return mutateQueue(ctx, (q) => {
    if (!reviewer.trim())
      throw new St3Error('E_USAGE', 'a reviewer name is required', { hint: 'pass --reviewer NAME' });
    const item = findItem(q, id);
    moveItem(ctx, item, 'assign', { by: reviewer });
    item.reviewer = reviewer;
    return item;
  });
}

function approveItem(
  ctx: QueueContext,
  id: string,
  opts: DecisionOptions & { feedback?: string },
): Promise<ReviewItem> {
  return mutateQueue(ctx, async (q) => {
    const item = findItem(q, id);
    const applied = await writeIfAllowed(item, 'approve', opts);
    const by = opts.by ?? item.reviewer;
    moveItem(ctx, item, 'approve', { by, feedback: opts.feedback });
    // Checks made again at approval (the file had changed since the item was queued).
    if (opts.checks) item.checks = opts.checks;
    if (applied) recordApplied(ctx, item, applied.sha256, by);
    return item;
  });
}

/** The decision's write: done by the caller (`applied`), or now, once the move is known to be allowed. */
async function writeIfAllowed(
  item: ReviewItem,
  action: 'approve' | 'edit',
  opts: DecisionOptions,
): Promise<AppliedWrite | undefined> {
  assertAllowed(item, action);
  return opts.write ? await opts.write(item) : opts.applied;
}

/** Reject or regenerate: both send the item back with the reviewer's (required) feedback. */
function sendBack(
  ctx: QueueContext,
  id: string,
  action: 'reject' | 'regenerate',
  opts: { by?: string; feedback?: string },
): Promise<ReviewItem> {
  return mutateQueue(ctx, (q) => {
    const feedback = requireFeedback(opts.feedback, action);
    const item = findItem(q, id);
    moveItem(ctx, item, action, { by: opts.by ?? item.reviewer, feedback });
    return item;
  });
}

async function editItem(ctx: QueueContext, id: string, code: string, opts: DecisionOptions): Promise<ReviewItem> {
  // Refuse a disallowed edit before the (slow) parse, as the locked move below would.
  const current = await getItem(ctx, id);
  assertAllowed(current, 'edit');
  const lang = current.language as CodeLanguage;
  const validation = await measuredSyntax(code, lang);
  if (validation && !validation.ok) {
    throw new St3Error('E_REVIEW_INVALID_EDIT', `edited code of ${id} does not parse: ${validation.errors[0]}`, {
      details: { errors: validation.errors },
    });
  }
  const issues = await detectIssues(code, lang);
  return mutateQueue(ctx, async (q) => {
    const item = findItem(q, id);
    const applied = await writeIfAllowed(item, 'edit', opts);
    const by = opts.by ?? item.reviewer;
    moveItem(ctx, item, 'edit', { by });
    Object.assign(item, { code, issues }, opts.checks ? { checks: opts.checks } : {});
    if (validation) item.validation = validation;
    else delete item.validation; // a language ST3 cannot parse: not measured
    if (applied) recordApplied(ctx, item, applied.sha256, by);
    return item;
  });
}

function regenerationFeedback(queue: ReviewQueue): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of queue.items)
    if ((i.status === 'needs_regeneration' || i.status === 'rejected') && !i.applied && i.feedback)
      out[i.nodeId] = `Reviewer feedback: ${i.feedback}`;
  return out;
}

function queueStats(items: ReviewItem[]): ReviewStats {
  const byStatus: Record<ReviewStatus, number> = {
    pending: 0,
    in_review: 0,
    approved: 0,
    rejected: 0,
    needs_regeneration: 0,
  };
  const byLevel: Record<ConfidenceLevel, number> = { high: 0, medium: 0, low: 0, critical: 0 };
  const byReviewer: Record<string, number> = {};
  const issues: Record<string, number> = {};
  let sum = 0;
  for (const i of items) {
    byStatus[i.status]++;
    byLevel[i.confidence.level]++;
    sum += i.confidence.score;
    if (i.reviewer) byReviewer[i.reviewer] = (byReviewer[i.reviewer] ?? 0) + 1;
    for (const issue of i.issues) issues[issue.rule] = (issues[issue.rule] ?? 0) + 1;
  }
  const decided = byStatus.approved + byStatus.rejected + byStatus.needs_regeneration;
  return {
    total: items.length,
    byStatus,
    byLevel,
    meanConfidence: items.length ? sum / items.length : 0,
    approvalRate: decided ? byStatus.approved / decided : 0,
    byReviewer,
    issues,
  };
}

export type ReviewQueueApi = ReturnType<typeof createReviewQueue>;

/** An item still deciding its node's code: not approved, and not superseded by code applied since. */
function isOpen(item: ReviewItem): boolean {
  if (item.status === 'approved') return false;
  return !item.applied;
}

function compareIds(a: string, b: string): number {
  return (Number(a.slice(1)) || 0) - (Number(b.slice(1)) || 0) || (a < b ? -1 : a > b ? 1 : 0);
}
