import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Output } from '@st3/cli-kit';
import {
  buildGraphFromAtoms,
  loadGraphDocument,
  mergeDocuments,
  readTsconfigPaths,
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

// The tsconfig `paths` reader lives in @st3/dep-graph, shared with the MCP tools; re-exported for the stages here.
export { readTsconfigPaths };

type AtomizerModule = typeof Atomizer;

/**
 * Source paths go through `@st3/atomizer` (imported only when needed: it loads the TypeScript
 * compiler and tree-sitter). Files that cannot be atomized are reported as warnings and left out;
 * when no file is left, E_ATOMIZE_NO_FILES (as `st3 atomize` says it): an empty graph is no verdict.
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
  let skipped = 0;
  for await (const result of atomizer.atomizeProject(paths, {
    cwd: root,
    mode: 'atomize',
    ...(options.cache === false ? { cache: false } : {}),
  })) {
    if (result.ok) files.push(result.record);
    else {
      skipped++;
      options.out?.diagnostic(
        result.skipped.diagnostic ?? {
          code: 'E_GRAPH_INPUT',
          severity: 'warning',
          file: result.path,
          message: `skipped: ${result.skipped.reason}`,
        },
      );
    }
  }
  if (files.length === 0) {
    const given = paths.map((p) => relative(root, p) || '.').join(' ');
    throw skipped === 0
      ? new St3Error('E_ATOMIZE_NO_FILES', `no source files matched ${given}`, {
          hint: 'files ignored by .gitignore are skipped',
        })
      : new St3Error('E_ATOMIZE_NO_FILES', `no source file of ${given} could be atomized (${skipped} skipped)`, {
          hint: 'the skipped files are listed above; TypeScript, JavaScript and Python are atomized',
        });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files };
}
