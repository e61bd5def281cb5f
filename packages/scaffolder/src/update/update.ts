import { readFile } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { decodeUtf8, isSt3Error, type ScaffoldAnswer } from '@st3/schemas';
import { readAnswers } from '../answers.js';
import { unfinishedUpdate, type Unfinished } from '../provenance/conflicts.js';
import { isoSeconds, parseHeader, setStamps } from '../provenance/header.js';
import { recordedHeaderProblems } from '../provenance/recorded-header.js';
import { matchesContentHash } from '../render/render-file.js';
import { resolveInside } from '../tree/paths.js';
import { VirtualTree } from '../tree/virtual-tree.js';
import type { RenderedFile, Scaffolder } from '../types.js';
import { lineEndingOf, toLf, withLineEnding } from './line-endings.js';
import { mergeThreeWay, rejectFile } from './merge3.js';

export type UpdateStatus = 'current' | 'updated' | 'conflict' | 'missing' | 'no-base' | 'error';

export interface UpdatedFile {
  path: string;
  status: UpdateStatus;
  /** The version hash the file was made with, and the current one. */
  from?: string;
  to?: string;
  /** Lines (1-based, in the written file) where conflicts start. */
  conflicts?: number[];
  /** With --reject: the `.rej` file written beside it. */
  reject?: string;
  /** Unified diff of the file on disk against what update writes. */
  diff?: string;
  message?: string;
}

export interface UpdateReport {
  files: UpdatedFile[];
  counts: Record<UpdateStatus, number>;
  /** True when a conflict remains, or a file could not be merged (no-base, error) or restored (missing). */
  failed: boolean;
  /** Paths written (none under dryRun). */
  written: string[];
  dryRun: boolean;
  /** Set when no recorded file was selected: nothing was done, and why (never a bare "0 updated"). */
  note?: string;
}

export interface UpdateOptions {
  /**
   * Files or folders, absolute or relative to the workspace root (`./src`, `src/` and `src` alike); default
   * every file with recorded answers. A path outside the root selects nothing.
   */
  paths?: readonly string[];
  dryRun?: boolean;
  /** Leave your text in conflicting regions and write the template's side to `<file>.rej` instead of markers. */
  reject?: boolean;
  now?: Date;
}

interface Planned {
  report: UpdatedFile;
  content?: string;
  rejectText?: string;
  file?: RenderedFile;
}

/**
 * `st3 scaffold update`: brings each outdated generated file to the current template by a 3-way
 * merge. base = the old template version's output for the recorded answers (rebuilt from
 * `.st3/templates/.versions/<hash>/`), ours = the file on disk, theirs = the current template's
 * output. A clean merge is written with the header's `updated=` set; a conflict gets standard
 * markers (or, with `reject`, your text and a `<file>.rej`). Every write of the run is one atomic
 * batch; the answers and template registry are read and validated before anything is planned or written
 * (E_CONFIG_INVALID when either is invalid), checked writable (E_WRITE, a dry run too), and recorded inside
 * the commit, which rolls the batch back when recording fails.
 */
export async function updateFiles(
  root: string,
  scaffolder: Scaffolder,
  options: UpdateOptions = {},
): Promise<UpdateReport> {
  const now = options.now ?? new Date();
  const answers = await readAnswers(root);
  // a dry run is checked as the run it previews: records it could not write fail it too (E_WRITE)
  await scaffolder.checkRecords({ writable: true, dryRun: options.dryRun === true });
  const wanted = options.paths?.map((p) => workspaceRelative(root, p));
  const selected = Object.entries(answers.files).filter(([path]) => selectedBy(path, wanted));
  const planned: Planned[] = [];
  for (const [path, answer] of selected) planned.push(await planOne(root, scaffolder, path, answer, now, options));
  const counts: Record<UpdateStatus, number> = {
    current: 0,
    updated: 0,
    conflict: 0,
    missing: 0,
    'no-base': 0,
    error: 0,
  };
  for (const p of planned) counts[p.report.status]++;
  const report: UpdateReport = {
    files: planned.map((p) => p.report),
    counts,
    // a recorded file still missing after the run is not up to date: never exit 0 over it
    failed: counts.conflict + counts['no-base'] + counts.error + counts.missing > 0,
    written: [],
    dryRun: options.dryRun === true,
    ...(selected.length === 0 ? { note: nothingRecorded(wanted) } : {}),
  };
  const changes = planned.filter((p) => p.content !== undefined);
  if (options.dryRun || changes.length === 0) return report;
  const tree = new VirtualTree(root, { policy: 'force', durable: true });
  for (const p of changes) {
    tree.write(p.report.path, p.content!);
    if (p.rejectText !== undefined) tree.write(p.report.reject!, p.rejectText);
  }
  // recorded inside the commit: a merge that cannot be recorded is rolled back, never left with the old answers
  const commit = await tree.commit({ then: () => scaffolder.recordVersions(changes.map((p) => p.file!)) });
  report.written = commit.written;
  return report;
}

