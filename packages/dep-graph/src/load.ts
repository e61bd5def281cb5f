import {
  AtomizeOutputSchema,
  GraphInputSchema,
  loadFile,
  loadText,
  type AtomizeOutput,
  type CheckContext,
  type Diagnostic,
  type GraphInput,
  type Result,
} from '@st3/schemas';
import { z } from 'zod';

/** An input document of `st3 graph`: atomizer output or a graph. */
export type GraphDocument =
  { kind: 'atoms'; file?: string; value: AtomizeOutput } | { kind: 'graph'; file?: string; value: GraphInput };

// Any JSON value: a document that is not an object (`[]`, `3`) is told apart by `classify` (E_GRAPH_INPUT, like `{}`).
const AnyValue = z.unknown();

/**
 * Reads a JSON/YAML document and tells which it is: atomizer output (`{files: [...]}`) or a graph
 * (`{nodes, edges}`, including `st3 graph --json` output). Schema problems, unknown node ids in
 * edges and duplicate node ids come back as diagnostics with line and column.
 */
export function parseGraphDocument(text: string, file?: string): Result<GraphDocument> {
  let doc: GraphDocument | undefined;
  const result = loadText(text, {
    file,
    format: file && /\.ya?ml$/i.test(file) ? 'yaml' : 'json',
    schema: AnyValue,
    check: (raw, ctx) => {
      const checked = classify(raw, ctx);
      doc = checked.doc;
      return checked.diagnostics;
    },
  });
  if (result.errors.length > 0 || !doc) {
    const errors =
      result.errors.length > 0
        ? result.errors
        : [
            {
              code: 'E_GRAPH_INPUT',
              severity: 'error' as const,
              file,
              message: 'not atomizer output or a graph',
              hint: 'expected {"files": [...]} or {"nodes": [...], "edges": [...]}',
            },
          ];
    return { warnings: result.warnings, errors };
  }
  return { value: doc, warnings: result.warnings, errors: [] };
}

/** `parseGraphDocument` on a file; a missing or unreadable file is an error diagnostic. */
export async function loadGraphDocument(path: string, file = path): Promise<Result<GraphDocument>> {
  let doc: GraphDocument | undefined;
  const result = await loadFile(path, {
    file,
    format: /\.ya?ml$/i.test(path) ? 'yaml' : 'json',
    schema: AnyValue,
    check: (raw, ctx) => {
      const checked = classify(raw, ctx);
      doc = checked.doc;
      return checked.diagnostics;
    },
  });
  if (result.errors.length > 0 || !doc) return { warnings: result.warnings, errors: result.errors };
  return { value: doc, warnings: result.warnings, errors: [] };
}

function classify(value: unknown, ctx: CheckContext): { doc?: GraphDocument; diagnostics: Diagnostic[] } {
  const raw = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<
    string,
    unknown
  >;
  const at = (path: (string | number)[]): Pick<Diagnostic, 'file' | 'line' | 'column' | 'path'> => {
    const pos = ctx.locate(path);
    return { file: ctx.file, line: pos?.line, column: pos?.column, path };
  };
  if (Array.isArray(raw.files)) {
    const parsed = AtomizeOutputSchema.safeParse(raw);
    if (!parsed.success) return { diagnostics: zodDiagnostics(parsed.error.issues, at) };
    return { doc: { kind: 'atoms', file: ctx.file, value: parsed.data }, diagnostics: [] };
  }
  if (Array.isArray(raw.nodes) || Array.isArray(raw.edges)) {
    const parsed = GraphInputSchema.safeParse({ nodes: [], edges: [], ...raw });
    if (!parsed.success) return { diagnostics: zodDiagnostics(parsed.error.issues, at) };
    const diagnostics: Diagnostic[] = [];
    const ids = new Set<string>();
    parsed.data.nodes.forEach((node, i) => {
      if (ids.has(node.id))
        diagnostics.push({
          code: 'E_GRAPH_DUPLICATE_NODE',
          severity: 'error',
          message: `duplicate node id "${node.id}"`,
          hint: 'node ids must be unique',
          ...at(['nodes', i, 'id']),
        });
      ids.add(node.id);
    });
    parsed.data.edges.forEach((edge, i) => {
      for (const end of ['from', 'to'] as const) {
        if (!ids.has(edge[end]))
          diagnostics.push({
            code: 'E_GRAPH_UNKNOWN_NODE',
            severity: 'error',
            message: `edge ${end} "${edge[end]}" is not a node id`,
            hint: 'add the node to "nodes" or fix the id',
            ...at(['edges', i, end]),
          });
      }
    });
    return { doc: { kind: 'graph', file: ctx.file, value: parsed.data }, diagnostics };
  }
  return {
    diagnostics: [
      {
        code: 'E_GRAPH_INPUT',
        severity: 'error',
        file: ctx.file,
        line: 1,
        column: 1,
        message: 'not atomizer output or a graph',
        hint: 'expected {"files": [...]} (st3 atomize --json) or {"nodes": [...], "edges": [...]}',
      },
    ],
  };
}

function zodDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  at: (path: (string | number)[]) => Pick<Diagnostic, 'file' | 'line' | 'column' | 'path'>,
): Diagnostic[] {
  return issues.slice(0, 50).map((issue) => ({
    code: 'E_SCHEMA',
    severity: 'error' as const,
    message: issue.message,
    ...at(issue.path.filter((p): p is string | number => typeof p !== 'symbol')),
  }));
}

/** Concatenates several documents into one graph (atoms docs are merged into one atomizer output first). */
export function mergeDocuments(docs: readonly GraphDocument[]): { atoms?: AtomizeOutput; graph?: GraphInput } {
  const atomFiles = docs.filter((d) => d.kind === 'atoms').flatMap((d) => (d.value as AtomizeOutput).files);
  const graphs = docs.filter((d): d is Extract<GraphDocument, { kind: 'graph' }> => d.kind === 'graph');
  const out: { atoms?: AtomizeOutput; graph?: GraphInput } = {};
  if (atomFiles.length > 0 || docs.some((d) => d.kind === 'atoms')) out.atoms = { files: atomFiles };
  if (graphs.length > 0)
    out.graph = { nodes: graphs.flatMap((g) => g.value.nodes), edges: graphs.flatMap((g) => g.value.edges) };
  return out;
}
