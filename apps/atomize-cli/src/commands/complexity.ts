import { defineCommand, createOutput, createProgress, EXIT, type CliIO, type Output } from '@st3/cli-kit';
import type { ComplexityFinding, ComplexityFindingOptions, ProjectOptions } from '@st3/atomizer';
import { St3Error, type Diagnostic } from '@st3/schemas/errors';
import { baseDir, sourceOptions } from './shared.js';

/** The code the atomizer gives syntax errors (TS/JS parse diagnostics, tree-sitter ERROR/MISSING nodes, invalid UTF-8). */
const SYNTAX = 'E_ATOMIZE_SYNTAX';

interface MeasuredFile {
  path: string;
  language: string;
  functions: ComplexityFinding[];
  /** The file's diagnostics; under --max its syntax errors are errors (they fail the check, as in ESLint and flake8). */
  diagnostics: Diagnostic[];
}

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
  files: MeasuredFile[];
  skipped: { path: string; reason: string }[];
}

/** Where and how the atomizer reads the files. */
type SourceOptions = Pick<ProjectOptions, 'cwd' | 'language' | 'complexityVariant' | 'workers' | 'cache'>;

/**
 * Measures the files `patterns` match, with a progress bar. A skipped file is a warning; a file's
 * diagnostics are printed as they come, except its syntax errors under --max (findings, listed later).
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
  const { atomizeProject, complexityFindings } = await import('@st3/atomizer');
  const progress = createProgress(io, { quiet, label: 'complexity' });
  const files: MeasuredFile[] = [];
  const skipped: { path: string; reason: string }[] = [];
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
      out.warn(`${r.path}: ${r.skipped.reason}`);
      continue;
    }
    const rec = r.record;
    // Under --max a syntax error is a finding (listed with the functions below), not a warning.
    const diagnostics =
      max === undefined
        ? rec.diagnostics
        : rec.diagnostics.map((d): Diagnostic => (d.code === SYNTAX ? { ...d, severity: 'error' } : d));
    for (const d of diagnostics) if (max === undefined || d.code !== SYNTAX) out.diagnostic(d);
    files.push({
      path: rec.path,
      language: rec.language,
      functions: complexityFindings(rec.functions, findings),
      diagnostics,
    });
  }
  progress.done();
  return { files, skipped };
}

/** Why nothing was measured: no file matched, or every file matched was skipped. */
function nothingMeasured(patterns: string[], skipped: Measurement['skipped']): St3Error {
  return skipped.length === 0
    ? new St3Error('E_ATOMIZE_NO_FILES', `no source files matched ${patterns.join(' ')}`, {
        hint: 'files ignored by .gitignore are skipped',
      })
    : new St3Error(
        'E_ATOMIZE_NO_FILES',
        `no source file measured in ${patterns.join(' ')} (${plural(skipped.length, 'file')} skipped)`,
        { hint: 'the skipped files are listed above; complexity is measured in TypeScript, JavaScript and Python' },
      );
}

/** Prints each file's findings in the peer tool's format, in line order: its functions and, under --max, its syntax errors. */
function printFindings(out: Output, files: MeasuredFile[], max: number | undefined): void {
  for (const f of files) {
    const lines = f.functions.map((u) => ({
      line: u.line,
      column: u.column,
      text: formatLine(f.path, f.language, u, max),
    }));
    if (max !== undefined)
      for (const d of f.diagnostics)
        if (d.code === SYNTAX)
          lines.push({ line: d.line ?? 1, column: d.column ?? 1, text: syntaxLine(f.path, f.language, d) });
    lines.sort((a, b) => a.line - b.line || a.column - b.column);
    for (const l of lines) out.line(l.text);
  }
}

/** The --max verdict: how many functions are above it, and how many files have syntax errors. */
function verdictLine(max: number, over: number, unparsed: number): string {
  const verdict =
    over === 0 ? `no function above complexity ${max}` : `${plural(over, 'function')} above complexity ${max}`;
  return unparsed === 0 ? verdict : `${verdict}; ${plural(unparsed, 'file')} with syntax errors (not fully measured)`;
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
        'report only functions above N and exit 1 when there is one or a file has syntax errors (ESLint max / flake8 --max-complexity)',
    },
    all: {
      type: 'boolean',
      description: 'also list units the peer tool does not report alone (nested Python defs, lambdas)',
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
    // Nothing measured is no verdict: "no function above N" would be a false green.
    if (files.length === 0) throw nothingMeasured(positionals, skipped);
    files.sort((a, b) => a.path.localeCompare(b.path));
    skipped.sort((a, b) => a.path.localeCompare(b.path));
    const over = max === undefined ? 0 : files.reduce((n, f) => n + f.functions.length, 0);
    const unparsed = files.filter((f) => f.diagnostics.some((d) => d.code === SYNTAX));
    if (common.json) {
      out.document({ max: max ?? null, over, filesWithSyntaxErrors: unparsed.length, files, skipped });
    } else {
      printFindings(out, files, max);
      if (max !== undefined) out.info(verdictLine(max, over, unparsed.length));
    }
    return max !== undefined && (over > 0 || unparsed.length > 0) ? EXIT.problems : EXIT.ok;
  },
});
