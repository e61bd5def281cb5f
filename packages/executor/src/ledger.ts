import { join, resolve } from 'node:path';
import { readdirIfThere } from './fs.js';
import { loadFile, RunStateSchema, St3Error, type NodeChange, type ReviewItem, type RunState } from '@st3/schemas';
import { codeDigest, sha256, sliceLines, splitLines } from './change/text.js';
import { createWorkspaceFiles, type WorkspaceFiles } from './change/workspace.js';
import type { ReviewQueueApi } from './review/queue.js';

export interface PriorOutcomes {
  /** Nodes not to run again, with why: applied by an earlier run, approved, or waiting in the review queue. */
  done: Record<string, string>;
  /** Reviewer feedback for nodes to regenerate (rejected or sent back, and not applied since). */
  feedback: Record<string, string>;
  /**
   * Code an earlier run or a reviewer wrote, or code whose change waits for review, by `path@digest`
   * (`codeDigest`, 10 hex digits), with why: such an atom atomized again has a new id (atom ids end with
   * a digest of their code, and their lines) and is not to be generated again.
   */
  written: Record<string, string>;
  /**
   * Nodes an earlier run applied whose change the file no longer holds (reverted or rewritten since),
   * with why: they are not done, and run again.
   */
  stale: Record<string, string>;
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

/** Where `priorOutcomes` finds the files the run records name. */
export interface PriorOutcomesOptions {
  /** The workspace root the records' paths are relative to (default: the folder holding `.st3/runs`, i.e. runsDir/../..). */
  root?: string;
}

/**
 * What earlier runs and reviewers decided about nodes: a re-run skips a node already applied or
 * approved, and one waiting in the review queue (so it never gets a second item); rejected and
 * sent-back nodes run again with the reviewer's feedback. A node an older run recorded as left
 * `unchanged` by its agent was not done (the agent did not do the task): it runs again.
 *
 * An applied change — a run's, or code a reviewer approved or edited into the file — counts only
 * while its file still holds it (`stillHeld`): work reverted since (`git checkout`, an editor) is
 * done again, listed in `stale` with why. A run record that cannot be
 * read or fails its schema is an error (E_PARSE / E_SCHEMA, located), never skipped: skipping it
 * would forget what that run applied and send those atoms to the agent again (double-applying over
 * code already written), while stopping loses nothing — the record and the files stay as they are.
 */
export async function priorOutcomes(
  runsDir: string,
  queue?: ReviewQueueApi,
  options: PriorOutcomesOptions = {},
): Promise<PriorOutcomes> {
  const ledger: RunLedger = {
    done: {},
    written: {},
    stale: {},
    files: createWorkspaceFiles(options.root ?? resolve(runsDir, '..', '..')),
    texts: new Map(),
    windows: new Map(),
  };
  // A runs folder that cannot be listed is E_FILE_READ: taken for empty, every applied atom would run again.
  const names = (await readdirIfThere(runsDir)).filter((n) => n.endsWith('.json')).sort();
  for (const name of names) {
    const run = await loadRunRecord(join(runsDir, name));
    if (run) await addRun(ledger, run);
  }
  const feedback: Record<string, string> = {};
  for (const item of queue ? await queue.list() : []) await addReviewItem(ledger, item, feedback);
  const { done, written, stale } = ledger;
  return { done, feedback, written, stale };
}

/** Whether the file still holds the code an approved review item wrote (`inFile` of `st3 review list`). */
export type ApprovedInFile =
  | { status: 'held' }
  | { status: 'reverted'; why: string }
  /** Its code is gone, but a later run's change to the node is there: done, not generated again. */
  | { status: 'superseded'; why: string }
  | { status: 'not checked'; why: string };

/**
 * For each approved item that wrote code (`applied`), whether its file still holds it — by the ledger's
 * own rule (`priorOutcomes`, `stillHeld`), so a list marks "reverted" exactly the items whose node the
 * next run generates again. A run record that cannot be read leaves every item `not checked`, never held.
 */
export async function approvedInFile(
  runsDir: string,
  queue: ReviewQueueApi,
  items: readonly ReviewItem[],
  options: PriorOutcomesOptions = {},
): Promise<Record<string, ApprovedInFile>> {
  const approved = items.filter((i) => i.status === 'approved' && i.applied && i.file);
  const out: Record<string, ApprovedInFile> = {};
  if (approved.length === 0) return out;
  let prior: PriorOutcomes;
  try {
    prior = await priorOutcomes(runsDir, queue, options);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    for (const i of approved) out[i.id] = { status: 'not checked', why };
    return out;
  }
  // An approved item whose code the file holds makes its node done "approved in review (<id>)";
  // stale means nothing holds the node's work; done otherwise means a later run's change holds it.
  for (const i of approved) {
    const stale = prior.stale[i.nodeId];
    const done = prior.done[i.nodeId];
    if (stale) out[i.id] = { status: 'reverted', why: stale };
    else if (done === `approved in review (${i.id})`) out[i.id] = { status: 'held' };
    else if (done) out[i.id] = { status: 'superseded', why: done };
    else out[i.id] = { status: 'not checked', why: `the ledger says nothing of node ${i.nodeId}` };
  }
  return out;
}

/**
 * What one review item says of its node. Code the review service wrote (approve, edit: `applied`)
 * counts by the same rule as a run's applied change: only while the file still holds it. Approved
 * with nothing written (no patch) is the reviewer's word; an item waiting keeps its node from a second
 * item; rejected or sent back runs again with the feedback.
 */
async function addReviewItem(ledger: RunLedger, item: ReviewItem, feedback: Record<string, string>): Promise<void> {
  const { done, stale, written } = ledger;
  const id = item.nodeId;
  if (item.status === 'approved' && item.applied && item.file) {
    const gone = await stillHeld(ledger, reviewedChange(item, item.file, item.applied.sha256));
    if (gone) {
      // A run that applied the node later (and still held) keeps it done.
      if (!done[id]) stale[id] ??= `approved in review (${item.id}), but ${gone}: generated again`;
      return;
    }
    written[writtenKey(item.file, codeDigest(item.code))] = `written in review (${item.id})`;
    done[id] = `approved in review (${item.id})`;
  } else if (item.status === 'approved') done[id] = `approved in review (${item.id})`;
  // Sent back, then regenerated and applied by a later run: that run's record says whether the file holds it.
  else if (item.applied) {
    if (!stale[id]) done[id] ??= `applied (${item.id})`;
  } else if (item.status === 'pending' || item.status === 'in_review') {
    done[id] = `waiting for review (${item.id}, ${item.status})`;
    // Its atom moved since (lines above it changed): atomized again it has a new id, not its code digest.
    if (item.file && item.originalCode !== undefined)
      written[writtenKey(item.file, codeDigest(item.originalCode))] = done[id];
  } else {
    // Rejected or sent back: run again, with the reviewer's words.
    delete done[id];
    if (item.feedback) feedback[id] = item.feedback;
  }
  if (done[id]) delete stale[id];
}

/** The code a reviewer approved or edited as `stillHeld` checks it: the item's code from its first line. */
function reviewedChange(item: ReviewItem, file: string, afterSha256: string): HeldChange {
  const start = item.startLine ?? 1;
  // An approved deletion wrote no line: an empty window would be "found" in any file, so it is checked as
  // a run's deletion is (held while the atom's original code is not back).
  if (item.code.trim() === '') {
    const end = start + Math.max(1, splitLines(item.originalCode ?? '').length) - 1;
    return { file, afterSha256, codeSha1: codeDigest(item.code), lines: { start, end, newEnd: start - 1 } };
  }
  const newEnd = start + Math.max(1, splitLines(item.code).length) - 1;
  return { file, afterSha256, codeSha1: codeDigest(item.code), lines: { start, end: item.endLine ?? newEnd, newEnd } };
}

/** What `priorOutcomes` gathers while reading the run records, and the files it checks them against. */
interface RunLedger {
  done: Record<string, string>;
  written: Record<string, string>;
  stale: Record<string, string>;
  files: WorkspaceFiles;
  /** Each file's text now and its sha256 (undefined: it does not exist), read once. */
  texts: Map<string, { text: string; sha: string } | undefined>;
  /** Per `file:lineCount`: the code digests of every window of that many lines of the file now. */
  windows: Map<string, Set<string>>;
}

/** A run record, or undefined when it vanished since the listing; unreadable or invalid is a located error. */
async function loadRunRecord(file: string): Promise<RunState | undefined> {
  const r = await loadFile(file, { schema: RunStateSchema });
  if (r.value) return r.value;
  if (r.errors.some((d) => d.code === 'E_FILE_NOT_FOUND')) return undefined;
  const first = r.errors[0];
  throw new St3Error(first?.code ?? 'E_SCHEMA', `run record ${file} is unreadable: ${first?.message ?? 'invalid'}`, {
    file,
    line: first?.line,
    column: first?.column,
    diagnostics: r.errors,
    hint: 'it records which atoms that run applied, so nothing runs until it is read: fix the field named (st3 validate); moving the file out of .st3/runs forgets what that run applied',
  });
}

/** One run's applied nodes: done while their file still holds what was written. */
async function addRun(ledger: RunLedger, run: RunState): Promise<void> {
  for (const [id, s] of Object.entries(run.nodes)) {
    const change = s.change;
    if (s.status !== 'succeeded' || !change || change.outcome !== 'applied') continue;
    const gone = await stillHeld(ledger, change);
    if (gone) {
      // A later record of the node still held keeps it done; otherwise it is to do again.
      if (!ledger.done[id]) ledger.stale[id] = `applied by ${run.id}, but ${gone}: generated again`;
      continue;
    }
    ledger.done[id] = `${change.outcome} by ${run.id}`;
    delete ledger.stale[id];
    if (change.codeSha1) ledger.written[writtenKey(change.file, change.codeSha1)] = `written by ${run.id} (${id})`;
  }
}

/**
 * Undefined when the file still holds an applied change, else why not. The file as the change left it
 * (`afterSha256`) holds it; so does a file where the code written (`codeSha1`, over `lines.start..newEnd`)
 * is still there, at its lines or moved (other atoms of the file were applied after it).
 */
async function stillHeld(ledger: RunLedger, change: HeldChange): Promise<string | undefined> {
  if (!ledger.texts.has(change.file)) {
    const read = await ledger.files.read(change.file);
    ledger.texts.set(change.file, read === undefined ? undefined : { text: read, sha: sha256(read) });
  }
  const now = ledger.texts.get(change.file);
  if (now === undefined) return `${change.file} no longer exists`;
  if (now.sha === change.afterSha256) return undefined;
  const { text } = now;
  const { lines, codeSha1 } = change;
  const why = `${change.file} no longer holds the code it wrote${lines ? ` (lines ${lines.start}-${lines.newEnd})` : ''}`;
  if (!lines || !codeSha1) return why;
  // A deletion wrote no line to look for: it holds while the atom's original code is not back, which
  // only the graph knows (runAgentExecution checks it before generating again).
  if (lines.newEnd < lines.start) return `${change.file} changed since it deleted lines ${lines.start}-${lines.end}`;
  // The same window the runner digested: lines start..max(start, newEnd) of the new file.
  const count = Math.max(lines.start, lines.newEnd) - lines.start + 1;
  if (codeDigest(sliceLines(text, lines.start, lines.start + count - 1)) === codeSha1) return undefined;
  return windowDigests(ledger, change.file, text, count).has(codeSha1) ? undefined : why;
}

/** What `stillHeld` reads of a change: its file, the file's sha256 after it, the code written and where. */
type HeldChange = Pick<NodeChange, 'file' | 'afterSha256' | 'lines' | 'codeSha1'>;

/** The code digests of every run of `count` lines of a file (computed once per file and length). */
function windowDigests(ledger: RunLedger, file: string, text: string, count: number): Set<string> {
  const key = `${file}:${count}`;
  let set = ledger.windows.get(key);
  if (!set) {
    const all = splitLines(text);
    set = new Set();
    for (let i = 0; i + count <= all.length; i++) set.add(codeDigest(all.slice(i, i + count).join('\n')));
    ledger.windows.set(key, set);
  }
  return set;
}
