import type * as Atomizer from '@st3/atomizer';
import type { AtomizedFileRecord, ComplexityRecord, ComplexityVariant, JobResult, SourceLanguage } from '@st3/atomizer';
import { AtomizedFileSchema, St3Error, type AtomizedFile, type Diagnostic } from '@st3/schemas';
import { z } from 'zod';
import { insidePattern } from '../paths.js';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, type ToolContext } from '../tool.js';
import { pathsArg, declares, type OutputOf } from './common.js';

/**
 * A record of the atomizer as the `AtomizedFile` of @st3/schemas (the shared contract, open to the
 * fields the atomizer adds). The spreads make object types of the atomizer's interfaces; nothing is cast.
 */
function asContract(record: AtomizedFileRecord): AtomizedFile {
  return {
    ...record,
    imports: record.imports.map((i) => ({ ...i })),
    atoms: record.atoms.map((a) => ({
      ...a,
      symbols: { ...a.symbols },
      context: { ...a.context },
      atomicity: { ...a.atomicity },
    })),
  };
}

const SkippedSchema = z.object({ path: z.string(), reason: z.string() });

interface Atomized<R> {
  files: R[];
  skipped: { path: string; reason: string }[];
}

export const isAtomized = (r: AtomizedFileRecord | ComplexityRecord): r is AtomizedFileRecord => 'atoms' in r;

/**
 * `atomizeProject` of @st3/atomizer over the given paths (workspace-relative, globs allowed), with
 * the CLI's defaults (cache in `.st3/cache/atomizer`, worker threads for 16 files or more, so a big
 * tree does not hold the server's event loop). Progress per file; files that cannot be atomized are
 * listed as skipped.
 */
export async function runAtomizer<R extends AtomizedFileRecord | ComplexityRecord>(
  paths: string[],
  ctx: ToolContext,
  options: {
    mode: 'atomize' | 'complexity';
    targetLoc?: number;
    maxLoc?: number;
    maxComplexity?: number;
  } & SourceOptions,
  accept: (record: AtomizedFileRecord | ComplexityRecord) => record is R,
): Promise<Atomized<R>> {
  const patterns = paths.map((p) => insidePattern(ctx.root, p));
  const { atomizeProject } = await import('@st3/atomizer');
  const out: Atomized<R> = { files: [], skipped: [] };
  const results: AsyncGenerator<JobResult> = atomizeProject(patterns, {
    cwd: ctx.root,
    mode: options.mode,
    signal: ctx.signal,
    onProgress: (p) => ctx.progress({ progress: p.done, total: p.total, message: p.path }),
    ...(options.targetLoc !== undefined ? { targetLoc: options.targetLoc } : {}),
    ...(options.maxLoc !== undefined ? { maxLoc: options.maxLoc } : {}),
    ...(options.maxComplexity !== undefined ? { maxComplexity: options.maxComplexity } : {}),
    ...(options.lang !== undefined ? { language: options.lang } : {}),
    ...(options.complexityVariant !== undefined ? { complexityVariant: options.complexityVariant } : {}),
  });
  for await (const r of results) {
    if (!r.ok) out.skipped.push({ path: r.path, reason: r.skipped.reason });
    else if (accept(r.record)) out.files.push(r.record);
  }
  if (out.files.length === 0 && out.skipped.length === 0)
    throw new St3Error('E_ATOMIZE_NO_FILES', `no source files matched ${paths.join(' ')}`, {
      hint: 'files ignored by .gitignore are skipped',
    });
  out.files.sort((a, b) => a.path.localeCompare(b.path));
  return out;
}

const LANGUAGES = ['typescript', 'tsx', 'javascript', 'jsx', 'python'] as const satisfies readonly SourceLanguage[];
const VARIANTS = ['eslint', 'modified', 'classic', 'mccabe', 'radon'] as const satisfies readonly ComplexityVariant[];

/** How the files are read and measured: the inputs of `st3 atomize` and `st3 complexity`'s --lang and --complexity-variant. */
export const sourceInputs = {
  lang: z
    .enum(LANGUAGES)
    .optional()
    .describe('force the language of every file (CLI --lang; default: from the extension and contents)'),
  complexityVariant: z
    .enum(VARIANTS)
    .optional()
    .describe(
      'how complexity is counted (CLI --complexity-variant): eslint (default), modified, classic for JS/TS; mccabe (default), radon for Python',
    ),
};

