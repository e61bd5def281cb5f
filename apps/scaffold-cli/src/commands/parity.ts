import { existsSync, statSync, type Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { createOutput, defineCommand, EXIT } from '@st3/cli-kit';
import {
  compareFiles,
  describeVerdict,
  formatSuiteReport,
  loadParitySuiteOrThrow,
  resolveNormalizers,
  runParitySuite,
  storedRenderer,
  type LoadedSuite,
  type Renderer,
  type SuiteReport,
} from '@st3/parity';
import { createScaffolder, loadContextText, type Language, type Scaffolder } from '@st3/scaffolder';
import { St3Error, type ParitySide } from '@st3/schemas';

/** Both sides render with the same clock, so provenance stamps never decide a verdict. */
const FIXED_NOW = new Date('2026-01-01T00:00:00Z');

const run = defineCommand({
  name: 'run',
  summary:
    'render every case of a parity suite with both sides (v1 and v2 pipelines, or two template versions) and judge them',
  description:
    'Categories: pass (equal after normalization), improvement (v1 broken, v2 rejects the input cleanly), ' +
    'regression (v1 fine, v2 fails), fail (outputs differ). Speed is a verdict too: v2/v1 median above 1.2 or p95 ' +
    'above 1.3 fails the suite (interleaved renders; a doubtful first measurement is settled by a 4x larger one). ' +
    "A side's workspace: (relative to the suite) must be a folder holding .st3/, else exit 2 at that line of suite.yaml. " +
    'Exit 1 on any fail, regression or speed failure, and when speed was not measured (no case renders on both ' +
    'sides, too few samples): a speed requirement with no data is not met (--no-speed skips it on purpose).',
  args: [
    {
      name: 'suite-dir',
      description: 'a folder with suite.yaml (optional) and cases/*.yaml, or a folder of such folders',
      required: true,
      complete: 'directory',
    },
  ],
  options: {
    repeat: {
      type: 'number',
      integer: true,
      min: 1,
      description: "renders per case and side, for the timing figures (default: the suite's repeat, else 1)",
    },
    samples: {
      type: 'number',
      integer: true,
      min: 100,
      valueName: 'N',
      description:
        'renders per side for the speed verdict (default 1000; a doubtful result is settled with 4x as many)',
    },
    'no-speed': {
      type: 'boolean',
      description: 'skip the speed verdict (v2/v1 median <= 1.2, p95 <= 1.3); reported as skipped, never as a pass',
    },
  },
  examples: [
    'st3 parity run packages/scaffolder/parity-suites/dto',
    'st3 parity run packages/scaffolder/parity-suites --json',
    'st3 parity run suites/dto --repeat 20',
  ],
  async run({ values, args, common, io }) {
    const out = createOutput(io, common);
    const dir = resolve(io.cwd, common.cwd ?? '.', args['suite-dir']);
    const dirs = await suiteDirs(dir);
    const reports: SuiteReport[] = [];
    for (const suiteDir of dirs) {
      const suite = await loadParitySuiteOrThrow(suiteDir);
      const { normalizers, unknown } = resolveNormalizers(suite.config.normalizers ?? []);
      if (unknown.length > 0)
        throw new St3Error(
          'E_CONFIG_INVALID',
          `unknown normalizer(s) in ${suiteDir}/suite.yaml: ${unknown.join(', ')}`,
          { hint: 'see the @st3/parity README for the rule names' },
        );
      const [left, right] = await renderers(suite);
      const report = await runParitySuite({
        name: suite.config.name ?? basename(suiteDir),
        cases: suite.cases,
        left,
        right,
        labels: [suite.config.left.label ?? 'v1', suite.config.right.label ?? 'v2'],
        normalizers: suite.config.normalizers ? normalizers : undefined,
        repeat: values.repeat ?? suite.config.repeat,
        warmup: 1,
        signal: io.signal,
        // the seed's v2 <= 1.2x v1 median, <= 1.3x p95 on rendered templates; stored outputs take no time to compare
        speed:
          suite.config.renderer === 'files'
            ? { skip: 'stored outputs, nothing rendered' }
            : values['no-speed']
              ? { skip: '--no-speed' }
              : values.samples !== undefined
                ? { samples: values.samples }
                : {},
      });
      reports.push(report);
      if (!out.json) for (const line of formatSuiteReport(report, { onlyProblems: common.quiet })) out.line(line);
    }
    const ok = reports.every((r) => r.ok);
    if (out.json) out.document(dirs.length === 1 && dirs[0] === dir ? reports[0] : { ok, suites: reports });
    else if (reports.length > 1)
      out.line(
        `${reports.length} suites, ${reports.reduce((n, r) => n + r.cases.length, 0)} cases: ${
          ok
            ? 'ok'
            : `${reports
                .filter((r) => !r.ok)
                .map((r) => r.name)
                .join(', ')} not ok`
        }`,
      );
    return ok ? EXIT.ok : EXIT.problems;
  },
});

const SUITE_MARKERS = ['suite.yaml', 'suite.yml', 'suite.json', 'cases'];

/**
 * A suite folder, or a folder of suites (each subfolder with a suite.yaml or cases/; a symbolic link to
 * a folder counts as one). Nothing is dropped unseen: a folder that cannot be read is `E_FILE_READ`
 * naming it, and a link in a folder of suites that points to nothing is `E_FILE_NOT_FOUND`.
 */
async function suiteDirs(dir: string): Promise<string[]> {
  const info = await statOrNothing(dir);
  if (!info) throw new St3Error('E_FILE_NOT_FOUND', `parity suite folder not found: ${dir}`, { file: dir });
  if (!info.isDirectory())
    throw new St3Error('E_FILE_NOT_FOUND', `not a folder: ${dir}`, {
      file: dir,
      hint: 'pass a folder holding suite.yaml and cases/, or a folder of such folders',
    });
  if (isSuite(await listFolder(dir))) return [dir];
  const subs: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      const target = await statOrNothing(path);
      if (!target)
        throw new St3Error('E_FILE_NOT_FOUND', `${path} is a symbolic link to nothing: a suite there would not run`, {
          file: path,
          hint: 'fix or remove the link',
        });
      isDirectory = target.isDirectory();
    }
    if (isDirectory && isSuite(await listFolder(path))) subs.push(path);
  }
  return subs.length > 0 ? subs.sort() : [dir];
}

