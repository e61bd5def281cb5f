import { relative, resolve } from 'node:path';
import { createOutput, createProgress, defineCommand, EXIT, intFlag, parseCommandArgs, type CliIO } from '@st3/cli-kit';
import { runPatternBatch, type BatchPhase, type PatternBatchReport } from '@st3/scaffolder';
import { St3Error } from '@st3/schemas';

const USAGE =
  'st3 scaffold batch <registry> [--phase 1|2|3 ...] [--dry-run] [--diff] [--batch-size N] [--only PAT-ID ...] [--json]';

const OPTIONS = {
  phase: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  'batch-size': { type: 'string' },
  only: { type: 'string', multiple: true },
  diff: { type: 'boolean' },
} as const;

/**
 * `st3 scaffold batch`: generation from a pattern registry, in phases that can run alone. Called by
 * the `scaffold` command's `batch` sub-verb (and usable as a command of its own).
 */
export async function runBatchCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals, common } = parseCommandArgs(argv, OPTIONS, USAGE);
  if (positionals.length !== 1)
    throw new St3Error('E_USAGE', 'give the pattern registry (PATTERN_INDEX.yaml or its folder)', {
      hint: `usage: ${USAGE}`,
    });
  const out = createOutput(io, common);
  const start = resolve(io.cwd, common.cwd ?? '.');
  const phases = parsePhases(values.phase);
  const progress = createProgress(io, { quiet: common.quiet, label: 'batches' });
  let done = 0;
  const report = await runPatternBatch(resolve(start, positionals[0]!), {
    phases,
    dryRun: values['dry-run'] === true,
    batchSize: intFlag(values['batch-size'], '--batch-size', 25, 1),
    only: values.only?.flatMap((v) => v.split(',')).filter(Boolean),
    diffs: values.diff === true,
    signal: io.signal,
    onBatch: (b) => {
      progress.update(++done, undefined, `phase ${b.phase} batch ${b.index + 1}`);
      if (!b.ok)
        out.warn(
          `phase ${b.phase} batch ${b.index + 1} (${b.patterns.length} patterns) failed and was rolled back: ${b.error?.message}`,
        );
    },
  });
  progress.done();
  if (out.json) {
    out.document(report);
  } else {
    printReport(report, out, start);
  }
  return report.ok ? EXIT.ok : EXIT.problems;
}

function parsePhases(values: string[] | undefined): BatchPhase[] | undefined {
  if (!values) return undefined;
  const phases = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const p of phases)
    if (p !== '1' && p !== '2' && p !== '3')
      throw new St3Error('E_USAGE', `--phase expects 1, 2 or 3, got "${p}"`, {
        hint: '1 doc ids, 2 schemas/examples/scaffolds, 3 report',
      });
  return phases.map(Number) as BatchPhase[];
}

const LABEL: Record<string, string> = {
  planned: 'PLAN',
  created: 'CREATE',
  updated: 'UPDATE',
  unchanged: 'UNCHANGED',
  kept: 'KEPT',
  failed: 'FAILED',
};

function printReport(report: PatternBatchReport, out: ReturnType<typeof createOutput>, start: string): void {
  for (const f of report.files) {
    if (f.status === 'unchanged' && out.quiet) continue;
    const label = f.status === 'planned' ? (f.action === 'create' ? 'CREATE' : 'UPDATE') : LABEL[f.status]!;
    const text = `${label.padEnd(9)} ${f.path}${f.note ? `  (${f.note})` : ''}`;
    out.line(f.status === 'failed' ? out.color.red(text) : text);
    if (f.diff)
      out.line(
        f.diff
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n'),
      );
  }
  const errors = report.notes.filter((n) => n.severity === 'error');
  for (const n of errors) out.line(out.color.red(`error: ${n.pattern}: ${n.message}`));
  const warnings = report.notes.filter((n) => n.severity === 'warning');
  if (warnings.length > 0) {
    const missing = warnings.filter((n) => n.message.includes('does not exist')).length;
    // hand-written files already show as KEPT lines; the other notes are news
    for (const n of warnings.filter(
      (w) => !w.message.includes('does not exist') && !w.message.endsWith('kept as written'),
    ))
      out.warn(`${n.pattern}: ${n.message}`);
    if (missing > 0)
      out.warn(`${missing} pattern(s) link a spec that does not exist (run \`st3 patterns check\` for the list)`);
  }
  const failedBatches = report.batches.filter((b) => !b.ok);
  for (const b of failedBatches)
    out.line(out.color.red(`phase ${b.phase} batch ${b.index + 1} rolled back: ${b.error?.message}`));
  const c = report.counts;
  const verb = report.dryRun ? 'dry run, nothing written' : 'written';
  out.line(
    `${relative(start, report.registry) || report.registry}: phases ${report.phases.join(',')} (${verb}): ${c.planned} planned, ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.kept} kept, ${c.failed} failed; ${report.batches.length} batch(es), ${failedBatches.length} failed; ${errors.length} error(s)`,
  );
}

export const command = defineCommand({
  name: 'batch',
  summary: 'batch generation from a pattern registry: doc ids, instance schemas, examples, executor and test scaffolds',
  usage: USAGE,
  options: [
    '--phase N         run only phase N (repeatable or 1,2): 1 doc ids (registry, specs, sidecars, DOC_LINK),',
    '                  2 instance schema + minimal/full/test examples + executor and test scaffolds, 3 report only',
    '--dry-run         list every file with CREATE/UPDATE/UNCHANGED/KEPT and write nothing',
    '--diff            print the unified diff of every updated file',
    '--batch-size N    registry entries per batch (default 25); each batch is validated and committed atomically',
    '--only PAT-ID     only these patterns (repeatable or comma-separated)',
  ],
  examples: [
    'st3 scaffold batch patterns/PATTERN_INDEX.yaml --dry-run --diff',
    'st3 scaffold batch patterns --phase 1',
    'st3 scaffold batch patterns --phase 2 --only PAT-ATOMIC-CREATE-001 --json',
  ],
  run: runBatchCommand,
});
