import { readFile } from 'node:fs/promises';
import {
  loadText,
  St3Error,
  ReviewQueueSchema,
  type ReviewEvent,
  type ReviewItem,
  type ReviewQueue,
  type ReviewStatus,
} from '@st3/schemas';
import { withFileLock, writeFileAtomic } from '../fs.js';
import { supersededBy, supersededText } from './superseded.js';
import type { ReviewQueueOptions } from './queue.js';

// The review queue's storage (one JSON file, changed under its lock) and its items' state machine.

/** Allowed moves; anything else is refused with E_REVIEW_TRANSITION. */
const TRANSITIONS: Record<ReviewStatus, Partial<Record<ReviewEvent['action'], ReviewStatus>>> = {
  pending: {
    assign: 'in_review',
    approve: 'approved',
    reject: 'rejected',
    regenerate: 'needs_regeneration',
    edit: 'approved',
  },
  in_review: {
    assign: 'in_review',
    approve: 'approved',
    reject: 'rejected',
    regenerate: 'needs_regeneration',
    edit: 'approved',
  },
  // Regenerated code for the node comes back to the same item (one item per node). A regeneration
  // that gave no new code leaves the item here: the reviewer may try again (new feedback, another agent).
  needs_regeneration: { regenerate: 'needs_regeneration', resubmit: 'pending', apply: 'needs_regeneration' },
  rejected: { resubmit: 'pending', apply: 'rejected' },
  approved: { apply: 'approved' },
};

/** What every operation on one queue shares: its file and the caller's options (lock, clock). */
export interface QueueContext {
  file: string;
  options: ReviewQueueOptions;
}

export type ReviewAction = ReviewEvent['action'];
export type AppliedWrite = { sha256: string };

/** The caller's clock (read at each call, as tests may fix it), as an ISO timestamp. */
export function timestamp(ctx: QueueContext): string {
  return (ctx.options.now ?? (() => new Date()))().toISOString();
}

/** The queue file's content; a missing file is an empty queue, an invalid one an error naming where. */
export async function readQueue(ctx: QueueContext): Promise<ReviewQueue> {
  const { file } = ctx;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, items: [] };
    throw new St3Error('E_FILE_READ', `cannot read ${file}: ${(error as Error).message}`, { file });
  }
  const r = loadText(text, { file, schema: ReviewQueueSchema });
  if (!r.value) {
    const d = r.errors[0];
    throw new St3Error(d?.code ?? 'E_SCHEMA', `review queue ${file} is invalid: ${d?.message ?? ''}`, {
      file,
      line: d?.line,
      column: d?.column,
      diagnostics: r.errors,
    });
  }
  return r.value;
}

/**
 * Read-modify-write of the queue under its file lock: `fn` changes the queue in place, and the queue
 * is written back atomically (even when `fn` changed nothing) before its result is returned.
 */
export function mutateQueue<T>(ctx: QueueContext, fn: (queue: ReviewQueue) => Promise<T> | T): Promise<T> {
  return withFileLock(
    ctx.file,
    async () => {
      const queue = await readQueue(ctx);
      const out = await fn(queue);
      await writeFileAtomic(ctx.file, `${JSON.stringify(queue, null, 2)}\n`);
      return out;
    },
    ctx.options.lock,
  );
}

export function findItem(queue: ReviewQueue, id: string): ReviewItem {
  const item = queue.items.find((i) => i.id === id);
  if (!item)
    throw new St3Error('E_REVIEW_NOT_FOUND', `no review item "${id}"`, {
      hint: 'run `st3 review list` to see the ids',
    });
  return item;
}

export async function getItem(ctx: QueueContext, id: string): Promise<ReviewItem> {
  return findItem(await readQueue(ctx), id);
}

/** The moves a reviewer makes (`st3 review <verb>`); resubmit and apply are made by runs. */
const REVIEWER_ACTIONS: readonly ReviewAction[] = ['assign', 'approve', 'reject', 'edit', 'regenerate'];

/** What a reviewer can do with an item in `status`, or what happens to it next when nothing. */
function nextStepHint(item: ReviewItem): string {
  const by = supersededBy(item);
  if (by) return `nothing is left to decide on ${item.id}: ${supersededText(by)}`;
  if (item.status === 'needs_regeneration')
    return `the next \`st3 execute\` regenerates it with the feedback; its new code comes back to ${item.id} as pending (or regenerate it again now: st3 review regenerate ${item.id} --agent NAME --feedback …)`;
  const verbs = REVIEWER_ACTIONS.filter((a) => TRANSITIONS[item.status][a]);
  if (verbs.length > 0) return `from ${item.status} you can: ${verbs.join(', ')}`;
  if (item.status === 'approved')
    return `approved is final: \`st3 review show ${item.id}\` says whether its file still holds its code`;
  return `the next \`st3 execute\` regenerates it with the feedback; its new code comes back to ${item.id} as pending`;
}

function transitionError(item: ReviewItem, action: ReviewAction): St3Error {
  return new St3Error('E_REVIEW_TRANSITION', `cannot ${action} item ${item.id}: it is ${item.status}`, {
    hint: nextStepHint(item),
    details: { id: item.id, status: item.status, action },
  });
}

/** Throws E_REVIEW_TRANSITION when `action` is not allowed from the item's status (changes nothing). */
export function assertAllowed(item: ReviewItem, action: ReviewAction): void {
  if (!allowed(item, action)) throw transitionError(item, action);
}

/**
 * Whether `action` may move the item: TRANSITIONS, except that an item a later run superseded (its node
 * regenerated and applied) takes no reviewer move — nothing is left to decide on it.
 */
function allowed(item: ReviewItem, action: ReviewAction): boolean {
  if (REVIEWER_ACTIONS.includes(action) && supersededBy(item)) return false;
  return TRANSITIONS[item.status][action] !== undefined;
}

/** Moves an item by `action` (see TRANSITIONS), recording the move in its history. */
export function moveItem(
  ctx: QueueContext,
  item: ReviewItem,
  action: ReviewAction,
  extra: { by?: string; feedback?: string } = {},
): void {
  const to = TRANSITIONS[item.status][action];
  if (!to || !allowed(item, action)) throw transitionError(item, action);
  const at = timestamp(ctx);
  item.history.push({
    at,
    action,
    from: item.status,
    to,
    ...(extra.by ? { by: extra.by } : {}),
    ...(extra.feedback ? { feedback: extra.feedback } : {}),
  });
  item.status = to;
  item.updatedAt = at;
  if (extra.feedback !== undefined) item.feedback = extra.feedback;
}

/** Records on the item that the change is in the file now (`by` only when known). */
export function recordApplied(ctx: QueueContext, item: ReviewItem, sha: string, by: string | undefined): void {
  item.applied = { at: timestamp(ctx), sha256: sha, ...(by ? { by } : {}) };
}