const isSuite = (names: readonly string[]) => SUITE_MARKERS.some((n) => names.includes(n));

/** The names in a folder; one that exists but cannot be listed is `E_FILE_READ`, never "not a suite". */
async function listFolder(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    throw readError(dir, error, 'cannot list the folder');
  }
}

/** `stat` that answers undefined for what does not exist and throws `E_FILE_READ` for anything else. */
async function statOrNothing(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw readError(path, error, 'cannot read');
  }
}

function readError(path: string, error: unknown, what: string): St3Error {
  const code = (error as NodeJS.ErrnoException).code;
  return new St3Error(
    'E_FILE_READ',
    `${what} ${path} (${code ?? (error as Error).message}): its suites would not run`,
    {
      file: path,
      hint: 'fix its permissions, or pass only the suites to run',
      cause: error,
    },
  );
}

async function renderers(suite: LoadedSuite): Promise<[Renderer, Renderer]> {
  if (suite.config.renderer === 'files') return [storedRenderer('left'), storedRenderer('right')];
  // A case the scaffolder cannot render on either side is the suite's mistake, not a verdict: refused
  // before anything renders (it read as an "improvement", both sides failing the same way).
  const untyped = suite.cases.find((c) => !c.data.type);
  if (untyped)
    throw new St3Error('E_CONFIG_INVALID', `case ${untyped.id} has no artifact type`, {
      file: untyped.file,
      line: 1,
      column: 1,
      hint: 'add `type: dto` (or another artifact type) to the case file',
    });
  // both sides are checked before either renders: a typo in one never leaves it on the built-in templates
  const workspaces = [await sideWorkspace(suite, 'left'), await sideWorkspace(suite, 'right')] as const;
  return [
    await scaffoldRenderer(suite.config.left, workspaces[0]),
    await scaffoldRenderer(suite.config.right, workspaces[1]),
  ];
}

/**
 * The folder a side's `workspace:` names (relative to the suite), which must exist and hold a `.st3/`: a
 * side whose workspace is missing would silently render the built-in templates, and two such sides would
 * "pass" as identical. Errors point at the `workspace:` value in suite.yaml.
 */
