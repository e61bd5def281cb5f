import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Output } from '@st3/cli-kit';
import {
  buildGraphFromAtoms,
  loadGraphDocument,
  mergeDocuments,
  type BuiltGraph,
  type GraphDocument,
  type ResolveOptions,
} from '@st3/dep-graph';
import type * as Atomizer from '@st3/atomizer';
import { errorFromDiagnostics, St3Error, type AtomizeOutput, type GraphInput } from '@st3/schemas';

/** What the graph verbs read from their positional arguments. */
export interface GraphInputs {
  atoms?: AtomizeOutput;
  /** The graph to analyse: built from atoms, given directly, or both merged. */
  graph: GraphInput;
  built?: BuiltGraph;
  resolve: ResolveOptions;
}

const DOCUMENT = /\.(json|ya?ml)$/i;

/**
 * Loads `st3 atomize --json` output and `{nodes, edges}` graphs (by extension .json/.yaml), and
 * source files or folders through the atomizer. Every problem becomes an St3Error with file:line.
 */
export async function loadGraphInputs(
  paths: readonly string[],
  options: { cwd: string; root: string; tsconfig?: string; out: Output; usage: string },
): Promise<GraphInputs> {
  if (paths.length === 0) throw new St3Error('E_GRAPH_INPUT', 'no input given', { hint: `usage: ${options.usage}` });
  const docs: GraphDocument[] = [];
  const sources: string[] = [];
  for (const p of paths) {
    const abs = resolve(options.cwd, p);
    if (!existsSync(abs))
      throw new St3Error('E_FILE_NOT_FOUND', `input not found: ${p}`, {
        file: p,
        hint: 'check the path (relative paths are resolved from --cwd)',
      });
    if (DOCUMENT.test(p) && statSync(abs).isFile()) {
      const result = await loadGraphDocument(abs, p);
      for (const w of result.warnings) options.out.diagnostic(w);
      if (result.errors.length > 0 || !result.value) {
        const code = result.errors[0]?.code ?? 'E_GRAPH_INPUT';
        throw errorFromDiagnostics(code, `cannot read ${p}`, result.errors);
      }
      docs.push(result.value);
    } else {
      sources.push(abs);
    }
  }
  // Atom ids are paths relative to the folder the command runs in, as `st3 atomize` writes them,
  // whichever folder above holds `.st3` (the workspace root is only where tsconfig.json is looked for).
  if (sources.length > 0)
    docs.push({ kind: 'atoms', value: await atomizeSources(sources, options.cwd, { out: options.out }) });
  const merged = mergeDocuments(docs);
  const resolveOptions = readTsconfigPaths(
    options.root,
    options.tsconfig ? resolve(options.cwd, options.tsconfig) : undefined,
    options.cwd,
  );
  let built: BuiltGraph | undefined;
  const graph: GraphInput = { nodes: [], edges: [] };
  if (merged.atoms) {
    built = buildGraphFromAtoms(merged.atoms, resolveOptions);
    for (const w of built.warnings) options.out.diagnostic(w);
    append(graph.nodes, built.graph.nodes);
    append(graph.edges, built.graph.edges);
  }
  if (merged.graph) {
    append(graph.nodes, merged.graph.nodes);
    append(graph.edges, merged.graph.edges);
  }
  return { atoms: merged.atoms, graph, built, resolve: resolveOptions };
}

/** `target.push(...items)` without spreading: a graph may have millions of edges (the call stack would overflow). */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

type AtomizerModule = typeof Atomizer;

/**
 * Source paths go through `@st3/atomizer` (imported only when needed: it loads the TypeScript
 * compiler and tree-sitter). Files that cannot be atomized are reported as warnings and left out.
 */
export async function atomizeSources(
  paths: string[],
  root: string,
  options: { cache?: boolean; out?: Output } = {},
): Promise<AtomizeOutput> {
  let atomizer: AtomizerModule;
  try {
    atomizer = await import('@st3/atomizer');
  } catch (error) {
    throw new St3Error('E_GRAPH_NO_ATOMIZER', `cannot load the atomizer: ${(error as Error).message}`, {
      hint: 'pass `st3 atomize --json` output instead: st3 atomize src --json > atoms.json && st3 graph atoms.json',
    });
  }
  const files: AtomizeOutput['files'] = [];
  for await (const result of atomizer.atomizeProject(paths, {
    cwd: root,
    mode: 'atomize',
    ...(options.cache === false ? { cache: false } : {}),
  })) {
    if (result.ok) files.push(result.record);
    else
      options.out?.diagnostic(
        result.skipped.diagnostic ?? {
          code: 'E_GRAPH_INPUT',
          severity: 'warning',
          file: result.path,
          message: `skipped: ${result.skipped.reason}`,
        },
      );
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files };
}

/**
 * `compilerOptions.paths`/`baseUrl` of the workspace tsconfig (JSON with comments), baseUrl made relative to
 * `base`, the folder the atoms' paths are relative to (default the root).
 */
export function readTsconfigPaths(root: string, explicit?: string, base = root): ResolveOptions {
  const file = explicit ?? resolve(root, 'tsconfig.json');
  if (!existsSync(file)) {
    if (explicit) throw new St3Error('E_FILE_NOT_FOUND', `tsconfig not found: ${explicit}`, { file: explicit });
    return {};
  }
  let config: { compilerOptions?: { paths?: Record<string, string[]>; baseUrl?: string } };
  try {
    config = JSON.parse(stripJsonComments(readFileSync(file, 'utf8'))) as typeof config;
  } catch (error) {
    throw new St3Error('E_PARSE', `cannot parse ${relative(root, file)}: ${(error as Error).message}`, { file });
  }
  const co = config.compilerOptions ?? {};
  const dir = dirname(file);
  const baseUrl = resolve(dir, co.baseUrl ?? '.');
  const rel = relative(base, baseUrl).split(sep).join('/') || '.';
  return {
    ...(co.paths ? { paths: co.paths } : {}),
    ...(co.baseUrl !== undefined || co.paths ? { baseUrl: rel } : {}),
  };
}

/** Removes // and /* comments and trailing commas outside strings. */
function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
