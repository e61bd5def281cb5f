import { defineCommand, createOutput, createProgress, EXIT } from '@st3/cli-kit';
import type { ComplexityFinding } from '@st3/atomizer';
import { St3Error } from '@st3/schemas/errors';
import { baseDir, sourceOptions } from './shared.js';

/** The peer tool's line: ESLint's unix formatter for JS/TS, flake8's default format for Python. */
function formatLine(path: string, language: string, u: ComplexityFinding, max: number | undefined): string {
  if (language === 'python') return `${path}:${u.line}:${u.column}: C901 ${u.message} is too complex (${u.complexity})`;
  const limit = max === undefined ? '' : ` Maximum allowed is ${max}.`;
  return `${path}:${u.line}:${u.column}: ${u.message} has a complexity of ${u.complexity}.${limit} [Error/complexity]`;
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
      description: 'report only functions above N and exit 1 when there is one (ESLint max / flake8 --max-complexity)',
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
    const language = values.lang;
    const complexityVariant = values['complexity-variant'];
    const workers = values.workers;
    const { atomizeProject, complexityFindings } = await import('@st3/atomizer');
    const progress = createProgress(io, { quiet: common.quiet, label: 'complexity' });
    const files: { path: string; language: string; functions: ComplexityFinding[] }[] = [];
    let seen = 0;
    for await (const r of atomizeProject(positionals, {
      cwd: baseDir(io, common.cwd),
      mode: 'complexity',
      language,
      complexityVariant,
      workers,
      cache: values['no-cache'] ? false : undefined,
      onProgress: (p) => progress.update(p.done, p.total, 'complexity'),
    })) {
      seen++;
      if (!r.ok) {
        out.warn(`${r.path}: ${r.skipped.reason}`);
        continue;
      }
      const rec = r.record;
      for (const d of rec.diagnostics) out.diagnostic(d);
      files.push({
        path: rec.path,
        language: rec.language,
        functions: complexityFindings(rec.functions, { max, all: values.all }),
      });
    }
    progress.done();
    if (seen === 0)
      throw new St3Error('E_ATOMIZE_NO_FILES', `no source files matched ${positionals.join(' ')}`, {
        hint: 'files ignored by .gitignore are skipped',
      });
    files.sort((a, b) => a.path.localeCompare(b.path));
    const over = max === undefined ? 0 : files.reduce((n, f) => n + f.functions.length, 0);
    if (common.json) {
      out.document({ max: max ?? null, over, files });
    } else {
      for (const f of files) for (const u of f.functions) out.line(formatLine(f.path, f.language, u, max));
      if (max !== undefined)
        out.info(
          over === 0
            ? `no function above complexity ${max}`
            : `${over} function${over === 1 ? '' : 's'} above complexity ${max}`,
        );
    }
    return over > 0 ? EXIT.problems : EXIT.ok;
  },
});
