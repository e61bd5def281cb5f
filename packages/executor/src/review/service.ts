import { applyPatch, reversePatch, parsePatch } from 'diff';
import { St3Error, type ChangeValidation, type NodeState, type ReviewItem } from '@st3/schemas';
import { locateLines, replaceLines, sha256, splitLines } from '../change/text.js';
import type { WorkspaceFiles } from '../change/workspace.js';
import { UNCHANGED_ANSWER_REASON } from '../runners/agent.js';
import type { Validator } from '../validate/validate.js';
import type { ReviewQueueApi } from './queue.js';

export interface ReviewServiceOptions {
  queue: ReviewQueueApi;
  files: WorkspaceFiles;
  /** Re-validates edits (parse, atomicity, gates in a scratch copy); without one only the syntax is checked. */
  validator?: Validator;
  /**
   * Regenerates a node now with the reviewer's feedback (an agent is configured); without it,
   * `regenerate` only records the feedback for the next `st3 execute`.
   */
  regenerateNow?: (item: ReviewItem, feedback: string) => Promise<RegenerationRun | undefined>;
}

/** What the service reads of a regeneration run (an `AgentExecutionResult` is one) to tell whether it worked. */
export interface RegenerationRun {
  runId: string;
  status: string;
  nodes: Record<string, Pick<NodeState, 'status' | 'attempts' | 'error' | 'alreadyDone' | 'change'>>;
}

/** Why a regeneration gave the item no new code (it keeps its earlier code and stays `needs_regeneration`). */
export interface RegenerationFailure {
  /** The node's error code (E_AGENT_ANSWER, E_VALIDATION_FAILED, E_AGENT_UNREACHABLE…); E_INTERRUPTED when cancelled. */
  code: string;
  message: string;
  hint: string;
  category?: string;
  /** Attempts the regeneration made. */
  attempts: number;
  /** The regeneration's run record, `.st3/runs/<runId>.json`. */
  runId: string;
}

/**
 * The failure of a regeneration run, or undefined when the node got new code. A run that ends
 * without an error can still have regenerated nothing (cancelled, or the node skipped as done):
 * only a node that succeeded with a change of this run counts.
 */
export function regenerationFailure(item: ReviewItem, run: RegenerationRun): RegenerationFailure | undefined {
  const node = run.nodes[item.nodeId];
  const base = {
    attempts: node?.attempts.length ?? 0,
    runId: run.runId,
    hint: `${item.id} keeps its earlier code: the next \`st3 execute\` regenerates it with the feedback (or regenerate it again now); the attempts are in .st3/runs/${run.runId}.json`,
  };
  if (run.status === 'cancelled' || node?.status === 'cancelled')
    return { ...base, code: 'E_INTERRUPTED', message: `the regeneration of ${item.id} was cancelled` };
  if (node?.status === 'failed') {
    const error = node.error;
    // Errors without a code: a timeout, else a failure of the runner itself.
    const code = error?.code ?? (error?.category === 'timeout' ? 'E_TIMEOUT' : 'E_INTERNAL');
    const message = `the regeneration of ${item.id} failed after ${base.attempts} attempt(s): ${error?.message ?? 'no error recorded'}`;
    return { ...base, code, message, ...(error ? { category: error.category } : {}) };
  }
  // Queued again with the atom as it was: the item's "new code" is the old code, nothing was regenerated.
  if (node?.status === 'succeeded' && node.change?.reviewReason === UNCHANGED_ANSWER_REASON && !node.alreadyDone)
    return {
      ...base,
      code: 'E_AGENT_ANSWER',
      category: 'logic',
      message: `the regeneration of ${item.id} returned the atom unchanged after ${base.attempts} attempt(s)`,
      hint: `${item.id} is pending again with the atom as it was: approve it if no change is right, or reject it with other feedback; the attempts are in .st3/runs/${run.runId}.json`,
    };
  if (node?.status === 'succeeded' && node.change && !node.alreadyDone) return undefined;
  const why = node?.alreadyDone
    ? `the run skipped the node as done (${node.alreadyDone})`
    : `the node ended ${node?.status ?? 'missing from the run'}`;
  return { ...base, code: 'E_EXEC_NOTHING', message: `nothing was regenerated for ${item.id}: ${why}` };
}

export interface ActionOptions {
  by?: string;
  feedback?: string;
}

/** The patch of an item applied to a text; undefined when it does not apply. */
function applyItemPatch(text: string, patchText: string): string | undefined {
  const [patch] = parsePatch(patchText);
  if (!patch) return undefined;
  const out = applyPatch(text, patch, { fuzzFactor: 1 });
  return out === false ? undefined : out;
}

