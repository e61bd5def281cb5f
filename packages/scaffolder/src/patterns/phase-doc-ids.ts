import { St3Error } from '@st3/schemas';
import { isMap } from 'yaml';
import { decideDocId, schemaFileFor, sidecarFileFor, type DocIdSource } from './layout.js';
import { changeFor, parallel, type FileChange, type Overlay } from './overlay.js';
import {
  DOC_ID_RE,
  parseYamlText,
  resolveLink,
  toBaseRelative,
  type PatternRecord,
  type PatternWorkspace,
} from './workspace.js';
import {
  applySplices,
  insertPair,
  readDocLink,
  replaceScalar,
  setDocLink,
  verifyEdits,
  type Splice,
} from './yaml-edit.js';

export { deriveDocId } from './doc-id.js';

export interface DocIdNote {
  pattern: string;
  severity: 'warning' | 'error';
  /** What the note is about, so a report counts each kind once per pattern (`missing-spec`, ...). */
  kind?: string;
  message: string;
}

export interface DocIdBatch {
  changes: FileChange[];
  notes: DocIdNote[];
  /** pattern id → doc id decided in this batch. */
  assigned: Map<string, string>;
}

interface Decision {
  record: PatternRecord;
  docId: string;
  source: DocIdSource;
  specFile?: string;
}

/**
 * Phase 1 for one batch of registry entries: decide each entry's doc id (the registry's own, else
 * the one its spec already carries, else derived from the pattern id), then write it into the
 * registry and the spec by surgical edits, add the `DOC_LINK:` header to the spec, and write the
 * spec's `*.id.yaml` sidecar. `taken` holds every doc id in use; a collision fails the batch.
 */
export async function planDocIds(
  ws: PatternWorkspace,
  overlay: Overlay,
  records: readonly PatternRecord[],
  taken: Map<string, string>,
): Promise<DocIdBatch> {
  const notes: DocIdNote[] = [];
  const decisions: Decision[] = [];
  // specs are read in parallel; ids are then decided in registry order, so the result is deterministic
  const specTexts = await parallel(records, async (record) => {
    const link = typeof record.raw.spec_path === 'string' ? record.raw.spec_path : undefined;
    return link ? overlay.read(resolveLink(ws, link)) : undefined;
  });
  for (const [i, record] of records.entries()) {
    const id = record.patternId!;
    const specLink = typeof record.raw.spec_path === 'string' ? record.raw.spec_path : undefined;
    const specFile = specLink ? resolveLink(ws, specLink) : undefined;
    const specText = specTexts[i];
    if (specLink && specText === undefined)
      notes.push({
        pattern: id,
        severity: 'warning',
        kind: 'missing-spec',
        message: `spec ${specLink} does not exist: only the registry gets the doc id`,
      });
    const specDocId = specText === undefined ? undefined : topLevelString(specFile!, specText, 'doc_id');
    const { docId, source } = decideDocId(record, specDocId);
    if (!DOC_ID_RE.test(docId)) {
      // an id the registry already carries is the author's to fix: report it, leave the entry alone
      notes.push({
        pattern: id,
        severity: 'error',
        message: `registry doc_id "${docId}" (line ${record.line}) does not match [A-Z0-9]+(-[A-Z0-9]+)*: entry skipped`,
      });
      continue;
    }
    const owner = taken.get(docId);
    if (owner !== undefined && owner !== id)
      throw new St3Error('E_SCHEMA', `${id}: doc_id ${docId} is already used by ${owner}`, {
        file: ws.registryFile,
        line: record.line,
        hint: 'give one of them another doc_id in the registry',
      });
    taken.set(docId, id);
    decisions.push({ record, docId, source, specFile: specText === undefined ? undefined : specFile });
  }

  const changes: FileChange[] = [];
  const registryChange = await registryEdits(
    ws,
    overlay,
    decisions.filter((d) => d.source !== 'registry'),
  );
  if (registryChange) changes.push(registryChange);
  for (const d of decisions) {
    if (d.specFile) {
      const specChange = await specEdit(ws, overlay, d);
      if (specChange) changes.push(specChange);
    }
    // the schema's sidecar, when the pattern has a schema or a spec to derive one from (phase 2)
    const schemaFile = schemaFileFor(ws, d.record);
    if (d.specFile || overlay.exists(schemaFile)) changes.push(await sidecar(ws, overlay, d, schemaFile));
  }
  return { changes, notes, assigned: new Map(decisions.map((d) => [d.record.patternId!, d.docId])) };
}

