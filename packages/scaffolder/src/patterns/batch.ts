import { basename, resolve } from 'node:path';
import type { Ajv } from 'ajv';
import { createTwoFilesPatch } from 'diff';
import { St3Error, isSt3Error, type Diagnostic } from '@st3/schemas';
import { mergeFileLines } from './batch-files.js';
import { createAjv } from './instances.js';
import { chunk, commitBatch, Overlay, parallel, type FileAction, type FileChange, type FileStatus } from './overlay.js';
import { planArtifacts } from './phase-artifacts.js';
import { PathClaims } from './path-claims.js';
import { planDocIds } from './phase-doc-ids.js';
import { loadRegistryWorkspace, selectRecords } from './select-records.js';
import { parseYamlText, type PatternRecord, type PatternWorkspace } from './workspace.js';

export type BatchPhase = 1 | 2 | 3;

export interface PatternBatchOptions {
  /** Phases to run (default all). Phase 3 alone reports what phases 1-2 would do, writing nothing. */
  phases?: readonly BatchPhase[];
  /** Plan everything, write nothing. */
  dryRun?: boolean;
  /** Registry entries per batch (default 25). Each batch is validated and committed on its own. */
  batchSize?: number;
  /** Only these pattern ids. */
  only?: readonly string[];
  /** Provenance timestamp of generated scaffolds. */
  now?: Date;
  linkBase?: string;
  signal?: AbortSignal;
  /** Attach a unified diff (against the state before the run) to every updated file. */
  diffs?: boolean;
  /** Called after each batch (progress). */
  onBatch?: (batch: BatchReport) => void;
}

export interface BatchFile {
  path: string;
  phase: 1 | 2;
  pattern?: string;
  action: FileAction;
  status: FileStatus;
  note?: string;
  /** Unified diff of an update (with the `diffs` option). */
  diff?: string;
}

export interface BatchReport {
  phase: 1 | 2;
  index: number;
  patterns: string[];
  ok: boolean;
  /** Why the batch failed and was rolled back. */
  error?: { code: string; message: string; file?: string; line?: number };
  files: BatchFile[];
}

export interface PatternNote {
  pattern: string;
  phase: 1 | 2;
  severity: 'warning' | 'error';
  /** What the note is about (`missing-spec`, `doc-id-pending`, ...): a report holds each kind once per pattern. */
  kind?: string;
  message: string;
}

export interface PatternBatchReport {
  registry: string;
  linkBase: string;
  dryRun: boolean;
  phases: BatchPhase[];
  ok: boolean;
  counts: Record<FileStatus, number>;
  batches: BatchReport[];
  files: BatchFile[];
  notes: PatternNote[];
  /** Patterns whose spec_path names a file that does not exist, each once. */
  missingSpecs: string[];
  /** Registry entries left out (no usable pattern_id). */
  skipped: Diagnostic[];
}

const DEFAULT_BATCH_SIZE = 25;

/**
 * Batch generation from a pattern registry, in phases: (1) doc ids into registry and specs,
 * sidecars and DOC_LINK headers; (2) instance schemas, validated examples, executor and test
 * scaffolds; (3) the report. Entries go in batches; each batch is validated, then committed
 * atomically through the virtual tree (or, under dry-run, only planned). A batch that fails its
 * validation or its commit leaves no file behind, and later batches carry on from the last good state.
 */
