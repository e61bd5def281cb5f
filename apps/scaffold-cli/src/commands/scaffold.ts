import { resolve } from 'node:path';
import {
  createOutput,
  defineCommand,
  defineOptions,
  EXIT,
  parseKeyValues,
  resolveWorkspace,
  type CliIO,
  type Output,
  type RunContext,
  type Values,
} from '@st3/cli-kit';
import { St3Error, type Diagnostic } from '@st3/schemas';
import {
  checkFiles,
  contextJsonSchema,
  createScaffolder,
  loadContextFile,
  renderedFileOrigin,
  schemaFirstFromEnv,
  writeRendered,
  type ContextSource,
  type OverwritePolicy,
  type PlannedChange,
  type RenderResult,
  type Scaffolder,
} from '@st3/scaffolder';
import { command as batch } from './batch.js';
import { askFor, canPrompt } from './prompt.js';
import { update } from './update.js';

const createOptions = defineOptions({
  set: {
    type: 'string',
    multiple: true,
    valueName: 'key=value',
    description:
      'a context value; one starting with [, { or " is JSON and must parse (a string starting with [ is written "[..]")',
  },
  context: { type: 'string', valueName: 'FILE', description: 'context from a JSON or YAML file (--set wins)' },
  out: {
    type: 'string',
    valueName: 'PATH',
    description: 'output file (or folder ending in /); default from the artifact registry',
  },
  lang: { type: 'enum', choices: ['ts', 'py'], description: 'language of code artifacts' },
  pipeline: {
    type: 'enum',
    choices: ['v1', 'v2'],
    description:
      'loose (v1) or schema-first (v2); default from ST3_SCHEMA_FIRST, else artifacts.yaml schema_first, else v2',
  },
  'dry-run': { type: 'boolean', description: 'print CREATE/UPDATE/UNCHANGED (with diffs) and write nothing' },
  force: { type: 'boolean', description: 'overwrite files that exist with other content' },
  'skip-existing': { type: 'boolean', description: 'keep files that exist' },
  'no-test': { type: 'boolean', description: 'do not generate the companion test' },
  telemetry: {
    type: 'boolean',
    description: 'save scaffolder.artifacts{type} to .st3/telemetry/telemetry-scaffold.json',
  },
  task: {
    type: 'string',
    valueName: 'ID',
    description: 'with --telemetry: save it in the task context instead (.st3/tasks/ID/)',
  },
  'no-interactive': {
    type: 'boolean',
    description: 'never ask for missing required fields (asked on a terminal otherwise; never with --json)',
  },
});

type CreateContext = RunContext<Values<typeof createOptions>, { type: string; name: string }>;

async function runCreate({ values, args, common, io }: CreateContext): Promise<number> {
  const out = createOutput(io, common);
  const { type, name } = args;
  if (values.force && values['skip-existing'])
    throw new St3Error('E_USAGE', '--force and --skip-existing exclude each other');
  const ws = resolveWorkspace(io, common);
  const fromFile = values.context ? await readContext(resolve(io.cwd, common.cwd ?? '.', values.context)) : undefined;
  const set = parseKeyValues(values.set, '--set', 'put the context in a file (--context FILE, JSON or YAML)');
  const context = { ...fromFile?.value, ...set };
  // A context error at a value of the file points at its file:line:col; --set values are not in the file.
  const contextSource: ContextSource | undefined = fromFile && {
    ...fromFile.source,
    keys: Object.keys(fromFile.value).filter((k) => !Object.hasOwn(set, k)),
  };
  if (values.task && !values.telemetry)
    throw new St3Error('E_USAGE', '--task goes with --telemetry', { hint: 'add --telemetry' });
  const telemetry = values.telemetry
    ? (await import('@st3/telemetry')).cliTelemetry({
        root: ws.root,
        tool: 'scaffold',
        ...(values.task ? { taskId: values.task } : {}),
      })
    : undefined;
  const scaffolder = await createScaffolder({
    workspace: ws.root,
    registryFile: ws.configPath,
    schemaFirst: schemaFirstFromEnv(io.env),
    ...(telemetry ? { telemetry } : {}),
  });
  reportRegistryWarnings(out, scaffolder.warnings);
  const request = { type, name, context, language: values.lang, pipeline: values.pipeline };
  if (canPrompt(io, out.json, values['no-interactive'])) {
    const missing = scaffolder.promptFields(request);
    if (missing.length > 0) Object.assign(context, await askFor(missing, io));
  }
  const result = scaffolder.render({
    type,
    name,
    context,
    ...(contextSource ? { contextSource } : {}),
    language: values.lang,
    pipeline: values.pipeline,
    outPath: values.out,
    withTest: values['no-test'] ? false : undefined,
  });
  if (telemetry) {
    const file = await telemetry.save();
    if (!common.quiet) io.stderr.write(`telemetry: ${file}\n`);
  }
  for (const w of result.warnings) out.diagnostic(w);
  if (result.ephemeral !== undefined) {
    printEphemeral(out, io, type, result);
    return EXIT.ok;
  }
  const policy: OverwritePolicy = values.force ? 'force' : values['skip-existing'] ? 'skip-if-exists' : 'refuse';
  return writeArtifact(out, scaffolder, result, { root: ws.root, policy, dryRun: values['dry-run'] === true });
}

