import { statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import {
  analyzeGraph,
  buildGraphFromAtoms,
  exportGraph,
  loadGraphDocument,
  mergeDocuments,
  type ExportFormat,
  type GraphDocument,
} from '@st3/dep-graph';
import { errorFromDiagnostics, St3Error, type AtomizeOutput, type Diagnostic, type GraphInput } from '@st3/schemas';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resolveInside } from '../paths.js';
import { plural } from '../results.js';
import { atomizeRecords } from './atomize.js';

const DOCUMENT = /\.(json|ya?ml)$/i;

/**
 * `dependency_graph`: source paths are atomized, `.json`/`.yaml` inputs are read as atomizer output
 * or `{nodes, edges}` graphs; the merged graph is analysed (cycles, cut edges, waves, critical path).
 * The second content item is the export: the analysis JSON, DOT or Mermaid.
 */
export async function dependencyGraph(
  root: string,
  args: { paths: string[]; format?: ExportFormat },
  signal?: AbortSignal,
): Promise<CallToolResult> {
  const docs: GraphDocument[] = [];
  const sources: string[] = [];
  const warnings: Diagnostic[] = [];
  for (const p of args.paths) {
    const abs = resolveInside(root, p);
    const info = statSync(abs, { throwIfNoEntry: false });
    if (!info)
      throw new St3Error('E_FILE_NOT_FOUND', `input not found: ${p}`, {
        file: p,
        hint: 'paths are relative to the workspace root',
      });
    if (info.isFile() && DOCUMENT.test(p)) {
      const file = relative(root, abs).split(sep).join('/');
      const loaded = await loadGraphDocument(abs, file);
      warnings.push(...loaded.warnings);
      if (loaded.errors.length > 0 || !loaded.value)
        throw errorFromDiagnostics(loaded.errors[0]?.code ?? 'E_GRAPH_INPUT', `cannot read ${file}`, loaded.errors);
      docs.push(loaded.value);
    } else sources.push(p);
  }
  if (sources.length > 0) {
    const atoms = await atomizeRecords(root, sources, { signal });
    docs.push({ kind: 'atoms', value: { files: atoms.files } as unknown as AtomizeOutput });
  }
  const merged = mergeDocuments(docs);
  const graph: GraphInput = { nodes: [], edges: [] };
  if (merged.atoms) {
    const built = buildGraphFromAtoms(merged.atoms);
    warnings.push(...built.warnings);
    graph.nodes.push(...built.graph.nodes);
    graph.edges.push(...built.graph.edges);
  }
  if (merged.graph) {
    graph.nodes.push(...merged.graph.nodes);
    graph.edges.push(...merged.graph.edges);
  }
  const analysis = analyzeGraph(graph);
  const s = analysis.stats;
  const text = `${plural(s.nodes, 'node')}, ${plural(s.edges, 'edge')}, ${plural(s.waves, 'wave')} (widest ${s.widestWave}), critical path ${s.criticalPathLength}, ${s.cyclesFound > 0 ? `${s.cyclesFound} cycles broken by cutting ${plural(s.edgesRemoved, 'edge')}` : 'no cycles'}${warnings.length > 0 ? `; ${plural(warnings.length, 'warning')}` : ''}`;
  const format = args.format ?? 'json';
  const exported =
    format === 'json'
      ? JSON.stringify(warnings.length > 0 ? { ...analysis, warnings } : analysis)
      : exportGraph(analysis, format);
  return {
    content: [
      { type: 'text', text },
      { type: 'text', text: exported },
    ],
  };
}