export async function runPatternBatch(
  registryPath: string,
  options: PatternBatchOptions = {},
): Promise<PatternBatchReport> {
  const { phases, dryRun, work } = phasePlan(options.phases, options.dryRun);
  const ws = await loadRegistryWorkspace(registryPath, options.linkBase);
  const { records, skipped } = selectRecords(ws, options.only);
  const overlay = new Overlay();
  const size = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const { notes, note } = noteCollector();
  // A generator with nothing to generate exits as it did, but says so and why (never a silent "0 planned").
  if (records.length === 0)
    note({
      pattern: basename(ws.registryFile),
      phase: 1,
      severity: 'warning',
      kind: 'nothing-to-generate',
      message:
        skipped.length > 0
          ? 'no entry has a pattern_id: nothing to generate'
          : 'the registry lists no pattern: nothing to generate (add entries under `patterns:`; `st3 patterns check` checks the registry)',
    });
  const taken = takenDocIds(ws);
  const run: BatchRun = {
    ws,
    overlay,
    options,
    dryRun,
    batches: [],
    note,
    now: options.now ?? new Date(),
    ajv: createAjv(),
    claims: new PathClaims(),
  };

  if (work.includes(1)) await runDocIdPhase(run, chunk(records, size), taken);
  if (work.includes(2)) await runArtifactPhase(run, chunk(records, size));

  const files = mergeFileLines(run.batches);
  if (options.diffs) await attachDiffs(run, files);
  return {
    registry: ws.registryFile,
    linkBase: ws.linkBase,
    dryRun,
    phases,
    ok: run.batches.every((b) => b.ok) && notes.every((n) => n.severity !== 'error'),
    counts: countStatuses(files),
    batches: run.batches,
    files,
    notes,
    missingSpecs: [...new Set(notes.filter((n) => n.kind === 'missing-spec').map((n) => n.pattern))],
    skipped,
  };
}

/** What every batch of one run shares: where it reads and writes, and where its reports and notes go. */
interface BatchRun {
  ws: PatternWorkspace;
  /** The state the batches accepted so far (their files, written or, under dry-run, only planned). */
  overlay: Overlay;
  options: PatternBatchOptions;
  dryRun: boolean;
  batches: BatchReport[];
  note: (n: PatternNote) => void;
  /** Provenance timestamp of the scaffolds, the same for the whole run. */
  now: Date;
  ajv: Ajv;
  /** Which pattern each phase-2 file is generated for: a second pattern never replaces the first one's. */
  claims: PathClaims;
}

/** A batch's plan: the files it would write, and why it must not be written (its files are then reported failed). */
type BatchPlan = { changes: FileChange[]; failure?: St3Error };

/**
 * The phases asked for (sorted, each once), whether anything is written, and the generating phases
 * to run: phase 3 alone is a report of what phases 1-2 would do, so it runs both as a dry run.
 */
function phasePlan(
  requested: readonly BatchPhase[] | undefined,
  dryRunOption: boolean | undefined,
): { phases: BatchPhase[]; dryRun: boolean; work: number[] } {
  const phases = [...new Set(requested ?? [1, 2, 3])].sort() as BatchPhase[];
  const reportOnly = phases.length === 1 && phases[0] === 3;
  const dryRun = dryRunOption === true || reportOnly;
  const work = reportOnly ? [1, 2] : phases.filter((p): p is 1 | 2 => p !== 3);
  return { phases, dryRun, work };
}

/** Phases see the same facts (a missing spec): each kind of note is kept once per pattern. */
function noteCollector(): { notes: PatternNote[]; note: (n: PatternNote) => void } {
  const notes: PatternNote[] = [];
  const noted = new Set<string>();
  const note = (n: PatternNote) => {
    const key = n.kind ? `${n.pattern}\0${n.kind}` : undefined;
    if (key && noted.has(key)) return;
    if (key) noted.add(key);
    notes.push(n);
  };
  return { notes, note };
}

/** Doc ids the whole registry already uses (not only the selected entries), each with the first pattern holding it. */
function takenDocIds(ws: PatternWorkspace): Map<string, string> {
  const taken = new Map<string, string>();
  for (const r of ws.records) if (r.docId && r.patternId && !taken.has(r.docId)) taken.set(r.docId, r.patternId);
  return taken;
}

/** Phase 1: doc ids into registry and specs, sidecars and DOC_LINK headers. */
async function runDocIdPhase(run: BatchRun, groups: PatternRecord[][], taken: Map<string, string>): Promise<void> {
  for (const [index, group] of groups.entries()) {
    await runBatch(run, 1, index, group, async () => {
      const planned = await planDocIds(run.ws, run.overlay, group, taken);
      for (const n of planned.notes) run.note({ ...n, phase: 1 });
      return { changes: planned.changes };
    });
  }
}

/** Phase 2: instance schemas, validated examples, executor and test scaffolds. */
async function runArtifactPhase(run: BatchRun, groups: PatternRecord[][]): Promise<void> {
  // phase 2 reads the doc ids phase 1 accepted (from disk, or from the overlay in a dry run)
  const registryNow = parseYamlText(run.ws.registryFile, (await run.overlay.read(run.ws.registryFile))!);
  const docIdOf = (r: PatternRecord): string | undefined => {
    const v = registryNow.doc.getIn(['patterns', r.index, 'doc_id']);
    return typeof v === 'string' ? v : undefined;
  };
  for (const [index, group] of groups.entries()) {
    await runBatch(run, 2, index, group, () => planArtifactBatch(run, group, docIdOf));
  }
}

