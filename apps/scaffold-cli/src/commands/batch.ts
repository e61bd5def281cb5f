import { relative, resolve } from 'node:path';
import {
  createOutput,
  createProgress,
  defineCommand,
  defineOptions,
  EXIT,
  type RunContext,
  type Values,
} from '@st3/cli-kit';
import { runPatternBatch, type BatchPhase, type PatternBatchReport } from '@st3/scaffolder';
import { St3Error } from '@st3/schemas';

const OPTIONS = defineOptions({
  phase: {
    type: 'string',
    multiple: true,
    valueName: 'N',
    description:
      'run only phase N (repeatable or 1,2): 1 doc ids (registry, specs, sidecars, DOC_LINK), 2 instance schema + ' +
      'minimal/full/test examples + executor and test scaffolds, 3 report only',
  },
  'dry-run': { type: 'boolean', description: 'list every file with CREATE/UPDATE/UNCHANGED/KEPT and write nothing' },
  diff: { type: 'boolean', description: 'print the unified diff of every updated file' },
  'batch-size': {
    type: 'number',
    integer: true,
    min: 1,
    default: 25,
    description: 'registry entries per batch; each batch is validated and committed atomically',
  },
  only: {
    type: 'string',
    multiple: true,
    valueName: 'PAT-ID',
    description: 'only these patterns (repeatable or comma-separated); an id the registry does not hold is an error',
  },
});

/** `st3 scaffold batch`: generation from a pattern registry, in phases that can run alone. */
async function runBatchCommand({
  values,
  args,
  common,
  io,
}: RunContext<Values<typeof OPTIONS>, { registry: string }>): Promise<number> {
  const out = createOutput(io, common);
  const start = resolve(io.cwd, common.cwd ?? '.');
  const phases = parsePhases(values.phase);
  const progress = createProgress(io, { quiet: common.quiet, label: 'batches' });
  let done = 0;
  const report = await runPatternBatch(resolve(start, args.registry), {
    phases,
    dryRun: values['dry-run'] === true,
    batchSize: values['batch-size'],
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
    // each pattern once, whichever phases noticed its missing spec
    const missing = report.missingSpecs.length;
    // hand-written files already show as KEPT lines; the other notes are news
    for (const n of warnings.filter((w) => w.kind !== 'missing-spec' && !w.message.endsWith('kept as written')))
      out.warn(`${n.pattern}: ${n.message}`);
    if (missing > 0)
      out.warn(`${missing} pattern(s) link a spec that does not exist (run \`st3 patterns check\` for the list)`);
  }
  printSkipped(report, out);
  const failedBatches = report.batches.filter((b) => !b.ok);
  for (const b of failedBatches)
    out.line(out.color.red(`phase ${b.phase} batch ${b.index + 1} rolled back: ${b.error?.message}`));
  const c = report.counts;
  const verb = report.dryRun ? 'dry run, nothing written' : 'written';
  out.line(
    `${relative(start, report.registry) || report.registry}: phases ${report.phases.join(',')} (${verb}): ${c.planned} planned, ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.kept} kept, ${c.failed} failed; ${report.batches.length} batch(es), ${failedBatches.length} failed; ${errors.length} error(s)${report.skipped.length > 0 ? `; ${report.skipped.length} entr${report.skipped.length === 1 ? 'y' : 'ies'} without a pattern_id skipped` : ''}`,
  );
}

/** Registry entries left out for having no pattern_id: how many, and which (index, name and line). */
function printSkipped(report: PatternBatchReport, out: ReturnType<typeof createOutput>): void {
  const n = report.skipped.length;
  if (n === 0) return;
  const which = report.skipped.map(
    (d) =>
      `${d.message.replace(/ has no pattern_id: skipped$/, '')}${d.line !== undefined ? ` at line ${d.line}` : ''}`,
  );
  out.warn(
    `${n} registry entr${n === 1 ? 'y has' : 'ies have'} no pattern_id and ${n === 1 ? 'was' : 'were'} skipped: ${which.join(', ')}`,
  );
}

export const command = defineCommand({
  name: 'batch',
  summary: 'batch generation from a pattern registry: doc ids, instance schemas, examples, executor and test scaffolds',
  args: [{ name: 'registry', description: 'PATTERN_INDEX.yaml or its folder', required: true }],
  options: OPTIONS,
  examples: [
    'st3 scaffold batch patterns/PATTERN_INDEX.yaml --dry-run --diff',
    'st3 scaffold batch patterns --phase 1',
    'st3 scaffold batch patterns --phase 2 --only PAT-ATOMIC-CREATE-001 --json',
  ],
  run: runBatchCommand,
});
