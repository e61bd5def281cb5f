import {
  defineCommand,
  createOutput,
  createProgress,
  intFlag,
  parseCommandArgs,
  resolveWorkspace,
  EXIT,
} from '@st3/cli-kit';
import { St3Error, writeFileAtomic } from '@st3/schemas';
import { resolve } from 'node:path';
import { LANGS, VARIANTS, baseDir, checkChoice } from './shared.js';

const USAGE =
  'st3 atomize <paths…> [--json] [--out FILE] [--target-loc N] [--max-loc N] [--max-complexity N] [--lang L] [--complexity-variant V] [--workers N] [--no-cache]';

const OPTIONS = {
  out: { type: 'string' },
  'target-loc': { type: 'string' },
  'max-loc': { type: 'string' },
  'max-complexity': { type: 'string' },
  lang: { type: 'string' },
  'complexity-variant': { type: 'string' },
  workers: { type: 'string' },
  'no-cache': { type: 'boolean' },
  telemetry: { type: 'boolean' },
  task: { type: 'string' },
} as const;

export const command = defineCommand({
  name: 'atomize',
  summary: 'split TypeScript, JavaScript and Python files into measured, context-rich atoms',
  usage: USAGE,
  options: [
    '--out FILE               also write the JSON document to FILE',
    '--target-loc N           merge small sibling atoms up to N source lines (default 10)',
    '--max-loc N              split atoms longer than N source lines (default 15)',
    '--max-complexity N       atoms must stay below this complexity (default 3)',
    '--lang L                 force the language: typescript, tsx, javascript, jsx, python',
    '--complexity-variant V   eslint (default), modified, classic; mccabe (default), radon',
    '--workers N              worker threads (default: by CPU count for 16 files or more)',
    '--no-cache               do not read or write .st3/cache/atomizer',
    '--telemetry              save atomizer.files|bytes|atoms|parse_ms to .st3/telemetry/telemetry-atomize.json',
    '--task ID                with --telemetry: save it in the task context instead (.st3/tasks/ID/)',
  ],
  examples: [
    'st3 atomize src',
    'st3 atomize "src/**/*.ts" --json --out atoms.json',
    'st3 atomize app.py --max-loc 20 --complexity-variant radon',
    'st3 atomize src --telemetry --task TASK-0123',
  ],
  async run(argv, io) {
    const { values, positionals, common } = parseCommandArgs(argv, OPTIONS, USAGE);
    if (positionals.length === 0)
      throw new St3Error('E_USAGE', 'name at least one file, folder or glob', { hint: `usage: ${USAGE}` });
    const out = createOutput(io, common);
    const targetLoc = intFlag(values['target-loc'], '--target-loc', 10, 1);
    const maxLoc = intFlag(values['max-loc'], '--max-loc', Math.max(15, targetLoc), 1);
    const maxComplexity = intFlag(values['max-complexity'], '--max-complexity', 3, 1);
    const language = checkChoice(values.lang, LANGS, '--lang');
    const complexityVariant = checkChoice(values['complexity-variant'], VARIANTS, '--complexity-variant');
    const workers = values.workers === undefined ? undefined : intFlag(values.workers, '--workers', 0, 0);
    const cwd = baseDir(io, common.cwd);
    const { atomizeProject } = await import('@st3/atomizer');
    if (values.task && !values.telemetry)
      throw new St3Error('E_USAGE', '--task goes with --telemetry', { hint: 'add --telemetry' });
    // The workspace holding .st3/ when there is one, else the folder atomize runs in (where its cache goes too).
    const telemetryRoot = (): string => {
      try {
        return resolveWorkspace(io, common).root;
      } catch {
        return cwd;
      }
    };
    const telemetry = values.telemetry
      ? (await import('@st3/telemetry')).cliTelemetry({
          root: telemetryRoot(),
          tool: 'atomize',
          ...(values.task ? { taskId: values.task } : {}),
        })
      : undefined;
    const progress = createProgress(io, { quiet: common.quiet, label: 'atomize' });
    const files: Record<string, unknown>[] = [];
    const skipped: { path: string; reason: string }[] = [];
    const controller = new AbortController();
    io.signal.addEventListener('abort', () => controller.abort(), { once: true });
    for await (const r of atomizeProject(positionals, {
      cwd,
      targetLoc,
      maxLoc,
      maxComplexity,
      language,
      complexityVariant,
      workers,
      cache: values['no-cache'] ? false : undefined,
      signal: controller.signal,
      onProgress: (p) => progress.update(p.done, p.total, 'atomize'),
      ...(telemetry ? { telemetry } : {}),
    })) {
      if (r.ok) {
        files.push(r.record as unknown as Record<string, unknown>);
        for (const d of (r.record as { diagnostics: { severity: string }[] }).diagnostics) out.diagnostic(d as never);
      } else {
        skipped.push({ path: r.path, reason: r.skipped.reason });
        out.warn(`${r.path}: ${r.skipped.reason}`);
      }
    }
    progress.done();
    if (telemetry) {
      const file = await telemetry.save();
      if (!common.quiet) io.stderr.write(`telemetry: ${file}\n`);
    }
    if (files.length === 0 && skipped.length === 0)
      throw new St3Error('E_ATOMIZE_NO_FILES', `no source files matched ${positionals.join(' ')}`, {
        hint: 'files ignored by .gitignore are skipped',
      });
    files.sort((a, b) => String(a.path).localeCompare(String(b.path)));
    const summary = summarize(files as unknown as FileLike[]);
    const document = { files, skipped, summary };
    if (values.out) await writeFileAtomic(resolve(cwd, values.out), `${JSON.stringify(document, null, 2)}\n`);
    if (common.json) {
      out.document(document);
      return EXIT.ok;
    }
    out.line(
      `${summary.files} files, ${summary.functions} functions, ${summary.atoms} atoms (${summary.nonAtomic} not atomic), ${summary.loc} source lines${skipped.length > 0 ? `, ${skipped.length} skipped` : ''}`,
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
    if (values.out) out.info(`\nwrote ${values.out}`);
    return EXIT.ok;
  },
});

interface FileLike {
  path: string;
  loc: number;
  functions: { name: string; qualifiedName: string; startLine: number; complexity: number }[];
  atoms: {
    startLine: number;
    endLine: number;
    kind: string;
    name?: string;
    atomicity: { score: number; atomic: boolean; violations: { criterion: string; message: string }[] };
  }[];
}

function summarize(files: FileLike[]) {
  const fns = files.flatMap((f) =>
    f.functions.map((fn) => ({ path: f.path, line: fn.startLine, name: fn.qualifiedName, complexity: fn.complexity })),
  );
  const atoms = files.flatMap((f) => f.atoms.map((a) => ({ path: f.path, ...a })));
  const nonAtomic = atoms.filter((a) => !a.atomicity.atomic);
  return {
    files: files.length,
    functions: fns.length,
    atoms: atoms.length,
    nonAtomic: nonAtomic.length,
    loc: files.reduce((s, f) => s + f.loc, 0),
    topComplexity: fns.sort((a, b) => b.complexity - a.complexity).slice(0, 5),
    worstAtoms: nonAtomic
      .sort((a, b) => a.atomicity.score - b.atomicity.score)
      .slice(0, 5)
      .map((a) => ({
        path: a.path,
        startLine: a.startLine,
        endLine: a.endLine,
        kind: a.kind,
        name: a.name,
        score: a.atomicity.score,
        violation: a.atomicity.violations.map((v) => v.criterion).join(', '),
      })),
  };
}
