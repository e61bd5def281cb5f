import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadFile, RunStateSchema } from '@st3/schemas';
import { codeDigest } from './change/text.js';
import type { ReviewQueueApi } from './review/queue.js';

export interface PriorOutcomes {
  /** Nodes not to run again, with why: applied by an earlier run, approved, or waiting in the review queue. */
  done: Record<string, string>;
  /** Reviewer feedback for nodes to regenerate (rejected or sent back, and not applied since). */
  feedback: Record<string, string>;
  /**
   * Code an earlier run or a reviewer wrote, by `path@digest` (`codeDigest`, 10 hex digits), with why: the
   * atom a change produced has a new id (atom ids end with a digest of their code) and is not to be generated again.
   */
  written: Record<string, string>;
}

/** The key of code in `PriorOutcomes.written`: its file and the first 10 hex digits of its digest. */
export function writtenKey(file: string, digest: string): string {
  return `${file}@${digest.slice(0, 10)}`;
}

/** The nodes of a graph whose code (or, without code, the digest their id ends with) an earlier run or a reviewer wrote. */
export function writtenNodes(
  nodes: readonly { id: string; path?: string; code?: string }[],
  written: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of nodes) {
    const at = n.id.lastIndexOf('@');
    if (!n.path || (n.code === undefined && at < 0)) continue;
    const why = written[writtenKey(n.path, n.code !== undefined ? codeDigest(n.code) : n.id.slice(at + 1))];
    if (why) out[n.id] = why;
  }
  return out;
}

/**
 * What earlier runs and reviewers decided about nodes: a re-run skips a node already applied (or
 * left unchanged by its agent) or approved, and one waiting in the review queue (so it never gets
 * a second item); rejected and sent-back nodes run again with the reviewer's feedback.
 */
export async function priorOutcomes(runsDir: string, queue?: ReviewQueueApi): Promise<PriorOutcomes> {
  const done: Record<string, string> = {};
  const written: Record<string, string> = {};
  const names = (await readdir(runsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  for (const name of names) {
    const r = await loadFile(join(runsDir, name), { schema: RunStateSchema });
    if (!r.value) continue;
    for (const [id, s] of Object.entries(r.value.nodes)) {
      const outcome = s.change?.outcome;
      if (s.status === 'succeeded' && (outcome === 'applied' || outcome === 'unchanged')) {
        done[id] = `${outcome} by ${r.value.id}`;
        if (outcome === 'applied' && s.change?.codeSha1)
          written[writtenKey(s.change.file, s.change.codeSha1)] = `written by ${r.value.id} (${id})`;
      }
    }
  }
  const feedback: Record<string, string> = {};
  for (const item of queue ? await queue.list() : []) {
    if (item.status === 'approved' || item.applied) {
      // What the reviewer approved or edited is in the file: the atom it became is done too.
      if (item.file && item.applied)
        written[writtenKey(item.file, codeDigest(item.code))] = `written in review (${item.id})`;
    }
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
  return { done, feedback, written };
}