/** An ephemeral artifact (nothing to write, e.g. a commit message) goes to stdout, or into the JSON document. */
function printEphemeral(out: Output, io: CliIO, type: string, result: RenderResult): void {
  if (out.json)
    out.document({
      ok: true,
      type,
      pipeline: result.pipeline,
      ephemeral: result.ephemeral,
      warnings: result.warnings,
    });
  else io.stdout.write(result.ephemeral!);
}

/**
 * Writes the rendered files (or only plans them with --dry-run) and reports the changes. A dry run
 * that finds a conflict exits with problems; a real run throws on one instead.
 */
async function writeArtifact(
  out: Output,
  scaffolder: Scaffolder,
  result: RenderResult,
  options: { root: string; policy: OverwritePolicy; dryRun: boolean },
): Promise<number> {
  const { dryRun } = options;
  const report = await writeRendered(scaffolder, result, options);
  const files = report.files.map(renderedFileOrigin);
  const { injected } = report;
  if (dryRun) {
    const { changes } = report;
    if (out.json)
      out.document({
        ok: report.ok,
        dryRun: true,
        pipeline: result.pipeline,
        changes,
        files,
        injected,
        warnings: result.warnings,
      });
    else printChanges(out, changes, true);
    return report.ok ? EXIT.ok : EXIT.problems;
  }
  if (out.json)
    out.document({
      ok: true,
      dryRun: false,
      pipeline: result.pipeline,
      changes: report.changes,
      written: report.written,
      files,
      injected,
      warnings: result.warnings,
    });
  else printChanges(out, report.changes, false);
  return EXIT.ok;
}

function printChanges(out: Output, changes: PlannedChange[], dryRun: boolean): void {
  const label: Record<PlannedChange['action'], string> = {
    create: 'CREATE',
    update: 'UPDATE',
    unchanged: 'UNCHANGED',
    skip: 'SKIP',
    conflict: 'CONFLICT',
  };
  for (const c of changes) {
    const tag = label[c.action].padEnd(9);
    const painted =
      c.action === 'create'
        ? out.color.green(tag)
        : c.action === 'update'
          ? out.color.yellow(tag)
          : c.action === 'conflict'
            ? out.color.red(tag)
            : out.color.dim(tag);
    out.line(`${painted} ${c.path}`);
    if (c.diff && (dryRun || c.action === 'update')) out.line(c.diff.trimEnd());
  }
  if (dryRun) out.info(out.color.dim('dry run: nothing was written'));
  if (changes.some((c) => c.action === 'conflict'))
    out.info('conflicting files exist with other content: pass --force to overwrite, or --skip-existing to keep them');
}

/** Registry warnings, with the legacy-field deprecations of the seed registry collapsed to one line per field. */
function reportRegistryWarnings(out: Output, warnings: Diagnostic[]): void {
  const deprecated = new Map<string, Diagnostic[]>();
  for (const w of warnings) {
    const field = w.code === 'W_DEPRECATED' ? String(w.path?.at(-1) ?? '') : '';
    if (!field) {
      out.diagnostic(w);
      continue;
    }
    deprecated.set(field, [...(deprecated.get(field) ?? []), w]);
  }
  for (const [field, list] of deprecated) {
    const first = list[0]!;
    out.diagnostic(
      list.length === 1
        ? first
        : {
            ...first,
            path: undefined,
            message: `"${field}" is deprecated (${list.length} artifact types, first at line ${first.line ?? '?'})`,
          },
    );
  }
}

/** The context file's mapping, and where each of its values is (for located context errors). */
async function readContext(path: string): Promise<{ value: Record<string, unknown>; source: ContextSource }> {
  const loaded = await loadContextFile(path);
  if (!loaded.source) {
    const first = loaded.errors[0];
    throw new St3Error(first?.code ?? 'E_PARSE', `cannot read context: ${first?.message ?? 'not YAML or JSON'}`, {
      file: path,
      line: first?.line,
      column: first?.column,
      diagnostics: loaded.errors,
    });
  }
  const value = loaded.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new St3Error('E_USAGE', 'the context file must hold a mapping (an object)', { file: path });
  return { value: value as Record<string, unknown>, source: loaded.source };
}

