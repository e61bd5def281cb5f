// What `st3 review list` and `show` add to an item: whether its file still holds an approved item's
// code (the ledger's rule), and the checks that could not judge its code.
import type { Output } from '@st3/cli-kit';
import type { ApprovedInFile, ReviewQueueApi } from '@st3/executor';
import type { ReviewItem } from '@st3/schemas';

/** What became of an approved item's code since (held items need no word): the ledger's verdict. */
export function inFileNote(out: Output, inFile: ApprovedInFile | undefined): string {
  if (!inFile || inFile.status === 'held') return '';
  const c = out.color;
  if (inFile.status === 'reverted') return c.yellow(` — reverted since: will be generated again (${inFile.why})`);
  if (inFile.status === 'superseded') return c.dim(` — its code is no longer in the file; ${inFile.why}`);
  return c.yellow(` — whether the file still holds its code: not checked (${inFile.why})`);
}

/** A rejected / sent-back item whose node a later run regenerated and applied: its code is not the node's. */
export function supersededNote(out: Output, superseded: string | undefined): string {
  return superseded ? out.color.yellow(` — ${superseded}`) : '';
}

/** `supersededText` of the item (@st3/executor, loaded when asked), when a later run's code settled it. */
export async function supersededOf(item: ReviewItem): Promise<string | undefined> {
  const { supersededBy, supersededText } = await import('@st3/executor');
  const by = supersededBy(item);
  return by ? supersededText(by) : undefined;
}

/**
 * The checks that could not judge an item's code, and why: its validation's `notMeasured`, and its
 * syntax when ST3 does not parse its language (no `validation`).
 */
export async function uncheckedOf(item: ReviewItem): Promise<string[]> {
  const { notMeasuredOf } = await import('@st3/executor');
  const list = notMeasuredOf(item.checks);
  if (!item.validation && !list.some((m) => m.startsWith('parse')))
    list.unshift(`parse: ${item.file ?? item.nodeId} is not in a language ST3 parses`);
  return list;
}

/** Whether each approved item's code is still in its file (`approvedInFile`, the ledger's rule). */
export async function inFileOf(
  opened: { root: string; runsDir: string; queue: ReviewQueueApi },
  items: readonly ReviewItem[],
): Promise<Record<string, ApprovedInFile>> {
  const { approvedInFile } = await import('@st3/executor');
  return approvedInFile(opened.runsDir, opened.queue, items, { root: opened.root });
}