/** True when the file already holds the item's change (undoing the patch gives back the text it was made on). */
function alreadyHolds(text: string, item: ReviewItem): boolean {
  if (!item.patch || !item.baseSha256) return false;
  const [patch] = parsePatch(item.patch);
  if (!patch) return false;
  const undone = applyPatch(text, reversePatch(patch));
  return undone !== false && sha256(undone) === item.baseSha256;
}

/**
 * The review actions with their effect on the code: approve writes the item's change into the file,
 * edit validates the reviewer's code and writes it, reject records feedback for the next run,
 * regenerate does the same and, with an agent, regenerates at once. `st3 review` and the review
 * server both call these, so the page and the command line behave the same.
 */
export function createReviewService(options: ReviewServiceOptions) {
  const { queue, files } = options;

  const writeItem = async (item: ReviewItem, compute: (current: string) => string | undefined) => {
    if (!item.file)
      throw new St3Error('E_USAGE', `review item ${item.id} names no file`, {
        hint: 'only items of agent runs can be applied',
      });
    if ((await files.read(item.file)) === undefined) throw fileGone(item);
    const { after } = await files.replace(item.file, (now) => {
      const next = compute(now);
      if (next === undefined)
        throw new St3Error('E_APPLY_CONFLICT', `the change of ${item.id} no longer applies to ${item.file}`, {
          hint: `${item.file} changed since the code was generated: regenerate the item (st3 review regenerate ${item.id} --feedback …)`,
        });
      return next;
    });
    return sha256(after);
  };

  return {
    queue,
    assign: (id: string, reviewer: string) => queue.assign(id, reviewer),

    /**
     * Approves and applies: the item's patch goes into the file (nothing is written twice). When the
     * file changed since the change was validated, the merged file is validated again first (with a
     * validator): a change that no longer passes is refused, E_VALIDATION_FAILED, nothing written.
     */
    async approve(id: string, opts: ActionOptions = {}): Promise<ReviewItem> {
      const item = await queue.expect(id, 'approve');
      // An unchanged answer approves the atom as it stands: with its file gone there is nothing to approve.
      if (!item.applied && !item.patch && item.file && (await files.read(item.file)) === undefined)
        throw fileGone(item);
      if (item.applied || !item.patch) return queue.approve(id, opts);
      const checked = options.validator ? await revalidate(item, files, options.validator) : undefined;
      // Written under the queue's lock: a reject or new code of the node meanwhile refuses it, unwritten.
      const write = async (locked: ReviewItem) => {
        assertSameProposal(item, locked, 'approve');
        const sha = await writeItem(item, (now) => {
          if (alreadyHolds(now, item)) return now;
          // Written only onto the text it was validated on: the file as queued, or as revalidated.
          if (checked && now === checked.before) return checked.after;
          const validated = !options.validator || sha256(now) === item.baseSha256;
          return validated ? applyItemPatch(now, item.patch!) : undefined;
        });
        return { sha256: sha };
      };
      return queue.approve(id, { ...opts, write, ...(checked ? { checks: checked.report } : {}) });
    },

    /** Validates the reviewer's code as a replacement of the atom, writes it, and approves the item. */
    async edit(id: string, code: string, opts: ActionOptions = {}): Promise<ReviewItem> {
      const item = await queue.expect(id, 'edit');
      // An empty edit (`--code "$UNSET"`) would delete the atom and approve that; an agent's empty block is refused too.
      if (code.trim() === '')
        throw new St3Error('E_REVIEW_INVALID_EDIT', `the edit of ${id} has no code: nothing was written`, {
          hint: `give the atom's new code (st3 review edit ${id} --file FILE); to send the item back, reject it with feedback`,
          details: { category: 'context' },
        });
      if (!item.file) return queue.edit(id, code, opts);
      const before = await files.read(item.file);
      if (before === undefined) throw fileGone(item);
      const range = rangeToReplace(item, before);
      const after = replaceLines(before, range.start, range.end, code);
      let checks;
      if (options.validator) {
        const newEnd = range.start + splitLines(code).length - 1;
        const v = await options.validator.validate({
          path: item.file,
          before,
          after,
          start: range.start,
          end: range.end,
          newEnd,
        });
        if (!v.ok)
          throw new St3Error('E_REVIEW_INVALID_EDIT', `the edit of ${id} fails validation: ${v.failure!.message}`, {
            details: { category: v.failure!.category, checks: v.report },
          });
        checks = v.report;
      }
      // Written under the queue's lock (a reject or new code meanwhile refuses it, unwritten), where the
      // atom is when the file's lock is held (the file may have changed since it was read).
      const write = async (locked: ReviewItem) => {
        assertSameProposal(item, locked, 'edit');
        const sha = await writeItem(item, (now) => {
          const at = now === before ? range : rangeToReplace(item, now);
          return replaceLines(now, at.start, at.end, code);
        });
        return { sha256: sha };
      };
      return queue.edit(id, code, { ...opts, write, ...(checks ? { checks } : {}) });
    },

    reject: (id: string, opts: ActionOptions) => queue.reject(id, opts),

    /**
     * Sends the item back with feedback; regenerates it at once when an agent is configured.
     * `regenerated` is true only when the item got new code; otherwise `failure` says why (the
     * item then waits, with the feedback, for the next run).
     */
    async regenerate(
      id: string,
      opts: ActionOptions,
    ): Promise<{ item: ReviewItem; regenerated: boolean; result?: RegenerationRun; failure?: RegenerationFailure }> {
      const item = await queue.regenerate(id, opts);
      if (!options.regenerateNow) return { item, regenerated: false };
      const result = await options.regenerateNow(item, opts.feedback ?? '');
      // No run (the item names no file): nothing happened now, the next run has the feedback.
      if (!result) return { item: await queue.get(id), regenerated: false };
      const failure = regenerationFailure(item, result);
      return { item: await queue.get(id), regenerated: !failure, result, ...(failure ? { failure } : {}) };
    },
  };
}

