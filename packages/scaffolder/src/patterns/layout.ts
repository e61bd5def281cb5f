import { join } from 'node:path';
import { deriveDocId } from './doc-id.js';
import { DOC_ID_RE, resolveLink, type PatternRecord, type PatternWorkspace } from './workspace.js';

/**
 * Where a pattern's files go, and its doc id: one answer for every phase, whatever order the phases
 * run in (phase 2 alone must not pick another doc id than phase 1 would).
 */

/** The pattern's file-name stem: its `name` when it is snake_case, else derived from the pattern id. */
export function patternName(record: PatternRecord): string {
  return typeof record.name === 'string' && /^[a-z0-9_]+$/.test(record.name)
    ? record.name
    : deriveDocId(record.patternId!).slice(4).toLowerCase().replace(/-/g, '_');
}

/** The instance schema: the registry's `schema_path`, else `schemas/<name>.schema.json` in the pattern tree. */
export function schemaFileFor(ws: PatternWorkspace, record: PatternRecord): string {
  const link = record.raw.schema_path;
  return typeof link === 'string' && link.trim() !== ''
    ? resolveLink(ws, link)
    : join(ws.patternsRoot, 'schemas', `${patternName(record)}.schema.json`);
}

/** The schema's id sidecar, as the seed lays it out: `schemas/<name>.schema.json` → `schemas/<name>.schema.id.yaml`. */
export function sidecarFileFor(schemaFile: string): string {
  return `${schemaFile.replace(/\.json$/i, '')}.id.yaml`;
}

export type DocIdSource = 'registry' | 'spec' | 'derived';

/** The doc id of a pattern: the registry's own, else the valid one its spec carries, else derived from the pattern id. */
export function decideDocId(
  record: PatternRecord,
  specDocId: string | undefined,
): { docId: string; source: DocIdSource } {
  if (record.docId) return { docId: record.docId, source: 'registry' };
  if (specDocId && DOC_ID_RE.test(specDocId)) return { docId: specDocId, source: 'spec' };
  return { docId: deriveDocId(record.patternId!), source: 'derived' };
}