async function registryEdits(
  ws: PatternWorkspace,
  overlay: Overlay,
  decisions: readonly Decision[],
): Promise<FileChange | undefined> {
  if (decisions.length === 0) return undefined;
  const text = (await overlay.read(ws.registryFile))!;
  const y = parseYamlText(ws.registryFile, text);
  const splices: Splice[] = decisions.map((d) =>
    insertPair(y, ['patterns', d.record.index], 'doc_id', d.docId, 'pattern_id'),
  );
  const after = applySplices(text, splices);
  verifyEdits(
    y,
    after,
    decisions.map((d) => ({ path: ['patterns', d.record.index, 'doc_id'], value: d.docId })),
  );
  const sources = decisions.filter((d) => d.source === 'spec').length;
  return changeFor(
    ws,
    overlay,
    ws.registryFile,
    after,
    1,
    undefined,
    `doc_id for ${decisions.length} pattern(s)${sources ? ` (${sources} taken from their specs)` : ''}`,
  );
}

async function specEdit(ws: PatternWorkspace, overlay: Overlay, d: Decision): Promise<FileChange | undefined> {
  const file = d.specFile!;
  const text = (await overlay.read(file))!;
  const y = parseYamlText(file, text);
  if (y.doc.errors.length > 0 || !isMap(y.doc.contents)) return undefined;
  const current = y.doc.get('doc_id');
  let edited = text;
  if (current !== d.docId) {
    const splice =
      current === undefined
        ? insertPair(y, [], 'doc_id', d.docId, 'pattern_id')
        : replaceScalar(y, ['doc_id'], d.docId);
    edited = applySplices(text, [splice]);
    verifyEdits(y, edited, [{ path: ['doc_id'], value: d.docId }]);
  }
  if (readDocLink(edited)?.value !== d.docId) {
    const withLink = setDocLink(edited, d.docId);
    // a comment line changes no data: check it parses to the same document
    verifyEdits(parseYamlText(file, edited), withLink, []);
    edited = withLink;
  }
  return edited === text
    ? changeFor(ws, overlay, file, text, 1, d.record.patternId)
    : changeFor(ws, overlay, file, edited, 1, d.record.patternId, 'doc_id and DOC_LINK header');
}

/** `schemas/<name>.schema.id.yaml`, the seed's sidecar: which pattern and doc id the schema belongs to. */
async function sidecar(ws: PatternWorkspace, overlay: Overlay, d: Decision, schemaFile: string): Promise<FileChange> {
  const file = sidecarFileFor(schemaFile);
  const lines = [
    '# Schema id sidecar, written by `st3 scaffold batch --phase 1`. The registry is the source of truth;',
    '# `st3 patterns check` reports a sidecar that disagrees with it.',
    `schema_path: ${toBaseRelative(ws, schemaFile)}`,
    `doc_id: ${d.docId}`,
    `pattern_id: ${d.record.patternId}`,
    'role: schema',
    ...(d.specFile ? [`linked_spec: ${toBaseRelative(ws, d.specFile)}`] : []),
    `registry: ${toBaseRelative(ws, ws.registryFile)}`,
    '',
  ];
  const content = lines.join('\n');
  const existing = await overlay.read(file);
  if (existing !== undefined && existing !== content) {
    // keep a sidecar that already agrees (its author may have added fields)
    const y = parseYamlText(file, existing);
    if (y.doc.errors.length === 0 && y.doc.get('pattern_id') === d.record.patternId && y.doc.get('doc_id') === d.docId)
      return changeFor(ws, overlay, file, existing, 1, d.record.patternId);
  }
  return changeFor(ws, overlay, file, content, 1, d.record.patternId, 'sidecar');
}

function topLevelString(file: string, text: string, key: string): string | undefined {
  const y = parseYamlText(file, text);
  if (y.doc.errors.length > 0 || !isMap(y.doc.contents)) return undefined;
  const value = y.doc.get(key);
  return typeof value === 'string' ? value : undefined;
}
