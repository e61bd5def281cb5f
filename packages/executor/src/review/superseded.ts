import type { ReviewItem } from '@st3/schemas';

/**
 * What took the place of a rejected (or sent-back) item's code: a later run regenerated its node,
 * validated the new code and applied it (`applied` of the item is that run's write, not the item's code).
 */
export interface ReviewSupersededBy {
  /** The run that applied the node's new code (unknown only for items it did not record). */
  runId?: string;
  at: string;
  /** sha256 of the file after that run's write. */
  sha256: string;
}

/**
 * The run whose regenerated code settled the item, when one did. The item keeps its status (it was
 * rejected: its history is true), but its code is no longer what the node has: lists say so.
 */
export function supersededBy(item: ReviewItem): ReviewSupersededBy | undefined {
  if ((item.status !== 'rejected' && item.status !== 'needs_regeneration') || !item.applied) return undefined;
  const runId = item.applied.by ?? runOfApplyNote(item);
  return { ...(runId ? { runId } : {}), at: item.applied.at, sha256: item.applied.sha256 };
}

/** The item as `st3 review list|show --json` and the review page's API give it: `supersededBy` added when set. */
export function withSupersededBy<T extends ReviewItem>(item: T): T & { supersededBy?: ReviewSupersededBy } {
  const by = supersededBy(item);
  return by ? { ...item, supersededBy: by } : item;
}

/** Items written before the run was recorded in `applied.by`: the run named by their last `apply` note. */
function runOfApplyNote(item: ReviewItem): string | undefined {
  const note = item.history.findLast((h) => h.action === 'apply')?.feedback;
  return note ? /\bapplied by (\S+)$/.exec(note)?.[1] : undefined;
}

/** One line for a person: by which run, and when. */
export function supersededText(by: ReviewSupersededBy): string {
  return `superseded: its node was regenerated and applied by ${by.runId ?? 'a later run'} (${by.at})`;
}
