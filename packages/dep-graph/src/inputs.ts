import { statSync, type Stats } from 'node:fs';
import { relative, resolve } from 'node:path';
import type * as Atomizer from '@st3/atomizer';
import { errorFromDiagnostics, St3Error, type AtomizeOutput, type Diagnostic, type GraphInput } from '@st3/schemas';
import { buildGraphFromAtoms, type BuiltGraph } from './build/atoms.js';
import { readTsconfigPaths } from './build/tsconfig-paths.js';
import { loadGraphDocument, mergeDocuments, type GraphDocument } from './load.js';
import type { ResolveOptions } from '@st3/atomizer';

/** A source file the atomizer could not read or parse: it is in no atom, so nothing about it is known. */
export interface SkippedSource {
  /** As the atomizer names it (relative to the folder atom ids are relative to). */
  path: string;
  reason: string;
}

/** How the atomizer runs on source paths (its defaults otherwise: cache in `.st3/cache/atomizer`, workers for 16 files or more). */
export interface AtomizeSourcesOptions {
  /** `false` disables the content-hash cache. */
  cache?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; path: string }) => void;
  /**
   * Told each file left out (a warning diagnostic) as it is found, then the diagnostics of the files atomized
   * (syntax errors, bytes not UTF-8: such a file is in the graph only as far as it parsed), in path order.
   */
  onDiagnostic?: (diagnostic: Diagnostic) => void;
}

/** Atomizer output of source paths, and the files it had to leave out. */
export interface AtomizedSources extends AtomizeOutput {
  skipped: SkippedSource[];
}

export interface GraphInputOptions extends Omit<AtomizeSourcesOptions, 'onDiagnostic'> {
  /** Relative paths are resolved from here, and atom ids are relative to it. */
  cwd: string;
  /** The workspace root: where `tsconfig.json` is looked for when `tsconfig` is not given. */
  root: string;
  /** Resolve tsconfig `paths` from this file (resolved as the inputs are). */
  tsconfig?: string;
  /** A path argument made absolute (default: resolved from `cwd`); may throw to refuse it (a path leaving a workspace). */
  resolvePath?: (path: string) => string;
  /** How a document is named in diagnostics (default: as given). */
  name?: (path: string) => string;
  /** How to call the command, for the hint when no input is given. */
  usage?: string;
  /**
   * Told every warning as it is found: document warnings, skipped sources, the diagnostics of the files
   * atomized or listed in an atoms document (syntax errors), unresolved imports.
   */
  onDiagnostic?: (diagnostic: Diagnostic) => void;
}

/** What the graph verbs read from their inputs. */
export interface GraphInputs {
  atoms?: AtomizeOutput;
  /** The graph to analyse: built from atoms, given directly, or both merged. */
  graph: GraphInput;
  built?: BuiltGraph;
  /** tsconfig `paths`/`baseUrl` the imports were resolved with. */
  resolve: ResolveOptions;
  /**
   * Source files left out because they could not be atomized (binary, unreadable, unknown language), and
   * those an atoms document lists as skipped: whatever is said of the inputs does not cover them.
   */
  skipped: SkippedSource[];
  /** Every warning, as told to `onDiagnostic`. */
  warnings: Diagnostic[];
}

const DOCUMENT = /\.(json|ya?ml)$/i;

/**
 * The inputs of `st3 graph`, `st3 waves`, `st3 validate-plan`, `st3 execute` and their MCP tools:
 * `.json`/`.yaml` files are atomizer output or `{nodes, edges}` graphs (`loadGraphDocument`), anything
 * else is atomized (`atomizeSources`); the documents are merged and atoms become a graph, imports
 * resolved with the tsconfig `paths`. Every problem is an St3Error with file:line:col; files the
 * atomizer skipped are listed in `skipped` (and told as warnings), never silently dropped.
 */
export async function loadGraphInputs(paths: readonly string[], options: GraphInputOptions): Promise<GraphInputs> {
  if (paths.length === 0)
    throw new St3Error('E_GRAPH_INPUT', 'no input given', options.usage ? { hint: `usage: ${options.usage}` } : {});
  const warnings: Diagnostic[] = [];
  const warn = (d: Diagnostic) => {
    warnings.push(d);
    options.onDiagnostic?.(d);
  };
  const absolute = options.resolvePath ?? ((p: string) => resolve(options.cwd, p));
  // Read first: a tsconfig that is missing or unreadable fails before any atomizing.
  const resolveOptions = readTsconfigPaths(
    options.root,
    options.tsconfig !== undefined ? absolute(options.tsconfig) : undefined,
    options.cwd,
  );
  const { docs, sources } = await readDocuments(paths, absolute, options.name ?? ((p) => p), warn);
  const skipped = docs.flatMap(skippedOf);
  if (sources.length > 0) {
    const atomized = await atomizeSources(sources, options.cwd, { ...atomizerOptions(options), onDiagnostic: warn });
    docs.push({ kind: 'atoms', value: { files: atomized.files } });
    append(skipped, atomized.skipped);
  }
  const merged = mergeDocuments(docs);
  const graph: GraphInput = { nodes: [], edges: [] };
  let built: BuiltGraph | undefined;
  if (merged.atoms) {
    built = buildGraphFromAtoms(merged.atoms, resolveOptions);
    for (const w of built.warnings) warn(w);
    append(graph.nodes, built.graph.nodes);
    append(graph.edges, built.graph.edges);
  }
  if (merged.graph) {
    append(graph.nodes, merged.graph.nodes);
    append(graph.edges, merged.graph.edges);
  }
  return {
    ...(merged.atoms ? { atoms: merged.atoms } : {}),
    graph,
    ...(built ? { built } : {}),
    resolve: resolveOptions,
    skipped,
    warnings,
  };
}

