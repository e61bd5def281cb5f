import { join } from 'node:path';
import { loadFile, ReviewQueueSchema } from '@st3/schemas';

export type ReviewLevelCounts = Record<'critical' | 'low' | 'medium' | 'high', number>;

/**
 * Review items waiting for a reviewer (pending or in review) by confidence level, from the workspace's
 * `.st3/review/queue.json` (no file: an empty queue). An unreadable queue gives undefined: its size is
 * not measured, rather than zero.
 */
export async function reviewQueueSizes(root: string): Promise<ReviewLevelCounts | undefined> {
  const r = await loadFile(join(root, '.st3', 'review', 'queue.json'), { schema: ReviewQueueSchema });
  const counts: ReviewLevelCounts = { critical: 0, low: 0, medium: 0, high: 0 };
  if (!r.value) return r.errors.some((d) => d.code === 'E_FILE_NOT_FOUND') ? counts : undefined;
  for (const item of r.value.items)
    if (item.status === 'pending' || item.status === 'in_review') counts[item.confidence.level]++;
  return counts;
}