/** One phase-2 batch: every entry's artifacts; a generated example that fails its schema fails the whole batch. */
async function planArtifactBatch(
  run: BatchRun,
  group: PatternRecord[],
  docIdOf: (r: PatternRecord) => string | undefined,
): Promise<BatchPlan> {
  const planned = await parallel(group, (r) => planArtifacts(run.ws, run.overlay, r, docIdOf(r), run.ajv, run.now));
  const { changes, conflicts } = run.claims.take(planned, group);
  for (const n of [...planned.flatMap((p) => [...p.notes, ...p.invalid]), ...conflicts]) run.note({ ...n, phase: 2 });
  const invalid = planned.flatMap((p) => p.invalid);
  if (invalid.length === 0) return { changes };
  return {
    changes,
    failure: new St3Error(
      'E_SCHEMA',
      `${invalid.length} generated example(s) fail the schema beside them: ${invalid[0]!.pattern}: ${invalid[0]!.message}`,
      { hint: 'fix the schema or the spec inputs; nothing of this batch was written' },
    ),
  };
}

/**
 * Plans one batch, then commits it (unless dry-run) and accepts it into the overlay; any failure,
 * planned or thrown, becomes a failed report with nothing written. Reports go to the run and `onBatch`.
 */
async function runBatch(
  run: BatchRun,
  phase: 1 | 2,
  index: number,
  group: PatternRecord[],
  plan: () => Promise<BatchPlan>,
): Promise<void> {
  if (run.options.signal?.aborted) throw new St3Error('E_INTERRUPTED', 'interrupted');
  const ids = group.map((r) => r.patternId!);
  let changes: FileChange[] = [];
  let report: BatchReport;
  try {
    const planned = await plan();
    changes = planned.changes;
    if (planned.failure) throw planned.failure;
    const written = run.dryRun ? [] : await commitBatch(run.ws, changes);
    run.overlay.accept(changes);
    report = {
      phase,
      index,
      patterns: ids,
      ok: true,
      files: batchFiles(changes, phase, (c) => statusOf(c, run.dryRun, written)),
    };
  } catch (error) {
    const e = isSt3Error(error) ? error : new St3Error('E_INTERNAL', (error as Error).message);
    report = {
      phase,
      index,
      patterns: ids,
      ok: false,
      error: { code: e.code, message: e.message, file: e.file, line: e.line },
      files: batchFiles(changes, phase, () => 'failed'),
    };
  }
  run.batches.push(report);
  run.options.onBatch?.(report);
}

function batchFiles(changes: FileChange[], phase: 1 | 2, status: (c: FileChange) => FileStatus): BatchFile[] {
  return changes.map((c) => ({
    path: c.path,
    phase,
    pattern: c.pattern,
    action: c.action,
    status: status(c),
    note: c.note,
  }));
}

/** A unified diff on every updated file, against the state before the run (set on the file lines in place). */
async function attachDiffs(run: BatchRun, files: BatchFile[]): Promise<void> {
  for (const f of files) {
    if (f.action !== 'update' || f.status === 'failed') continue;
    const abs = resolve(run.ws.linkBase, f.path);
    const before = (await run.overlay.readDisk(abs)) ?? '';
    const after = (await run.overlay.read(abs)) ?? before;
    f.diff = createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, before, after, undefined, undefined, { context: 2 });
  }
}

function countStatuses(files: readonly BatchFile[]): Record<FileStatus, number> {
  const counts: Record<FileStatus, number> = { planned: 0, created: 0, updated: 0, unchanged: 0, kept: 0, failed: 0 };
  for (const f of files) counts[f.status]++;
  return counts;
}

function statusOf(c: FileChange, dryRun: boolean, written: readonly string[]): FileStatus {
  if (c.action === 'unchanged' || c.action === 'kept') return c.action;
  if (dryRun) return 'planned';
  if (!written.includes(c.path)) return 'failed';
  return c.action === 'create' ? 'created' : 'updated';
}
