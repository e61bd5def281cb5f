import type { Stats } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvidenceIndex } from '@st3/schemas';
import type { EvidenceWorkspace } from '../config.js';
import { readContext } from '../context/store.js';
import { displayPath, exists, sha256File } from '../util.js';
import { archiveIndexProblems } from './archive-check.js';
import { evidenceDir, indexFile, readEvidenceIndex } from './evidence-index.js';

// Verifying a task's stored attachments against their index, and the index against context.json.

export interface VerifyReport {
  /** True only when at least one attachment was checked and every one is intact. */
  ok: boolean;
  checked: number;
  changed: { id: string; stored: string; expected: string; actual: string }[];
  missing: { id: string; stored: string }[];
  /** Stored files that are no longer a regular file of their own: a symlink in their place (not followed). */
  replaced: { id: string; stored: string; reason: string }[];
  /** Stored files that are there but cannot be read (a folder in their place, no permission): E_FILE_READ. */
  unreadable: { id: string; stored: string; code: 'E_FILE_READ'; reason: string }[];
  /** Files inside directory archives whose index no longer matches (index edited or lost). */
  indexProblems: { id: string; problem: string }[];
  /** The task has no attachment at all (neither context.json nor the index lists one): nothing was verified. */
  no_evidence: boolean;
}

/** What a stored attachment is now: its SHA-256, or why it cannot be hashed as the file that was stored. */
type StoredState = { sha256: string } | { missing: true } | { replaced: string } | { unreadable: string };

/**
 * Hashes a stored attachment without following a link: a symlink in its place is `replaced` even when
 * its target holds the same bytes (the store is no longer what was attached, and the target may lie
 * outside the workspace and change under it); gone is `missing`; there but not readable as a file (a
 * folder, no permission) is `unreadable` with the reason, never called missing.
 */
async function storedState(path: string): Promise<StoredState> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
    return { unreadable: (error as Error).message };
  }
  if (info.isSymbolicLink())
    return { replaced: `a symlink (-> ${await readlink(path).catch(() => '?')}) is where the stored file was` };
  if (!info.isFile())
    return { unreadable: `${info.isDirectory() ? 'a folder' : 'not a regular file'} is where the stored file was` };
  try {
    return { sha256: await sha256File(path) };
  } catch (error) {
    return { unreadable: (error as Error).message };
  }
}

/**
 * Re-hashes every stored attachment (and each archive's index) and reports what changed, went
 * missing, was replaced (a symlink in its place) or cannot be read. The index is held against
 * context.json first: an attachment the context lists that the index lacks (the whole index deleted,
 * or its entry) or records with another SHA-256 is an index problem, so a lost index is never "all
 * intact". A task with no attachment is `no_evidence` and not ok: verifying nothing is no pass.
 */
export async function verifyEvidence(ws: EvidenceWorkspace, taskId: string): Promise<VerifyReport> {
  const context = await readContext(ws, taskId);
  const indexed = await exists(indexFile(ws, taskId));
  const index = await readEvidenceIndex(ws, taskId);
  const dir = evidenceDir(ws, taskId);
  const where = displayPath(ws.root, indexFile(ws, taskId));
  const report: VerifyReport = {
    ok: true,
    checked: 0,
    changed: [],
    missing: [],
    replaced: [],
    unreadable: [],
    indexProblems: indexAgainstContext(context.evidence, index, indexed, where),
    no_evidence: context.evidence.length === 0 && index.entries.length === 0,
  };
  for (const entry of index.entries) {
    report.checked++;
    const state = await storedState(join(dir, entry.stored));
    const { id, stored } = entry;
    if ('missing' in state) report.missing.push({ id, stored });
    else if ('replaced' in state) report.replaced.push({ id, stored, reason: state.replaced });
    else if ('unreadable' in state)
      report.unreadable.push({ id, stored, code: 'E_FILE_READ', reason: state.unreadable });
    if (!('sha256' in state)) continue;
    if (state.sha256 !== entry.sha256)
      report.changed.push({ id, stored, expected: entry.sha256, actual: state.sha256 });
    if (entry.archive_index) report.indexProblems.push(...(await archiveIndexProblems(dir, entry, state.sha256)));
  }
  report.ok =
    !report.no_evidence &&
    report.checked > 0 &&
    [report.changed, report.missing, report.replaced, report.unreadable, report.indexProblems].every(
      (list) => list.length === 0,
    );
  return report;
}

/**
 * The attachments context.json lists that the index lacks (`indexed` false: the index file `where`
 * is missing) or records with another SHA-256.
 */
export function indexAgainstContext(
  listed: readonly { id: string; sha256: string }[],
  index: EvidenceIndex,
  indexed: boolean,
  where: string,
): VerifyReport['indexProblems'] {
  const problems: VerifyReport['indexProblems'] = [];
  // By id: one pass over each list, however many attachments a task holds.
  const byId = new Map(index.entries.map((e) => [e.id, e]));
  for (const item of listed) {
    const entry = byId.get(item.id);
    if (!entry)
      problems.push({
        id: item.id,
        problem: indexed
          ? `listed in context.json but not in ${where}`
          : `listed in context.json but ${where} is missing (${listed.length} attachment(s) not checked)`,
      });
    else if (entry.sha256 !== item.sha256)
      problems.push({
        id: item.id,
        problem: `context.json records SHA-256 ${item.sha256.slice(0, 16)}…, ${where} ${entry.sha256.slice(0, 16)}…`,
      });
  }
  return problems;
}