/** The values of `sourceInputs`. */
export interface SourceOptions {
  lang?: SourceLanguage | undefined;
  complexityVariant?: ComplexityVariant | undefined;
}

/** How atoms are sized: the `atomize` tool's inputs, and `atom_context`'s (an id names atoms made with them). */
export const atomSizeInputs = {
  targetLoc: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('merge small sibling atoms up to this many source lines (default 10)'),
  maxLoc: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('split atoms longer than this many source lines (default 15, at least targetLoc)'),
  maxComplexity: z.number().int().positive().optional().describe('atoms must stay below this complexity (default 3)'),
};

/** The atomizer's size options from those inputs, as `st3 atomize` resolves its flags (E_ATOMIZE_OPTIONS when they conflict). */
export function atomSizes(args: { targetLoc?: number; maxLoc?: number; maxComplexity?: number }) {
  if (args.targetLoc !== undefined && args.maxLoc !== undefined && args.targetLoc > args.maxLoc)
    throw new St3Error('E_ATOMIZE_OPTIONS', `targetLoc (${args.targetLoc}) is above maxLoc (${args.maxLoc})`, {
      hint: 'use targetLoc ≤ maxLoc',
    });
  const maxLoc = args.maxLoc ?? (args.targetLoc !== undefined ? Math.max(15, args.targetLoc) : undefined);
  return { targetLoc: args.targetLoc, maxLoc, maxComplexity: args.maxComplexity };
}

export const atomizeTool = defineTool({
  name: 'atomize',
  title: 'Atomize source files',
  area: 'atoms',
  cli: 'st3 atomize',
  description:
    'Split TypeScript, JavaScript and Python files into measured, context-rich atoms (~10 lines each). Returns the `st3 atomize --json` document {files: [{path, language, loc, functions, imports, atoms: [{id, startLine, endLine, loc, complexity, kind, symbols, dependsOn, context, atomicity}]}], skipped, summary}. Sends progress per file when asked.',
  input: z.object({ paths: pathsArg, ...atomSizeInputs, ...sourceInputs }),
  output: z.object({
    ok: z.literal(true),
    files: z.array(AtomizedFileSchema),
    skipped: z.array(SkippedSchema),
    /** `summarizeProject` of @st3/atomizer: what `st3 atomize --json | jq .summary` gives. */
    summary: z.object({
      files: z.number(),
      functions: z.number(),
      atoms: z.number(),
      nonAtomic: z.number(),
      loc: z.number(),
      topComplexity: z.array(
        z.object({ path: z.string(), line: z.number(), name: z.string(), complexity: z.number() }),
      ),
      worstAtoms: z.array(
        z.object({
          path: z.string(),
          startLine: z.number(),
          endLine: z.number(),
          kind: z.string(),
          name: z.string().optional(),
          score: z.number(),
          violation: z.string(),
        }),
      ),
    }),
  }),
  annotations: READ_ONLY,
  async run(args, ctx) {
    const source = { lang: args.lang, complexityVariant: args.complexityVariant };
    const doc = await runAtomizer(args.paths, ctx, { mode: 'atomize', ...atomSizes(args), ...source }, isAtomized);
    const { nothingAtomized, summarizeProject } = await import('@st3/atomizer');
    // Every file matched was skipped: nothing atomized is no verdict (E_ATOMIZE_NO_FILES), as `st3 atomize` says it.
    if (doc.files.length === 0) throw nothingAtomized(args.paths, doc.skipped);
    // The CLI's summary, by the same function: totals and the most complex functions and least atomic atoms.
    return {
      ok: true as const,
      files: doc.files.map(asContract),
      skipped: doc.skipped,
      summary: summarizeProject(doc.files),
    };
  },
  summary: ({ summary: s, skipped }) =>
    `${plural(s.files, 'file')}, ${plural(s.functions, 'function')}, ${plural(s.atoms, 'atom')} (${s.nonAtomic} not atomic), ${s.loc} source lines${skipped.length > 0 ? `, ${skipped.length} skipped` : ''}`,
});

const ComplexityFunctionSchema = z.object({
  name: z.string(),
  kind: z.string(),
  line: z.number(),
  column: z.number(),
  startLine: z.number(),
  endLine: z.number(),
  complexity: z.number(),
  message: z.string(),
});

const ComplexityDiagnosticSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  message: z.string(),
  hint: z.string().optional(),
});

