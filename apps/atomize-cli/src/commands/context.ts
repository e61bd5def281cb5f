import { existsSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { CliIO, Output } from '@st3/cli-kit';
import type { AtomizedFileRecord, AtomContextView, ContextFile, ProjectOptions } from '@st3/atomizer';
import { errorFromDiagnostics, St3Error, type Diagnostic } from '@st3/schemas/errors';

/** The file an atom id names (`path#Lstart-Lend@hash`). */
function fileOfId(id: string): string {
  const m = /^(.+)#L\d+-L\d+@[0-9a-f]+$/.exec(id);
  if (!m)
    throw new St3Error('E_USAGE', `"${id}" is not an atom id`, {
      hint: 'atom ids look like src/store.ts#L12-L24@3f9a1c2b7d (see `st3 atomize --json`)',
    });
  return m[1]!;
}

/**
 * The files of an `st3 atomize --json` document, checked against its schema: a truncated or hand-made
 * document is a located error (E_PARSE, E_GRAPH_INPUT), not a crash while its atom is looked up.
 */
async function readAtomsDocument(abs: string, shown: string): Promise<ContextFile[]> {
  const { AtomizeOutputSchema, loadFile } = await import('@st3/schemas');
  const loaded = await loadFile(abs, { file: shown, schema: AtomizeOutputSchema });
  if (loaded.value) return loaded.value.files as ContextFile[];
  const code = loaded.errors[0]?.code === 'E_SCHEMA' ? 'E_GRAPH_INPUT' : (loaded.errors[0]?.code ?? 'E_GRAPH_INPUT');
  throw errorFromDiagnostics(code, `${shown} is not \`st3 atomize --json\` output`, loaded.errors);
}

/** How source paths are atomized: as `st3 atomize` did when it printed the id (ids depend on these). */
export type DecompositionOptions = Pick<
  ProjectOptions,
  'targetLoc' | 'maxLoc' | 'maxComplexity' | 'language' | 'complexityVariant' | 'workers' | 'cache'
>;

/**
 * The files to look the atom up in: `st3 atomize --json` documents given as paths, source paths
 * atomized now (the project's files, so imports are followed across them), or else the atom's own file.
 */
async function contextFiles(
  id: string,
  paths: readonly string[],
  cwd: string,
  out: Output,
  signal: AbortSignal,
  decomposition: DecompositionOptions,
): Promise<ContextFile[]> {
  const files: ContextFile[] = [];
  const sources: string[] = [];
  // Checked before any file is read: a reference that is no atom id is a usage error, with paths or without.
  const own = fileOfId(id);
  for (const p of paths.length > 0 ? paths : [own]) {
    const abs = resolve(cwd, p);
    if (/\.json$/i.test(p) && existsSync(abs) && statSync(abs).isFile())
      files.push(...(await readAtomsDocument(abs, p)));
    else sources.push(p);
  }
  if (sources.length > 0) {
    const { atomizeProject } = await import('@st3/atomizer');
    for await (const r of atomizeProject(sources, { ...decomposition, cwd, signal })) {
      if (r.ok) files.push(r.record as AtomizedFileRecord);
      else out.warn(`${r.path}: ${r.skipped.reason}`);
    }
  }
  return files;
}

/** `st3 atomize --context ID [paths…] [--budget N] [--json]`: the atom's context as an agent receives it. */
export async function printContext(
  id: string,
  paths: readonly string[],
  options: {
    cwd: string;
    budget?: number;
    json: boolean;
    out: Output;
    io: CliIO;
    atomize: DecompositionOptions;
  },
): Promise<void> {
  const files = await contextFiles(id, paths, options.cwd, options.out, options.io.signal, options.atomize);
  const { atomContext, createModuleResolver } = await import('@st3/atomizer');
  // Ids are relative to the folder atomize ran in: an id written with other separators, or as `./src/…`
  // (a shell's completion), still matches — as the MCP tool takes it.
  const wanted = id
    .split(sep)
    .join('/')
    .replace(/^(\.\/)+/, '');
  const resolveImport = createModuleResolver(files.map((f) => f.path));
  const view: AtomContextView = atomContext(wanted, {
    files,
    resolveImport,
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
  });
  // The atom's file's diagnostics (a syntax error in its lines also lowers its completeness).
  const own = files.find((f) => f.path === view.atom.path) as { diagnostics?: Diagnostic[] } | undefined;
  for (const d of own?.diagnostics ?? []) options.out.diagnostic(d);
  if (options.json) options.out.document(view);
  else options.io.stdout.write(view.markdown);
  if (view.overBudget)
    options.out.warn(
      `the atom's header and code take ${view.tokens} tokens, over the budget of ${options.budget}: every other part was dropped`,
    );
}