/** Why an update did nothing: no file is recorded (under the paths given); recorded files are what it updates. */
function nothingRecorded(paths: readonly string[] | undefined): string {
  const under =
    paths && paths.length > 0 && !paths.includes('') ? ` under ${paths.map((p) => p || '.').join(', ')}` : '';
  return `no recorded file${under}: nothing to update — files scaffolded by ST3 are recorded in .st3/scaffold/answers.json`;
}

/** A given path as the answers record it: relative to the root, forward slashes, no `./` or trailing slash ('' = the root). */
function workspaceRelative(root: string, path: string): string {
  return relative(resolve(root), resolve(root, path)).split(sep).join('/');
}

function selectedBy(path: string, paths: readonly string[] | undefined): boolean {
  if (!paths || paths.length === 0) return true;
  return paths.some((dir) => dir === '' || path === dir || path.startsWith(`${dir}/`));
}

async function planOne(
  root: string,
  scaffolder: Scaffolder,
  path: string,
  answer: ScaffoldAnswer,
  now: Date,
  options: UpdateOptions,
): Promise<Planned> {
  const onDisk = await readOurs(root, path);
  if (onDisk === GONE) return restoreOne(scaffolder, path, answer, now, options.dryRun === true);
  if (typeof onDisk !== 'string') return { report: { path, ...onDisk } };
  // A CRLF checkout would differ from the template on every line: merge on LF, write back in the file's ending.
  const ours = toLf(onDisk);
  const header = parseHeader(ours, path, scaffolder.metadataConfig);
  // the record says what the file was made from, as `scaffold check` judges it; a header that disagrees is refused
  const from = answer.version_hash;
  const disagrees = recordedHeaderProblems(header, path, answer, scaffolder.metadataConfig);
  if (disagrees.length > 0) return { report: { path, status: 'error', from, message: malformed(disagrees) } };
  // markers or a .rej of an earlier update: merging again would bury them (and the version says current)
  const unfinished = unfinishedUpdate(onDisk, resolveInside(root, path), path);
  if (unfinished.problems.length > 0) return { report: unfinishedReport(path, from, unfinished) };
  let to: string;
  let theirs: RenderedFile;
  try {
    to = scaffolder.currentVersion(answer);
    if (to === from) return { report: { path, status: 'current', from, to } };
    theirs = scaffolder.rerender(answer);
  } catch (error) {
    return { report: { path, status: 'error', from, message: messageOf(error) } };
  }
  let base: string;
  try {
    base = scaffolder.rerender(answer, { version: from }).content;
  } catch (error) {
    // never made by ST3 with kept versions: only a file nobody edited can take the new text as is
    const pristine = matchesContentHash(onDisk, answer.content_sha256);
    if (!pristine || !isSt3Error(error, 'E_FILE_NOT_FOUND'))
      return { report: { path, status: 'no-base', from, to, message: messageOf(error) } };
    base = ours;
  }
  const created = header.created ?? answer.created;
  return mergeOne({ path, scaffolder, from, to, base, ours, onDisk, theirs, created, now, reject: options.reject });
}

interface MergeInput {
  path: string;
  scaffolder: Scaffolder;
  from: string;
  to: string;
  /** The three sides, LF. */
  base: string;
  ours: string;
  theirs: RenderedFile;
  /** The file as read (its line ending is the result's). */
  onDisk: string;
  created: string;
  now: Date;
  reject?: boolean;
}

/** The 3-way merge of the bodies, under the new version's header, in the line ending of the file on disk. */
function mergeOne(m: MergeInput): Planned {
  const { path, scaffolder, from, to } = m;
  const theirsHead = headerLines(m.theirs.content, path, scaffolder);
  const merged = mergeThreeWay(
    body(m.base, path, scaffolder),
    body(m.ours, path, scaffolder),
    body(m.theirs.content, path, scaffolder),
    {
      labels: { ours: `${path} (your edits)`, theirs: `template ${to}` },
      keepOurs: m.reject === true,
    },
  );
  const head = theirsHead === undefined ? '' : `${setStamps(theirsHead, m.created, isoSeconds(m.now))}\n`;
  // The merge counts lines in the bodies; the report and the .rej count them in the whole files.
  const baseHead = headerLines(m.base, path, scaffolder) === undefined ? 0 : 2;
  const located = merged.conflicts.map((c) => ({
    ...c,
    line: c.line + (head ? 2 : 0),
    baseLine: c.baseLine + baseHead,
  }));
  const eol = lineEndingOf(m.onDisk);
  const content = withLineEnding(head + merged.text, eol);
  const conflicts = located.map((c) => c.line);
  const reject = m.reject && conflicts.length > 0 ? `${path}.rej` : undefined;
  const report: UpdatedFile = {
    path,
    status: conflicts.length > 0 ? 'conflict' : 'updated',
    from,
    to,
    ...(conflicts.length > 0 ? { conflicts } : {}),
    ...(reject ? { reject } : {}),
    diff: createTwoFilesPatch(`a/${path}`, `b/${path}`, m.onDisk, content, undefined, undefined, { context: 3 }),
  };
  const updatedAnswer = { ...m.theirs.answer!, created: m.created, updated: isoSeconds(m.now) };
  return {
    report,
    content,
    ...(reject ? { rejectText: withLineEnding(rejectFile(path, from, to, located), eol) } : {}),
    file: { ...m.theirs, content, answer: updatedAnswer },
  };
}