/** The documents among `paths` read (located errors thrown), and the other paths: sources to atomize. */
async function readDocuments(
  paths: readonly string[],
  absolute: (path: string) => string,
  name: (path: string) => string,
  warn: (d: Diagnostic) => void,
): Promise<{ docs: GraphDocument[]; sources: string[] }> {
  const docs: GraphDocument[] = [];
  const sources: string[] = [];
  for (const p of paths) {
    const abs = absolute(p);
    const info = statIfAny(abs);
    if (!info)
      throw new St3Error('E_FILE_NOT_FOUND', `input not found: ${p}`, {
        file: p,
        hint: 'check the path (relative paths are resolved from the folder the command runs in)',
      });
    if (!info.isFile() || !DOCUMENT.test(p)) {
      sources.push(abs);
      continue;
    }
    const file = name(p);
    const result = await loadGraphDocument(abs, file);
    for (const w of result.warnings) warn(w);
    if (result.errors.length > 0 || !result.value)
      throw errorFromDiagnostics(result.errors[0]?.code ?? 'E_GRAPH_INPUT', `cannot read ${file}`, result.errors);
    // Its files' syntax errors, as `atomizeSources` tells those of the files it atomizes.
    if (result.value.kind === 'atoms')
      for (const f of result.value.value.files) for (const d of diagnosticsOf(f)) warn(d);
    docs.push(result.value);
  }
  return { docs, sources };
}

/** The file's stat, or undefined when there is none to see (missing, or a folder on the way that cannot be searched). */
function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The `skipped` list an atoms document (`st3 atomize --json`) carries: files it holds no atoms of. */
function skippedOf(doc: GraphDocument): SkippedSource[] {
  const listed = doc.kind === 'atoms' ? (doc.value as { skipped?: unknown }).skipped : undefined;
  if (!Array.isArray(listed)) return [];
  return listed.flatMap((s: unknown) => {
    const { path, reason } = (s ?? {}) as { path?: unknown; reason?: unknown };
    return typeof path === 'string' ? [{ path, reason: typeof reason === 'string' ? reason : 'skipped' }] : [];
  });
}

function atomizerOptions(options: AtomizeSourcesOptions): AtomizeSourcesOptions {
  return {
    ...(options.cache !== undefined ? { cache: options.cache } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}

/**
 * The well-formed diagnostics a file record carries (the atomizer's syntax errors and bytes not UTF-8; an atoms
 * document may hold anything there), with the fields a `Diagnostic` has.
 */
function diagnosticsOf(file: object): Diagnostic[] {
  const listed = (file as { diagnostics?: unknown }).diagnostics;
  if (!Array.isArray(listed)) return [];
  return listed.flatMap((d: unknown): Diagnostic[] => {
    const { code, severity, message, file: at, line, column, hint } = (d ?? {}) as Record<string, unknown>;
    if (typeof code !== 'string' || typeof message !== 'string') return [];
    if (severity !== 'error' && severity !== 'warning') return [];
    return [
      {
        code,
        severity,
        message,
        ...(typeof at === 'string' ? { file: at } : {}),
        ...(typeof line === 'number' ? { line } : {}),
        ...(typeof column === 'number' ? { column } : {}),
        ...(typeof hint === 'string' ? { hint } : {}),
      },
    ];
  });
}

/** `target.push(...items)` without spreading: a graph may have millions of edges (the call stack would overflow). */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

type AtomizerModule = typeof Atomizer;

/**
 * Source paths (absolute, or relative to `root`) through `@st3/atomizer` (imported only now: it loads the
 * TypeScript compiler and tree-sitter), paths in the records relative to `root`. Files that cannot be
 * atomized are listed in `skipped` and told to `onDiagnostic`, and so are the diagnostics of the files
 * atomized (syntax errors); when no file is left, E_ATOMIZE_NO_FILES (as `st3 atomize` says it): an empty
 * graph is no verdict.
 */
export async function atomizeSources(
  paths: readonly string[],
  root: string,
  options: AtomizeSourcesOptions = {},
): Promise<AtomizedSources> {
  let atomizer: AtomizerModule;
  try {
    atomizer = await import('@st3/atomizer');
  } catch (error) {
    throw new St3Error('E_GRAPH_NO_ATOMIZER', `cannot load the atomizer: ${(error as Error).message}`, {
      hint: 'pass `st3 atomize --json` output instead: st3 atomize src --json > atoms.json && st3 graph atoms.json',
    });
  }
  const files: AtomizeOutput['files'] = [];
  const skipped: SkippedSource[] = [];
  for await (const result of atomizer.atomizeProject([...paths], {
    cwd: root,
    mode: 'atomize',
    ...(options.cache === false ? { cache: false } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  })) {
    if (result.ok) {
      files.push(result.record);
      continue;
    }
    skipped.push({ path: result.path, reason: result.skipped.reason });
    options.onDiagnostic?.(
      result.skipped.diagnostic ?? {
        code: 'E_GRAPH_INPUT',
        severity: 'warning',
        file: result.path,
        message: `skipped: ${result.skipped.reason}`,
      },
    );
  }
  if (files.length === 0)
    throw atomizer.nothingAtomized(
      paths.map((p) => relative(root, resolve(root, p)) || '.'),
      skipped,
    );
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // A file with syntax errors is in the graph only as far as it parsed (its imports and calls may be
  // missing), which the graph alone cannot show. Told once sorted: workers finish in any order.
  for (const file of files) for (const d of diagnosticsOf(file)) options.onDiagnostic?.(d);
  return { files, skipped };
}
