import { defineCommand, createOutput, createProgress, EXIT, type CliIO, type Output } from '@st3/cli-kit';
import type {
  ComplexityFileReport,
  ComplexityFinding,
  ComplexityFindingOptions,
  ComplexityReport,
  ComplexitySkippedFile,
  ProjectOptions,
} from '@st3/atomizer';
import type { Diagnostic } from '@st3/schemas/errors';
import { baseDir, sourceOptions } from './shared.js';

/** The peer tool's line: ESLint's unix formatter for JS/TS, flake8's default format for Python. */
function formatLine(path: string, language: string, u: ComplexityFinding, max: number | undefined): string {
  if (language === 'python') return `${path}:${u.line}:${u.column}: C901 ${u.message} is too complex (${u.complexity})`;
  const limit = max === undefined ? '' : ` Maximum allowed is ${max}.`;
  return `${path}:${u.line}:${u.column}: ${u.message} has a complexity of ${u.complexity}.${limit} [Error/complexity]`;
}

/** A syntax error as the peer tool reports it: flake8's E999, ESLint's parsing error (a file-level one at 1:1). */
function syntaxLine(path: string, language: string, d: Diagnostic): string {
  const at = `${path}:${d.line ?? 1}:${d.column ?? 1}`;
  if (language === 'python') return `${at}: E999 SyntaxError: ${d.message}`;
  return `${at}: Parsing error: ${d.message} [Error]`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The files matched: each one measured, or skipped (with why). */
interface Measurement {
  files: ComplexityFileReport[];
  skipped: ComplexitySkippedFile[];
}

/** Where and how the atomizer reads the files. */
type SourceOptions = Pick<ProjectOptions, 'cwd' | 'language' | 'complexityVariant' | 'workers' | 'cache'>;

/**
 * Measures the files `patterns` match, with a progress bar. A skipped file is a warning (and, under
 * --max, fails the check); a file's diagnostics are printed as they come, except its syntax errors
 * under --max (findings, listed later).
 */
async function measureFiles(
  io: CliIO,
  out: Output,
  quiet: boolean,
  patterns: string[],
  source: SourceOptions,
  findings: ComplexityFindingOptions,
): Promise<Measurement> {
  const { max } = findings;
  const { atomizeProject, complexityFileReport, isSyntaxDiagnostic } = await import('@st3/atomizer');
  const progress = createProgress(io, { quiet, label: 'complexity' });
  const files: ComplexityFileReport[] = [];
  const skipped: ComplexitySkippedFile[] = [];
  for await (const r of atomizeProject(patterns, {
    cwd: source.cwd,
    mode: 'complexity',
    language: source.language,
    complexityVariant: source.complexityVariant,
    workers: source.workers,
    cache: source.cache,
    onProgress: (p) => progress.update(p.done, p.total, 'complexity'),
  })) {
    if (!r.ok) {
      skipped.push({ path: r.path, reason: r.skipped.reason });
      out.warn(`${r.path}: ${r.skipped.reason}${max !== undefined ? ' (not measured: fails --max)' : ''}`);
      continue;
    }
    const file = complexityFileReport(r.record, findings);
    // Under --max a syntax error is a finding (listed with the functions below), not a warning.
    for (const d of file.diagnostics) if (max === undefined || !isSyntaxDiagnostic(d)) out.diagnostic(d);
    files.push(file);
  }
  progress.done();
  return { files, skipped };
}

/** Prints each file's findings in the peer tool's format, in line order: its functions and, under --max, its syntax errors. */
function printFindings(
  out: Output,
  files: readonly ComplexityFileReport[],
  max: number | undefined,
  isSyntax: (d: Diagnostic) => boolean,
): void {
  for (const f of files) {
    const lines = f.functions.map((u) => ({
      line: u.line,
      column: u.column,
      text: formatLine(f.path, f.language, u, max),
    }));
    if (max !== undefined)
      for (const d of f.diagnostics)
        if (isSyntax(d))
          lines.push({ line: d.line ?? 1, column: d.column ?? 1, text: syntaxLine(f.path, f.language, d) });
    lines.sort((a, b) => a.line - b.line || a.column - b.column);
    for (const l of lines) out.line(l.text);
  }
}

/** The --max verdict: functions above it, files with syntax errors, files not measured. */
function verdictLine(report: ComplexityReport & { max: number }): string {
  const { max, over, filesWithSyntaxErrors: unparsed, notMeasured } = report;
  const verdict =
    over === 0 ? `no function above complexity ${max}` : `${plural(over, 'function')} above complexity ${max}`;
  const syntax = unparsed === 0 ? '' : `; ${plural(unparsed, 'file')} with syntax errors (not fully measured)`;
  const skipped = notMeasured === 0 ? '' : `; ${plural(notMeasured, 'file')} not measured (listed above)`;
  return `${verdict}${syntax}${skipped}`;
}

export const command = defineCommand({
  name: 'complexity',
  summary: 'cyclomatic complexity per function, as ESLint (complexity) and flake8 (C901) count it',
  args: [
    { name: 'paths', description: 'files, folders or globs (.gitignore is honoured)', required: true, variadic: true },
  ],
  options: {
    max: {
      type: 'number',
      integer: true,
      min: 0,
      description:
        'report only functions above N and exit 1 when there is one, a file has syntax errors or a matched file could not be measured (ESLint max / flake8 --max-complexity)',
    },
    all: {
      type: 'boolean',
      description:
        'also list units the peer tool does not report alone: nested Python defs, and lambdas with --complexity-variant radon (mccabe gives lambdas no number)',
    },
    ...sourceOptions,
  },
  examples: [
    'st3 complexity src --max 10',
    'st3 complexity app.py --max 7',
    'st3 complexity "lib/**/*.js" --complexity-variant modified --json',
  ],
  async run({ values, args, common, io }) {
    const positionals = args.paths;
    const out = createOutput(io, common);
    const max = values.max;
    const { files, skipped } = await measureFiles(
      io,
      out,
      common.quiet,
      positionals,
      {
        cwd: baseDir(io, common.cwd),
        language: values.lang,
        complexityVariant: values['complexity-variant'],
        workers: values.workers,
        cache: values['no-cache'] ? false : undefined,
      },
      { max, all: values.all },
    );
    const { complexityReport, isSyntaxDiagnostic } = await import('@st3/atomizer');
    // Nothing measured is no verdict (E_ATOMIZE_NO_FILES); a skipped file fails --max.
    const report = complexityReport(files, skipped, { max, patterns: positionals });
    if (common.json) out.document({ ok: report.passed, ...report });
    else {
      printFindings(out, report.files, max, isSyntaxDiagnostic);
      if (report.max !== null) out.info(verdictLine({ ...report, max: report.max }));
    }
    return report.passed ? EXIT.ok : EXIT.problems;
  },
});