const list = defineCommand({
  name: 'list',
  summary: 'list the artifact types, their languages and templates',
  examples: ['st3 scaffold list', 'st3 scaffold list --json'],
  async run({ common, io }) {
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const scaffolder = await createScaffolder({ workspace: ws.root, registryFile: ws.configPath });
    reportRegistryWarnings(out, scaffolder.warnings);
    const types = scaffolder.listArtifactTypes();
    if (out.json) {
      out.document({ ok: true, types: types.map((t) => ({ ...t, contextSchema: contextJsonSchema(t.type) })) });
      return EXIT.ok;
    }
    const width = Math.max(...types.map((t) => t.type.length));
    for (const t of types) {
      const langs =
        t.templates.length === 0
          ? '-'
          : t.languages.length > 0
            ? t.languages.join(',')
            : t.outputType === 'ephemeral'
              ? 'stdout'
              : 'md';
      out.line(
        `${t.type.padEnd(width)}  ${t.family.padEnd(8)} ${langs.padEnd(6)} ${t.templates.length === 0 ? `${out.color.dim('(no template)')} ` : ''}${t.description ?? t.name}`,
      );
    }
    return EXIT.ok;
  },
});

const check = defineCommand({
  name: 'check',
  summary:
    'find generated files by their header: current, modified, outdated (from -> to), unknown, malformed, conflict, error',
  description: [
    'modified: the version is current but the text differs from what its recorded answers generate (a hand edit).',
    'outdated names the version a file came from and the current one of its own language.',
    'Every file recorded in .st3/scaffold/answers.json is judged too: one whose header was deleted, or that is ' +
      'gone, is reported malformed ("provenance header missing", "missing"), as is a header naming another path ' +
      '(a copy) or another version than recorded. Invalid records are E_CONFIG_INVALID (exit 2).',
    'conflict: unresolved conflict markers, or a <file>.rej that scaffold update --reject left beside it.',
    'error: no verdict could be worked out (e.g. the registry no longer holds the recorded type); the reason is given.',
    'Exit 1 when any file is outdated, unknown, malformed, conflict or error. A path outside the workspace is ' +
      'E_PATH_ESCAPE, a folder that cannot be listed E_FILE_READ; .gitignore is honoured and links are not followed.',
    'No generated file in the paths given (or the workspace) is E_SCAFFOLD_NO_FILES (exit 2): checking nothing is no verdict.',
  ],
  args: [{ name: 'paths', description: 'files or folders (default: the workspace)', variadic: true }],
  examples: ['st3 scaffold check', 'st3 scaffold check src docs --json'],
  async run({ args, common, io }) {
    const positionals = args.paths;
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const scaffolder = await createScaffolder({ workspace: ws.root, registryFile: ws.configPath });
    const base = resolve(io.cwd, common.cwd ?? '.');
    const report = await checkFiles(
      ws.root,
      positionals.map((p) => resolve(base, p)),
      scaffolder,
    );
    if (out.json) {
      out.document({ ok: !report.failed, ...report });
      return report.failed ? EXIT.problems : EXIT.ok;
    }
    for (const f of report.files) {
      const tag = f.status.toUpperCase().padEnd(9);
      const painted =
        f.status === 'current'
          ? out.color.green(tag)
          : f.status === 'modified'
            ? out.color.yellow(tag)
            : out.color.red(tag);
      let detail = `${f.artifactType ?? '?'} ${f.version ?? ''}`;
      if (f.status === 'outdated') {
        const from = f.from?.template_id
          ? `${f.from.template_id} ${f.from.version ?? ''}`.trim()
          : `a ${f.artifactType ?? '?'} template`;
        detail += ` -> ${f.currentVersion ?? '?'} (from ${from}${f.from?.created ? ` recorded ${f.from.created}` : ''}${f.modified ? '; edited by hand' : ''})`;
      }
      if (f.status === 'modified') detail += ' (edited since it was generated)';
      if (f.problems) detail += ` - ${f.problems.join('; ')}`;
      if (f.status === 'current') out.info(`${painted} ${f.path}  ${detail}`);
      else out.line(`${painted} ${f.path}  ${detail}`);
    }
    const c = report.counts;
    out.line(
      `${report.files.length} generated file(s): ${c.current} current, ${c.modified} modified, ${c.outdated} outdated, ${c.unknown} unknown, ${c.malformed} malformed, ${c.conflict} conflict, ${c.error} error`,
    );
    return report.failed ? EXIT.problems : EXIT.ok;
  },
});

/** `st3 scaffold <type> <name>` or one of the sub-verbs list / check / batch. */
export const command = defineCommand({
  name: 'scaffold',
  summary: 'scaffold artifacts from versioned templates (list, check, update, batch)',
  description: '--config FILE names the artifact registry to use instead of .st3/config/artifacts.yaml.',
  args: [
    { name: 'type', description: 'the artifact type (see `st3 scaffold list`)', required: true, complete: 'none' },
    { name: 'name', description: 'the artifact name, e.g. UserProfile', required: true, complete: 'none' },
  ],
  options: createOptions,
  subcommands: { list, check, update, batch },
  examples: [
    'st3 scaffold dto UserProfile --set \'fields=[{"name":"id","type":"string"}]\' --dry-run',
    'st3 scaffold service CreateOrder --set service_type=command --lang py',
    'st3 scaffold planning "State Snapshot" --context plan.yaml',
    'st3 scaffold commit "add scaffold check" --set type=feat --set scope=scaffold',
    'st3 scaffold list',
    'st3 scaffold check --json',
    'st3 scaffold update --dry-run',
  ],
  run: runCreate,
});
