import {
  defineCommand,
  createOutput,
  createProgress,
  resolveWorkspace,
  EXIT,
  type CliIO,
  type CommonFlags,
  type Output,
} from '@st3/cli-kit';
import type { AtomizedFileRecord, AtomizedFileSummary, AtomizeSummary, JobResult } from '@st3/atomizer';
import { writeFileAtomic } from '@st3/fs';
import { St3Error } from '@st3/schemas/errors';
import type { TelemetryCollector } from '@st3/telemetry';
import { resolve } from 'node:path';
import { baseDir, sourceOptions } from './shared.js';

export const command = defineCommand({
  name: 'atomize',
  summary: 'split TypeScript, JavaScript and Python files into measured, context-rich atoms',
  args: [
    {
      name: 'paths',
      description:
        'files, folders or globs (.gitignore is honoured); with --context, the project (or atoms.json) to look the atom up in',
      variadic: true,
    },
  ],
  options: {
    context: {
      type: 'string',
      valueName: 'ATOM-ID',
      description: "print this atom's context as an agent receives it (Markdown, or JSON with --json)",
    },
    budget: {
      type: 'number',
      integer: true,
      min: 1,
      valueName: 'TOKENS',
      description:
        'with --context: trim the context by priority to this many tokens (4 ASCII characters each, other characters 1–2)',
    },
    out: { type: 'string', valueName: 'FILE', description: 'also write the JSON document to FILE' },
    'target-loc': {
      type: 'number',
      integer: true,
      min: 1,
      default: 10,
      description: 'merge small sibling atoms up to N source lines',
    },
    'max-loc': {
      type: 'number',
      integer: true,
      min: 1,
      description: 'split atoms longer than N source lines (default 15, at least --target-loc)',
    },
    'max-complexity': {
      type: 'number',
      integer: true,
      min: 1,
      default: 3,
      description: 'atoms must stay below this complexity',
    },
    ...sourceOptions,
    telemetry: {
      type: 'boolean',
      description: 'save atomizer.files|bytes|atoms|parse_ms to .st3/telemetry/telemetry-atomize.json',
    },
    task: {
      type: 'string',
      valueName: 'ID',
      description: 'with --telemetry: save it in the task context instead (.st3/tasks/ID/)',
    },
  },
  examples: [
    'st3 atomize src',
    'st3 atomize "src/**/*.ts" --json --out atoms.json',
    'st3 atomize app.py --max-loc 20 --complexity-variant radon',
    'st3 atomize src --telemetry --task TASK-0123',
    "st3 atomize --context 'src/store.ts#L16-L27@8bd42a240c' src --budget 800",
    "st3 atomize --context 'src/store.ts#L16-L27@8bd42a240c' atoms.json --json",
  ],
  async run({ values, args, common, io, usageError }) {
    const positionals = args.paths;
    const out = createOutput(io, common);
    const targetLoc = values['target-loc'];
    const cwd = baseDir(io, common.cwd);
    // The same options for --context: ids depend on them, so an id is found only with the options it came from.
    const decomposition = {
      targetLoc,
      maxLoc: values['max-loc'] ?? Math.max(15, targetLoc),
      maxComplexity: values['max-complexity'],
      language: values.lang,
      complexityVariant: values['complexity-variant'],
      workers: values.workers,
      cache: values['no-cache'] ? (false as const) : undefined,
    };
    if (values.context !== undefined) {
      const { printContext } = await import('./context.js');
      await printContext(values.context, positionals, {
        cwd,
        budget: values.budget,
        json: common.json,
        out,
        io,
        atomize: decomposition,
      });
      return EXIT.ok;
    }
    if (values.budget !== undefined) throw usageError('--budget goes with --context');
    if (positionals.length === 0) throw usageError('name at least one file, folder or glob');
    const { atomizeProject, nothingAtomized, summarizeProject } = await import('@st3/atomizer');
    if (values.task && !values.telemetry)
      throw new St3Error('E_USAGE', '--task goes with --telemetry', { hint: 'add --telemetry' });
    const telemetry = values.telemetry ? await startTelemetry(io, common, cwd, values.task) : undefined;
    const progress = createProgress(io, { quiet: common.quiet, label: 'atomize' });
    const controller = new AbortController();
    io.signal.addEventListener('abort', () => controller.abort(), { once: true });
    // Only the JSON document needs whole records; the report needs each file's summary.
    const wholeRecords = common.json || values.out !== undefined;
    const results = atomizeProject(positionals, {
      detail: wholeRecords ? 'records' : 'summary',
      cwd,
      ...decomposition,
      signal: controller.signal,
      onProgress: (p) => progress.update(p.done, p.total, 'atomize'),
      ...(telemetry ? { telemetry } : {}),
    });
    const { files, skipped } = await collectResults(results, out);
    progress.done();
    if (telemetry) {
      const file = await telemetry.save();
      if (!common.quiet) io.stderr.write(`telemetry: ${file}\n`);
    }
    // Nothing atomized (no file matched, or every file matched was skipped) is no verdict: E_ATOMIZE_NO_FILES.
    if (files.length === 0) throw nothingAtomized(positionals, skipped);
    files.sort((a, b) => a.path.localeCompare(b.path));
    const summary = summarizeProject(files);
    if (!wholeRecords) {
      printSummary(out, summary, skipped.length);
      return EXIT.ok;
    }
    const document = { files, skipped, summary };
    if (values.out) await writeFileAtomic(resolve(cwd, values.out), `${JSON.stringify(document, null, 2)}\n`);
    if (common.json) {
      out.document(document);
      return EXIT.ok;
    }
    printSummary(out, summary, skipped.length);
    if (values.out) out.info(`\nwrote ${values.out}`);
    return EXIT.ok;
  },
});

