import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadFile, RunStateSchema } from '@st3/schemas';
import type { ReviewQueueApi } from './review/queue.js';

export interface PriorOutcomes {
  /** Nodes not to run again, with why: applied by an earlier run, approved, or waiting in the review queue. */
  done: Record<string, string>;
  /** Reviewer feedback for nodes to regenerate (rejected or sent back, and not applied since). */
  feedback: Record<string, string>;
}

/**
 * What earlier runs and reviewers decided about nodes: a re-run skips a node already applied (or
 * left unchanged by its agent) or approved, and one waiting in the review queue (so it never gets
 * a second item); rejected and sent-back nodes run again with the reviewer's feedback.
 */
export async function priorOutcomes(runsDir: string, queue?: ReviewQueueApi): Promise<PriorOutcomes> {
  const done: Record<string, string> = {};
  const names = (await readdir(runsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  for (const name of names) {
    const r = await loadFile(join(runsDir, name), { schema: RunStateSchema });
    if (!r.value) continue;
    for (const [id, s] of Object.entries(r.value.nodes)) {
      const outcome = s.change?.outcome;
      if (s.status === 'succeeded' && (outcome === 'applied' || outcome === 'unchanged'))
        done[id] = `${outcome} by ${r.value.id}`;
    }
  }
  const feedback: Record<string, string> = {};
  for (const item of queue ? await queue.list() : []) {
    if (item.status === 'approved') done[item.nodeId] = `approved in review (${item.id})`;
    else if (item.applied) done[item.nodeId] ??= `applied (${item.id})`;
    else if (item.status === 'pending' || item.status === 'in_review')
      done[item.nodeId] = `waiting for review (${item.id}, ${item.status})`;
    else {
      // Rejected or sent back: run again, with the reviewer's words.
      delete done[item.nodeId];
      if (item.feedback) feedback[item.nodeId] = item.feedback;
    }
  }
  return { done, feedback };
}
