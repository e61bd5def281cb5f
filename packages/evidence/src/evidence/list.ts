import { St3Error, type EvidenceEntry } from '@st3/schemas';
import type { EvidenceWorkspace } from '../config.js';
import { readContext } from '../context/store.js';
import { displayPath, exists } from '../util.js';
import { indexFile, readEvidenceIndex } from './evidence-index.js';
import { indexAgainstContext } from './verify.js';

/**
 * The attachments of a task, from its evidence index, held against context.json: an index that lacks
 * an attachment the context lists (the index file deleted, or its entry) or records it with another
 * SHA-256 is E_CONTEXT_CORRUPT naming it, never a shorter list (a lost index would read as "no evidence").
 */
export async function listEvidence(ws: EvidenceWorkspace, taskId: string): Promise<EvidenceEntry[]> {
  const context = await readContext(ws, taskId);
  const file = indexFile(ws, taskId);
  const index = await readEvidenceIndex(ws, taskId);
  const where = displayPath(ws.root, file);
  const problems = indexAgainstContext(context.evidence, index, await exists(file), where);
  if (problems.length > 0)
    throw new St3Error(
      'E_CONTEXT_CORRUPT',
      `the evidence index of ${taskId} does not match context.json: ${problems[0]!.id} ${problems[0]!.problem}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      {
        file: where,
        hint: `restore ${where} from a copy; \`st3 tasks evidence verify ${taskId}\` lists every problem`,
        details: { problems },
      },
    );
  return index.entries;
}
