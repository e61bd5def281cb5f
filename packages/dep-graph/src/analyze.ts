import type { GraphEdge, GraphInput, GraphNode, GraphOutput } from '@st3/schemas';
import { listCycles } from './cycles.js';
import { feedbackArcSet } from './fas.js';
import { indexGraph, type IndexedGraph } from './indexed.js';
import { balanceLevels, criticalPath, groupByLevel, kahnLevels } from './waves.js';

export interface AnalyzeOptions {
  /** Stop listing cycles after this many (default 100; the feedback arc set is exact regardless). */
  maxCycles?: number;
  /** Spread waves wider than this within slack (the number of waves never grows). */
  maxWidth?: number;
  /** Cost of a node on the critical path (default: its numeric `cost` field, else 1). */
  nodeCost?: (node: GraphNode) => number;
}

export interface GraphStats {
  nodes: number;
  edges: number;
  edgesByType: Record<string, number>;
  /** Strongly connected components with more than one node. */
  cyclicComponents: number;
  selfLoops: number;
  cyclesFound: number;
  cyclesTruncated: boolean;
  edgesRemoved: number;
  /** Total weight of the removed edges. */
  removedWeight: number;
  waves: number;
  widestWave: number;
  /** nodes / waves. */
  meanParallelism: number;
  criticalPathLength: number;
  maxWidth?: number;
  /** Waves left wider than maxWidth because their nodes had no slack. */
  overfullWaves?: number[];
}

/** The DESIGN.md graph contract plus the critical path. */
export interface GraphAnalysis extends GraphOutput {
  nodes: GraphNode[];
  edges: GraphEdge[];
  cycles: string[][];
  removedEdges: GraphEdge[];
  waves: string[][];
  criticalPath: string[];
  stats: GraphStats & Record<string, unknown>;
}

/**
 * The whole pipeline on one graph: merge parallel edges, list cycles (bounded), cut a weighted
 * feedback arc set, compute Kahn waves on what remains (balanced when `maxWidth` is given), the
 * critical path and statistics. Deterministic: the same input gives the same output, byte for byte.
 */
export function analyzeGraph(input: GraphInput | IndexedGraph, options: AnalyzeOptions = {}): GraphAnalysis {
  const g: IndexedGraph = isIndexed(input) ? input : indexGraph(input);
  const { cycles, truncated } = listCycles(g, options.maxCycles ?? 100);
  const fas = feedbackArcSet(g);
  const edgeAlive = new Uint8Array(g.src.length).fill(1);
  for (const e of fas.edges) edgeAlive[e] = 0;
  const levels = kahnLevels(g, edgeAlive);
  if (!levels.acyclic) throw new Error('internal: the graph is still cyclic after cutting the feedback arc set');
  let level = levels.level;
  let overfull: number[] | undefined;
  if (options.maxWidth !== undefined && options.maxWidth > 0) {
    const balanced = balanceLevels(g, levels, options.maxWidth, edgeAlive);
    level = balanced.level;
    overfull = balanced.overfull;
  }
  const waveIdx = groupByLevel(level, levels.count);
  const nodeCost =
    options.nodeCost ?? ((node: GraphNode) => (typeof node.cost === 'number' && node.cost >= 0 ? node.cost : 1));
  const chain = criticalPath(g, levels.order, (v) => nodeCost(g.nodes[v]!), edgeAlive);

  const edges = g.edges.map(normalizeEdge);
  const edgesByType: Record<string, number> = {};
  for (const edge of edges) edgesByType[edge.type!] = (edgesByType[edge.type!] ?? 0) + 1;
  let selfLoops = 0;
  for (let e = 0; e < g.src.length; e++) if (g.src[e] === g.dst[e]) selfLoops++;
  const waves = waveIdx.map((w) => Array.from(w, (v) => g.ids[v]!));
  const widestWave = waves.reduce((max, w) => Math.max(max, w.length), 0);
  const stats: GraphStats & Record<string, unknown> = {
    nodes: g.n,
    edges: edges.length,
    edgesByType: Object.fromEntries(Object.entries(edgesByType).sort(([a], [b]) => (a < b ? -1 : 1))),
    cyclicComponents: fas.cyclicComponents,
    selfLoops,
    cyclesFound: cycles.length,
    cyclesTruncated: truncated,
    edgesRemoved: fas.edges.length,
    removedWeight: fas.edges.reduce((sum, e) => sum + (edges[e]!.weight ?? 0), 0),
    waves: waves.length,
    widestWave,
    meanParallelism: waves.length === 0 ? 0 : round(g.n / waves.length),
    criticalPathLength: chain.length,
    ...(options.maxWidth !== undefined ? { maxWidth: options.maxWidth, overfullWaves: overfull ?? [] } : {}),
  };
  return {
    nodes: g.nodes.map((node) => Object.assign({}, node)),
    edges,
    cycles: cycles.map((c) => c.map((v) => g.ids[v]!)),
    removedEdges: fas.edges.map((e) => edges[e]!),
    waves,
    criticalPath: chain.path.map((v) => g.ids[v]!),
    stats,
  };
}

function normalizeEdge(edge: GraphEdge): GraphEdge {
  // Known keys first, in contract order; Object.assign keeps any extra fields (spread is slow at this scale).
  const out: GraphEdge = Object.assign({ from: edge.from, to: edge.to, type: edge.type, weight: edge.weight }, edge);
  out.type = edge.type ?? 'dependency';
  out.weight = edge.weight ?? 0;
  if (edge.symbols !== undefined && edge.symbols.length === 0) delete out.symbols;
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function isIndexed(input: GraphInput | IndexedGraph): input is IndexedGraph {
  return input.outStart instanceof Int32Array;
}