async function sideWorkspace(suite: LoadedSuite, key: 'left' | 'right'): Promise<string | undefined> {
  const given = suite.config[key].workspace;
  if (given === undefined) return undefined;
  const dir = resolve(suite.dir, given);
  const problem = !existsSync(dir)
    ? { code: 'E_FILE_NOT_FOUND', what: 'does not exist' }
    : !statSync(dir).isDirectory()
      ? { code: 'E_CONFIG_INVALID', what: 'is not a folder' }
      : !existsSync(join(dir, '.st3'))
        ? { code: 'E_CONFIG_INVALID', what: 'holds no .st3/ (its templates would be the built-in ones)' }
        : undefined;
  if (!problem) return dir;
  const where = await locateInSuite(suite.dir, [key, 'workspace']);
  throw new St3Error(problem.code, `${key}.workspace "${given}" ${problem.what}: ${dir}`, {
    ...where,
    hint: 'workspace: is a folder relative to the suite, whose .st3/templates/ override the built-in templates',
  });
}

/** The suite config file and the line:col of the value at `path` in it (the folder alone when there is none). */
async function locateInSuite(
  dir: string,
  path: (string | number)[],
): Promise<{ file: string; line?: number; column?: number }> {
  const name = ['suite.yaml', 'suite.yml', 'suite.json'].find((n) => existsSync(join(dir, n)));
  if (!name) return { file: dir };
  const file = join(dir, name);
  const pos = loadContextText(await readFile(file, 'utf8'), file).source?.locate(path);
  return { file, ...(pos ? { line: pos.line, column: pos.column } : {}) };
}

async function scaffoldRenderer(side: ParitySide, workspace: string | undefined): Promise<Renderer> {
  const scaffolder: Scaffolder = await createScaffolder({ workspace, now: () => FIXED_NOW });
  const pipeline = side.pipeline === 'loose' || side.pipeline === 'v1' ? 'v1' : 'v2';
  return (c) => {
    if (!c.data.type)
      throw new St3Error('E_CONFIG_INVALID', `case ${c.id} has no artifact type`, {
        file: c.file,
        hint: 'add `type: dto` (or another artifact type)',
      });
    const result = scaffolder.render({
      type: c.data.type,
      name: c.data.artifact_name ?? 'Example',
      context: c.data.context,
      pipeline,
      language: c.data.language as Language | undefined,
      withTest: c.data.with_test,
      now: FIXED_NOW,
    });
    const files = result.files.map((f) => ({ path: f.path, content: f.content }));
    // ephemeral text is named like its template's output (a commit message is plain text, a PR body Markdown)
    if (result.ephemeral !== undefined)
      files.push({
        path: `${c.data.type}.ephemeral.${c.data.type === 'commit' ? 'txt' : 'md'}`,
        content: result.ephemeral,
      });
    return { files, warnings: result.warnings.filter((w) => w.severity === 'warning').map((w) => w.message) };
  };
}

const compare = defineCommand({
  name: 'compare',
  summary:
    'compare two files: identical, equivalent after normalization (naming the rules), or different (with a diff)',
  args: [
    { name: 'left-file', description: 'the first output', required: true },
    { name: 'right-file', description: 'the second output', required: true },
  ],
  options: {
    language: {
      type: 'enum',
      choices: ['typescript', 'python', 'markdown', 'yaml', 'json', 'text'],
      description: 'the normalizers to apply (default: from the file extension)',
    },
  },
  examples: ['st3 parity compare old/user.ts new/user.ts', 'st3 parity compare a.py b.py --json'],
  async run({ values, args, common, io }) {
    const positionals = [args['left-file'], args['right-file']];
    const out = createOutput(io, common);
    const base = resolve(io.cwd, common.cwd ?? '.');
    const verdict = await compareFiles(resolve(base, positionals[0]!), resolve(base, positionals[1]!), {
      labels: [positionals[0]!, positionals[1]!],
      ...(values.language ? { language: values.language } : {}),
    });
    if (out.json) out.document({ ok: verdict.kind !== 'different', ...verdict });
    else {
      out.line(describeVerdict(verdict));
      if (verdict.kind === 'different') out.line(verdict.diff.trimEnd());
    }
    return verdict.kind === 'different' ? EXIT.problems : EXIT.ok;
  },
});

export const command = defineCommand({
  name: 'parity',
  summary: 'prove that two renderings are equivalent: parity suites (v1 vs v2) and file comparisons',
  subcommands: { run, compare },
  examples: [...run.examples, ...compare.examples],
});
