import { join } from 'node:path';
import { withFileLock, writeJsonAtomic } from '@st3/fs';
import { EvidenceIndexSchema, type EvidenceIndex } from '@st3/schemas';
import { contextDirFor, type EvidenceWorkspace } from '../config.js';
import { withUnknownKeys } from '../lossless.js';
import { displayPath, readRecord } from '../util.js';

// Where a task's evidence lives and its `evidence/index.json`, read and written.

export const evidenceDir = (ws: EvidenceWorkspace, taskId: string): string =>
  join(contextDirFor(ws, taskId), 'evidence');
export const indexFile = (ws: EvidenceWorkspace, taskId: string): string => join(evidenceDir(ws, taskId), 'index.json');

/** A task's evidence index as its schema knows it (no index yet: no entries). */
export function readEvidenceIndex(ws: EvidenceWorkspace, taskId: string): Promise<EvidenceIndex> {
  return loadEvidenceIndex(ws, taskId, false);
}

/**
 * The evidence index; with `keepUnknown`, with the keys the schema does not know too (a person's or
 * another tool's fields, at any depth), which `attachEvidence` writes back as they were.
 */
export async function loadEvidenceIndex(
  ws: EvidenceWorkspace,
  taskId: string,
  keepUnknown: boolean,
): Promise<EvidenceIndex> {
  const file = indexFile(ws, taskId);
  const read = await readRecord(file, EvidenceIndexSchema, {
    what: `evidence index of ${taskId}`,
    display: displayPath(ws.root, file),
  });
  if (read === undefined) return { version: 1, task_id: taskId, entries: [] };
  return keepUnknown ? withUnknownKeys(read.raw, read.data) : read.data;
}

/** Writes `evidence/index.json` atomically, under its own lock. */
export async function writeEvidenceIndex(ws: EvidenceWorkspace, taskId: string, index: EvidenceIndex): Promise<void> {
  await withFileLock(indexFile(ws, taskId), () => writeJsonAtomic(indexFile(ws, taskId), index));
}