/** `--telemetry`: saved in the workspace holding .st3/ when there is one, else in the folder atomize runs in. */
async function startTelemetry(
  io: CliIO,
  common: CommonFlags,
  cwd: string,
  task: string | undefined,
): Promise<TelemetryCollector> {
  const { cliTelemetry } = await import('@st3/telemetry');
  let root: string;
  try {
    root = resolveWorkspace(io, common).root;
  } catch {
    // No workspace: the folder atomize runs in (where its cache goes too).
    root = cwd;
  }
  return cliTelemetry({ root, tool: 'atomize', ...(task ? { taskId: task } : {}) });
}

/** The atomized files, and the skipped ones (each warned about); every file's diagnostics are reported as it comes. */
async function collectResults<R extends AtomizedFileRecord | AtomizedFileSummary>(
  results: AsyncIterable<JobResult<R>>,
  out: Output,
) {
  const files: R[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for await (const r of results) {
    if (r.ok) {
      files.push(r.record);
      for (const d of r.record.diagnostics) out.diagnostic(d);
    } else {
      skipped.push({ path: r.path, reason: r.skipped.reason });
      out.warn(`${r.path}: ${r.skipped.reason}`);
    }
  }
  return { files, skipped };
}

/** The human report: totals, then the most complex functions and the least atomic atoms. */
function printSummary(out: Output, summary: AtomizeSummary, skipped: number): void {
  out.line(
    `${summary.files} files, ${summary.functions} functions, ${summary.atoms} atoms (${summary.nonAtomic} not atomic), ${summary.loc} source lines${skipped > 0 ? `, ${skipped} skipped` : ''}`,
  );
  if (summary.topComplexity.length > 0) {
    out.info('');
    out.info('Most complex functions:');
    for (const f of summary.topComplexity)
      out.info(`  ${String(f.complexity).padStart(3)}  ${f.path}:${f.line}  ${f.name}`);
  }
  if (summary.worstAtoms.length > 0) {
    out.info('');
    out.info('Least atomic atoms:');
    for (const a of summary.worstAtoms)
      out.info(
        `  ${a.score.toFixed(1)}  ${a.path}:${a.startLine}-${a.endLine}  ${a.kind}${a.name ? ` ${a.name}` : ''}: ${a.violation}`,
      );
  }
}
