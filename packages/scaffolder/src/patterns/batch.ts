import { resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { St3Error, isSt3Error, type Diagnostic } from '@st3/schemas';
import { createAjv } from './instances.js';
import { chunk, commitBatch, Overlay, parallel, type FileAction, type FileChange, type FileStatus } from './overlay.js';
import { planArtifacts } from './phase-artifacts.js';
import { planDocIds } from './phase-doc-ids.js';
import { loadPatternWorkspace, parseYamlText, type PatternRecord } from './workspace.js';

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
  const phases = [...new Set(options.phases ?? [1, 2, 3])].sort() as BatchPhase[];
  const reportOnly = phases.length === 1 && phases[0] === 3;
  const dryRun = options.dryRun === true || reportOnly;
  const work = reportOnly ? [1, 2] : phases.filter((p): p is 1 | 2 => p !== 3);
  const ws = await loadPatternWorkspace(registryPath, { linkBase: options.linkBase });
  if (ws.parseErrors.length > 0) {
    const e = ws.parseErrors[0]!;
    throw new St3Error('E_PARSE', `the registry is not valid YAML: ${e.message}`, {
      file: e.file,
      line: e.line,
      column: e.column,
      diagnostics: ws.parseErrors,
    });
  }
  const skipped: Diagnostic[] = [];
  const only = options.only ? new Set(options.only) : undefined;
  const records = ws.records.filter((r) => {
    if (!r.patternId) {
      skipped.push({
        code: 'W_PATTERN_SKIPPED',
        severity: 'warning',
        file: ws.registryFile,
        line: r.line,
        message: `patterns[${r.index}] has no pattern_id: skipped`,
      });
      return false;
    }
    return !only || only.has(r.patternId);
  });
  const overlay = new Overlay();
  const size = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const batches: BatchReport[] = [];
  const notes: PatternNote[] = [];
  const noted = new Set<string>();
  /** Phases see the same facts (a missing spec): each kind of note is kept once per pattern. */
  const note = (n: PatternNote) => {
    const key = n.kind ? `${n.pattern}\0${n.kind}` : undefined;
    if (key && noted.has(key)) return;
    if (key) noted.add(key);
    notes.push(n);
  };
  const taken = new Map<string, string>();
  for (const r of ws.records) if (r.docId && r.patternId && !taken.has(r.docId)) taken.set(r.docId, r.patternId);
  const now = options.now ?? new Date();
  const ajv = createAjv();

  /** A batch's plan: the files it would write, and why it must not be written (its files are then reported failed). */
  type Plan = { changes: FileChange[]; failure?: St3Error };
  const runBatch = async (phase: 1 | 2, index: number, group: PatternRecord[], plan: () => Promise<Plan>) => {
    if (options.signal?.aborted) throw new St3Error('E_INTERRUPTED', 'interrupted');
    const ids = group.map((r) => r.patternId!);
    let changes: FileChange[] = [];
    let report: BatchReport;
    try {
      const planned = await plan();
      changes = planned.changes;
      if (planned.failure) throw planned.failure;
      const written = dryRun ? [] : await commitBatch(ws, changes);
      overlay.accept(changes);
      report = {
        phase,
        index,
        patterns: ids,
        ok: true,
        files: changes.map((c) => ({
          path: c.path,
          phase,
          pattern: c.pattern,
          action: c.action,
          status: statusOf(c, dryRun, written),
          note: c.note,
        })),
      };
    } catch (error) {
      const e = isSt3Error(error) ? error : new St3Error('E_INTERNAL', (error as Error).message);
      report = {
        phase,
        index,
        patterns: ids,
        ok: false,
        error: { code: e.code, message: e.message, file: e.file, line: e.line },
        files: changes.map((c) => ({
          path: c.path,
          phase,
          pattern: c.pattern,
          action: c.action,
          status: 'failed',
          note: c.note,
        })),
      };
    }
    batches.push(report);
    options.onBatch?.(report);
  };

  if (work.includes(1)) {
    for (const [index, group] of chunk(records, size).entries()) {
      await runBatch(1, index, group, async () => {
        const planned = await planDocIds(ws, overlay, group, taken);
        for (const n of planned.notes) note({ ...n, phase: 1 });
        return { changes: planned.changes };
      });
    }
  }
  if (work.includes(2)) {
    // phase 2 reads the doc ids phase 1 accepted (from disk, or from the overlay in a dry run)
    const registryNow = parseYamlText(ws.registryFile, (await overlay.read(ws.registryFile))!);
    const docIdOf = (r: PatternRecord): string | undefined => {
      const v = registryNow.doc.getIn(['patterns', r.index, 'doc_id']);
      return typeof v === 'string' ? v : undefined;
    };
    for (const [index, group] of chunk(records, size).entries()) {
      await runBatch(2, index, group, async () => {
        const planned = await parallel(group, (r) => planArtifacts(ws, overlay, r, docIdOf(r), ajv, now));
        for (const p of planned) for (const n of [...p.notes, ...p.invalid]) note({ ...n, phase: 2 });
        const invalid = planned.flatMap((p) => p.invalid);
        const changes = planned.flatMap((p) => p.changes);
        if (invalid.length === 0) return { changes };
        return {
          changes,
          failure: new St3Error(
            'E_SCHEMA',
            `${invalid.length} generated example(s) fail the schema beside them: ${invalid[0]!.pattern}: ${invalid[0]!.message}`,
            { hint: 'fix the schema or the spec inputs; nothing of this batch was written' },
          ),
        };
      });
    }
  }

  // one line per file: the last batch that touched it decides, but "unchanged" never hides a change
  const byPath = new Map<string, BatchFile>();
  for (const f of batches.flatMap((b) => b.files)) {
    const prev = byPath.get(f.path);
    if (!prev || f.status !== 'unchanged')
      byPath.set(
        f.path,
        prev && prev.status !== 'unchanged' && f.status !== 'failed'
          ? { ...f, note: [prev.note, f.note].filter(Boolean).join('; ') }
          : f,
      );
  }
  const files = [...byPath.values()];
  if (options.diffs) {
    for (const f of files) {
      if (f.action !== 'update' || f.status === 'failed') continue;
      const abs = resolve(ws.linkBase, f.path);
      const before = (await overlay.readDisk(abs)) ?? '';
      const after = (await overlay.read(abs)) ?? before;
      f.diff = createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, before, after, undefined, undefined, { context: 2 });
    }
  }
  const counts: Record<FileStatus, number> = { planned: 0, created: 0, updated: 0, unchanged: 0, kept: 0, failed: 0 };
  for (const f of files) counts[f.status]++;
  return {
    registry: ws.registryFile,
    linkBase: ws.linkBase,
    dryRun,
    phases,
    ok: batches.every((b) => b.ok) && notes.every((n) => n.severity !== 'error'),
    counts,
    batches,
    files,
    notes,
    missingSpecs: [...new Set(notes.filter((n) => n.kind === 'missing-spec').map((n) => n.pattern))],
    skipped,
  };
}

function statusOf(c: FileChange, dryRun: boolean, written: readonly string[]): FileStatus {
  if (c.action === 'unchanged' || c.action === 'kept') return c.action;
  if (dryRun) return 'planned';
  if (!written.includes(c.path)) return 'failed';
  return c.action === 'create' ? 'created' : 'updated';
}