/**
 * A recorded file that is gone is written again: the current template's output for its recorded answers (what
 * an update brings every file to), keeping its `created=` stamp. Reported `updated` with a message saying it was
 * restored; when it cannot be rendered it stays `missing`, with the reason, and fails the run.
 */
function restoreOne(scaffolder: Scaffolder, path: string, answer: ScaffoldAnswer, now: Date, dryRun: boolean): Planned {
  const from = answer.version_hash;
  let theirs: RenderedFile;
  try {
    theirs = scaffolder.rerender(answer);
  } catch (error) {
    const message = `the file is gone (${RECORDED}) and cannot be written again: ${messageOf(error)}`;
    return { report: { path, status: 'missing', from, message } };
  }
  const created = answer.created;
  const head = headerLines(theirs.content, path, scaffolder);
  const content =
    head === undefined
      ? theirs.content
      : `${setStamps(head, created, isoSeconds(now))}\n${body(theirs.content, path, scaffolder)}`;
  const report: UpdatedFile = {
    path,
    status: 'updated',
    from,
    to: theirs.versionHash,
    message: dryRun
      ? `the file is gone (${RECORDED}): a real run writes it again from the current template with the recorded answers`
      : `restored: the file was gone (${RECORDED}); written again from the current template with the recorded answers`,
    diff: createTwoFilesPatch('/dev/null', `b/${path}`, '', content, undefined, undefined, { context: 3 }),
  };
  const restoredAnswer = { ...theirs.answer!, created, updated: isoSeconds(now) };
  return { report, content, file: { ...theirs, content, answer: restoredAnswer } };
}

const RECORDED = 'recorded in .st3/scaffold/answers.json, but not on disk';
/** readOurs: the recorded file does not exist (it can be written again). */
const GONE = Symbol('gone');

/**
 * The file on disk, or why there is none: GONE only when it does not exist; a file that exists but cannot be
 * read (permissions, a folder in its place) is an error that says so, never "missing", and so is a file standing
 * where one of its folders should be (ENOTDIR: nothing can be written there).
 */
async function readOurs(
  root: string,
  path: string,
): Promise<string | typeof GONE | Pick<UpdatedFile, 'status' | 'message'>> {
  try {
    // Exact text: merging a lossy decoding would write back bytes the user never changed.
    return decodeUtf8(await readFile(resolveInside(root, path)), path);
  } catch (error) {
    if (isSt3Error(error)) return { status: 'error', message: messageOf(error) }; // a recorded path out of the workspace
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return GONE;
    if (code === 'ENOTDIR')
      return { status: 'missing', message: `${RECORDED}, and a file stands where one of its folders should be` };
    return { status: 'error', message: `unreadable: ${messageOf(error)}` };
  }
}

/** The two header lines of a rendered text, when its extension takes a header. */
function headerLines(text: string, path: string, scaffolder: Scaffolder): string | undefined {
  return parseHeader(text, path, scaffolder.metadataConfig).status === 'none'
    ? undefined
    : text.split('\n').slice(0, 2).join('\n');
}

/** The text after its header: what the merge works on (the header is rebuilt from the new version). */
function body(text: string, path: string, scaffolder: Scaffolder): string {
  return parseHeader(text, path, scaffolder.metadataConfig).status === 'none'
    ? text
    : text.split('\n').slice(2).join('\n');
}

/** A file an earlier update left with conflicts: still a conflict, never current, not merged again. */
function unfinishedReport(path: string, from: string, unfinished: Unfinished): UpdatedFile {
  return {
    path,
    status: 'conflict',
    from,
    ...(unfinished.reject ? { reject: unfinished.reject } : {}),
    message: `${unfinished.problems.join('; ')}; not merged again: finish it, then run \`st3 scaffold update\` again`,
  };
}

function malformed(problems: string[]): string {
  return (
    `malformed (as \`st3 scaffold check\` reports it): ${problems.join('; ')}; not merged: ` +
    'restore the header the record names, or scaffold the file again'
  );
}

function messageOf(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}