/**
 * An item whose file no longer exists (deleted or moved since it was queued): there is nothing its
 * change applies to, which is not the same as a file that changed since.
 */
function fileGone(item: ReviewItem): St3Error {
  const what = item.patch
    ? `the change of ${item.id} was not written`
    : `${item.id} (the atom unchanged) was not approved`;
  return new St3Error('E_FILE_NOT_FOUND', `${item.file} no longer exists: ${what}`, {
    file: item.file,
    hint: `restore ${item.file} to approve or edit the item, or reject it (st3 review reject ${item.id} --feedback …)`,
  });
}

/**
 * Refuses to write a decision made on a proposal the item no longer holds: new code for its node came
 * back to it (a run or a regeneration) while the decision was being validated.
 */
function assertSameProposal(seen: ReviewItem, now: ReviewItem, action: 'approve' | 'edit'): void {
  if (seen.patch === now.patch && seen.code === now.code && seen.baseSha256 === now.baseSha256) return;
  throw new St3Error('E_APPLY_CONFLICT', `cannot ${action} ${seen.id}: it got new code meanwhile`, {
    ...(seen.file ? { file: seen.file } : {}),
    hint: `nothing was written; look at its new code (st3 review show ${seen.id}) and decide again`,
  });
}

/**
 * An item's patch merged into its file as it is now, validated again, when the file changed since the
 * item was queued (its checks were made on another text); undefined when it did not change or already
 * holds the change. The merge failing validation is E_VALIDATION_FAILED.
 */
async function revalidate(
  item: ReviewItem,
  files: WorkspaceFiles,
  validator: Validator,
): Promise<{ before: string; after: string; report: ChangeValidation } | undefined> {
  const before = item.file === undefined ? undefined : await files.read(item.file);
  if (before === undefined || sha256(before) === item.baseSha256 || alreadyHolds(before, item)) return undefined;
  const after = applyItemPatch(before, item.patch!);
  if (after === undefined) return undefined; // the write says E_APPLY_CONFLICT
  const range = rangeToReplace(item, before);
  const newEnd = range.end + splitLines(after).length - splitLines(before).length;
  const v = await validator.validate({ path: item.file!, before, after, start: range.start, end: range.end, newEnd });
  if (!v.ok)
    throw new St3Error(
      'E_VALIDATION_FAILED',
      `the change of ${item.id} fails validation on ${item.file} as it is now (changed since it was queued): ${v.failure!.message}`,
      {
        file: item.file,
        hint: `nothing was written; regenerate it against the file as it is: st3 review regenerate ${item.id} --feedback …`,
        details: { category: v.failure!.category, checks: v.report },
      },
    );
  return { before, after, report: v.report };
}

/** Where the atom of an item is in the file now: its original code located, else its recorded lines. */
function rangeToReplace(item: ReviewItem, text: string): { start: number; end: number } {
  if (item.originalCode !== undefined) {
    const found = locateLines(text, item.originalCode, item.startLine ?? 1);
    if (found) return found;
    throw new St3Error('E_APPLY_CONFLICT', `the atom of ${item.id} is no longer in ${item.file}`, {
      hint: 'regenerate the item: the file changed since it was queued',
    });
  }
  if (item.startLine === undefined) throw new St3Error('E_USAGE', `review item ${item.id} has no line range to edit`);
  return { start: item.startLine, end: item.endLine ?? item.startLine };
}

export type ReviewService = ReturnType<typeof createReviewService>;
