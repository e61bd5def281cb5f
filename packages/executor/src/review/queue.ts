import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  loadText,
  St3Error,
  ReviewQueueSchema,
  type ChangeValidation,
  type CodeIssue,
  type ConfidenceLevel,
  type ReviewEvent,
  type ReviewItem,
  type ReviewQueue,
  type ReviewStatus,
} from '@st3/schemas';
import { confidenceLevel, LEVEL_PRIORITY, type ConfidenceScore } from '../confidence.js';
import { checkSyntax, detectIssues, languageOf, type CodeLanguage } from '../detectors/index.js';
import { withFileLock, writeFileAtomic, type LockOptions } from '../fs.js';

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
  // Regenerated code for the node comes back to the same item (one item per node).
  needs_regeneration: { resubmit: 'pending', apply: 'needs_regeneration' },
  rejected: { resubmit: 'pending', apply: 'rejected' },
  approved: { apply: 'approved' },
};

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

export interface ReviewQueueOptions {
  /** Options of the queue file's lock (@st3/fs). */
  lock?: LockOptions;
  /** Wall-clock time for history entries (tests fix it). */
  now?: () => Date;
}

/** Review queue stored as `<dir>/queue.json` (normally `.st3/review/`); every change is made under a lock and written atomically. */
export function createReviewQueue(dir: string, options: ReviewQueueOptions = {}) {
  const file = join(dir, 'queue.json');
  const now = () => (options.now ?? (() => new Date()))().toISOString();

  const read = async (): Promise<ReviewQueue> => {
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
  };

  const mutate = <T>(fn: (queue: ReviewQueue) => Promise<T> | T): Promise<T> =>
    withFileLock(
      file,
      async () => {
        const queue = await read();
        const out = await fn(queue);
        await writeFileAtomic(file, `${JSON.stringify(queue, null, 2)}\n`);
        return out;
      },
      options.lock,
    );

  const find = (queue: ReviewQueue, id: string): ReviewItem => {
    const item = queue.items.find((i) => i.id === id);
    if (!item)
      throw new St3Error('E_REVIEW_NOT_FOUND', `no review item "${id}"`, {
        hint: 'run `st3 review list` to see the ids',
      });
    return item;
  };

  const move = (item: ReviewItem, action: ReviewEvent['action'], extra: { by?: string; feedback?: string } = {}) => {
    const to = TRANSITIONS[item.status][action];
    if (!to) {
      const allowed = Object.keys(TRANSITIONS[item.status]);
      throw new St3Error('E_REVIEW_TRANSITION', `cannot ${action} item ${item.id}: it is ${item.status}`, {
        hint: allowed.length > 0 ? `from ${item.status} you can: ${allowed.join(', ')}` : `${item.status} is final`,
        details: { id: item.id, status: item.status, action },
      });
    }
    const at = now();
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
  };

  const requireFeedback = (feedback: string | undefined, action: string): string => {
    if (!feedback || feedback.trim() === '')
      throw new St3Error('E_REVIEW_FEEDBACK_REQUIRED', `${action} needs feedback`, {
        hint: 'pass --feedback "what is wrong"',
      });
    return feedback;
  };

  const order = (a: ReviewItem, b: ReviewItem) =>
    b.priority - a.priority || a.confidence.score - b.confidence.score || compareIds(a.id, b.id);

  return {
    file,
    async list(
      filter: { status?: ReviewStatus; level?: ConfidenceLevel; reviewer?: string } = {},
    ): Promise<ReviewItem[]> {
      const queue = await read();
      return queue.items
        .filter(
          (i) =>
            (!filter.status || i.status === filter.status) &&
            (!filter.level || i.confidence.level === filter.level) &&
            (!filter.reviewer || i.reviewer === filter.reviewer),
        )
        .sort(order);
    },
    async get(id: string): Promise<ReviewItem> {
      return find(await read(), id);
    },
    /**
     * Adds the code generated for a node. A node has one item: its open item (pending, in review, or
     * rejected / sent back for regeneration and not applied since) takes the new code and is pending
     * again; a new item is made only when the node has none open.
     */
    async add(input: AddReviewInput): Promise<ReviewItem> {
      const language = input.language ?? languageOf(input.file);
      const [issues, validation] = await Promise.all([
        input.issues ?? detectIssues(input.code, language),
        checkSyntax(input.code, language),
      ]);
      const confidence =
        typeof input.confidence === 'number'
          ? { score: input.confidence, level: confidenceLevel(input.confidence) }
          : input.confidence;
      const fields = {
        code: input.code,
        confidence,
        priority: LEVEL_PRIORITY[confidence.level],
        issues,
        validation,
        ...(input.runId ? { runId: input.runId } : {}),
        ...(input.file ? { file: input.file } : {}),
        ...(input.startLine ? { startLine: input.startLine } : {}),
        ...(input.endLine ? { endLine: input.endLine } : {}),
        ...(input.originalCode !== undefined ? { originalCode: input.originalCode } : {}),
        ...(input.patch !== undefined ? { patch: input.patch } : {}),
        ...(input.baseSha256 !== undefined ? { baseSha256: input.baseSha256 } : {}),
        ...(input.checks !== undefined ? { checks: input.checks } : {}),
      };
      return mutate((queue) => {
        const at = now();
        const open = queue.items.find((i) => i.nodeId === input.nodeId && isOpen(i));
        if (open) {
          Object.assign(open, fields, { updatedAt: at });
          delete open.applied;
          if (open.status === 'needs_regeneration' || open.status === 'rejected') move(open, 'resubmit');
          else open.history.push({ at, action: 'add', from: open.status, to: open.status });
          return open;
        }
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
    },
    /** Records that an item's code (or, for an item awaiting regeneration, newer code of its node) is in the file now. */
    markApplied: (id: string, applied: { sha256: string; by?: string; note?: string }) =>
      mutate((q) => {
        const item = find(q, id);
        move(item, 'apply', { by: applied.by, feedback: applied.note });
        item.applied = { at: now(), sha256: applied.sha256, ...(applied.by ? { by: applied.by } : {}) };
        return item;
      }),
    /** The pending items with the lowest confidence: `percent`% of the pending ones, rounded up. */
    async select(percent: number): Promise<ReviewItem[]> {
      if (!(percent >= 0 && percent <= 100)) throw new St3Error('E_USAGE', `percent must be in 0..100, got ${percent}`);
      const pending = (await read()).items
        .filter((i) => i.status === 'pending')
        .sort((a, b) => a.confidence.score - b.confidence.score || compareIds(a.id, b.id));
      return pending.slice(0, Math.ceil((pending.length * percent) / 100));
    },
    assign: (id: string, reviewer: string) =>
      mutate((q) => {
        if (!reviewer.trim())
          throw new St3Error('E_USAGE', 'a reviewer name is required', { hint: 'pass --reviewer NAME' });
        const item = find(q, id);
        move(item, 'assign', { by: reviewer });
        item.reviewer = reviewer;
        return item;
      }),
    /** Approves an item; `applied` records that the review service wrote its change to the file. */
    approve: (id: string, opts: { by?: string; feedback?: string; applied?: { sha256: string } } = {}) =>
      mutate((q) => {
        const item = find(q, id);
        const by = opts.by ?? item.reviewer;
        move(item, 'approve', { by, feedback: opts.feedback });
        if (opts.applied) item.applied = { at: now(), sha256: opts.applied.sha256, ...(by ? { by } : {}) };
        return item;
      }),
    reject: (id: string, opts: { by?: string; feedback?: string }) =>
      mutate((q) => {
        const feedback = requireFeedback(opts.feedback, 'reject');
        const item = find(q, id);
        move(item, 'reject', { by: opts.by ?? item.reviewer, feedback });
        return item;
      }),
    regenerate: (id: string, opts: { by?: string; feedback?: string }) =>
      mutate((q) => {
        const feedback = requireFeedback(opts.feedback, 'regenerate');
        const item = find(q, id);
        move(item, 'regenerate', { by: opts.by ?? item.reviewer, feedback });
        return item;
      }),
    /**
     * Replaces an item's code with a reviewer's edit and approves it; refused (nothing saved) when the
     * code does not parse. The review service validates the edit and writes it to the file first.
     */
    async edit(
      id: string,
      code: string,
      opts: { by?: string; applied?: { sha256: string }; checks?: ChangeValidation } = {},
    ): Promise<ReviewItem> {
      const current = await this.get(id);
      if (!TRANSITIONS[current.status].edit) move({ ...current, history: [] }, 'edit');
      const lang = current.language as CodeLanguage;
      const validation = await checkSyntax(code, lang);
      if (!validation.ok) {
        throw new St3Error('E_REVIEW_INVALID_EDIT', `edited code of ${id} does not parse: ${validation.errors[0]}`, {
          details: { errors: validation.errors },
        });
      }
      const issues = await detectIssues(code, lang);
      return mutate((q) => {
        const item = find(q, id);
        const by = opts.by ?? item.reviewer;
        move(item, 'edit', { by });
        Object.assign(item, { code, validation, issues }, opts.checks ? { checks: opts.checks } : {});
        if (opts.applied) item.applied = { at: now(), sha256: opts.applied.sha256, ...(by ? { by } : {}) };
        return item;
      });
    },
    /** Checks that `action` is allowed on the item now (throws E_REVIEW_TRANSITION like the action would). */
    async expect(id: string, action: ReviewEvent['action']): Promise<ReviewItem> {
      const item = await this.get(id);
      if (!TRANSITIONS[item.status][action]) move({ ...item, history: [] }, action);
      return item;
    },
    /** Reviewer feedback per node for items awaiting regeneration: what the next run passes to those nodes. */
    async regenerationFeedback(): Promise<Record<string, string>> {
      const out: Record<string, string> = {};
      for (const i of (await read()).items)
        if ((i.status === 'needs_regeneration' || i.status === 'rejected') && !i.applied && i.feedback)
          out[i.nodeId] = `Reviewer feedback: ${i.feedback}`;
      return out;
    },
    async stats(): Promise<ReviewStats> {
      const items = (await read()).items;
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
    },
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