/** A diagnostic with the fields the output declares (a record may carry more). */
function diagnosticFields(d: Diagnostic): z.infer<typeof ComplexityDiagnosticSchema> {
  return {
    code: d.code,
    severity: d.severity,
    ...(d.file !== undefined ? { file: d.file } : {}),
    ...(d.line !== undefined ? { line: d.line } : {}),
    ...(d.column !== undefined ? { column: d.column } : {}),
    message: d.message,
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  };
}

export const complexityTool = defineTool({
  name: 'complexity',
  title: 'Cyclomatic complexity',
  area: 'atoms',
  cli: 'st3 complexity',
  description:
    'Cyclomatic complexity per function, counted as ESLint (complexity) and flake8 (C901) count it. With max, only the functions above it are listed, and isError is set when there are any or a file has syntax errors (each file lists its diagnostics). E_ATOMIZE_NO_FILES when no file could be measured.',
  input: z.object({
    paths: pathsArg,
    max: z.number().int().nonnegative().optional().describe('list only functions with a complexity above this'),
    all: z
      .boolean()
      .default(false)
      .describe(
        'also list units the peer tool does not report alone: nested Python defs, and lambdas with complexityVariant radon (mccabe gives lambdas no number)',
      ),
    ...sourceInputs,
  }),
  output: z.object({
    ok: z.boolean().describe('the verdict: `passed`'),
    max: z.number().nullable(),
    over: z.number(),
    filesWithSyntaxErrors: z.number(),
    notMeasured: z.number().describe('files matched and not measured (unreadable, binary, unknown language)'),
    passed: z.boolean().describe('with max: nothing above it, no syntax error, every file measured'),
    files: z.array(
      z.object({
        path: z.string(),
        language: z.string(),
        functions: z.array(ComplexityFunctionSchema),
        diagnostics: z.array(ComplexityDiagnosticSchema),
      }),
    ),
    skipped: z.array(SkippedSchema),
  }),
  annotations: READ_ONLY,
  async run(args, ctx) {
    const isComplexity = (r: AtomizedFileRecord | ComplexityRecord): r is ComplexityRecord => !isAtomized(r);
    const source = { lang: args.lang, complexityVariant: args.complexityVariant };
    const doc = await runAtomizer(args.paths, ctx, { mode: 'complexity', ...source }, isComplexity);
    const { complexityFileReport, complexityReport } = await import('@st3/atomizer');
    const files = doc.files.map((f) => {
      const file = complexityFileReport(f, { max: args.max, all: args.all });
      return { ...file, diagnostics: file.diagnostics.map(diagnosticFields) };
    });
    // The report and verdict of `st3 complexity`: nothing measured is E_ATOMIZE_NO_FILES, never "no
    // function above max"; under max a syntax error or a file not measured fails.
    const report = complexityReport(files, doc.skipped, { max: args.max, patterns: args.paths });
    return { ok: report.passed, ...report };
  },
  summary(r) {
    const all = r.files.flatMap((f) => f.functions.map((u) => ({ path: f.path, ...u })));
    const top = [...all].sort((a, b) => b.complexity - a.complexity)[0];
    const worst = top ? `${top.message} in ${top.path}:${top.line} (${top.complexity})` : '';
    const syntax =
      r.filesWithSyntaxErrors > 0
        ? `; ${plural(r.filesWithSyntaxErrors, 'file')} with syntax errors (not fully measured)`
        : '';
    const unmeasured = r.notMeasured > 0 ? `; ${plural(r.notMeasured, 'file')} not measured` : '';
    if (r.max === null)
      return `${plural(all.length, 'function')} in ${plural(r.files.length, 'file')}${top ? `; most complex: ${worst}` : ''}${syntax}${unmeasured}`;
    return r.over === 0
      ? `no function above complexity ${r.max} in ${plural(r.files.length, 'file')}${syntax}${unmeasured}`
      : `${plural(r.over, 'function')} above complexity ${r.max}; worst: ${worst}${syntax}${unmeasured}`;
  },
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<OutputOf<typeof atomizeTool>['summary'], ReturnType<typeof Atomizer.summarizeProject>>(true);
// (each file's diagnostics are picked field by field: diagnosticFields)
declares<OutputOf<typeof complexityTool>, Omit<ReturnType<typeof Atomizer.complexityReport>, 'files'>>(true);
declares<
  OutputOf<typeof complexityTool>['files'][number],
  Omit<ReturnType<typeof Atomizer.complexityFileReport>, 'diagnostics'>
>(true);
