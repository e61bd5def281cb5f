import type { GraphEdge, GraphInput, GraphNode, GraphOutput } from '@st3/schemas';
import { listCycles } from './cycles.js';
import { feedbackArcSet, type FeedbackArcSet } from './fas.js';
import { indexGraph, type IndexedGraph } from './indexed.js';
import { stronglyConnectedComponents } from './scc.js';
import { balanceLevels, criticalPath, groupByLevel, kahnLevels, type CriticalPath } from './waves.js';

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

/** What `st3 waves` prints: the plan without the (possibly huge) node and edge lists. */
export interface WavePlan {
  waves: string[][];
  criticalPath: string[];
  removedEdges: GraphEdge[];
  stats: GraphStats & Record<string, unknown>;
}

interface Core {
  g: IndexedGraph;
  cycles: number[][];
  fas: FeedbackArcSet;
  waves: string[][];
  chain: CriticalPath;
  stats: GraphStats & Record<string, unknown>;
}

/** Cycles (bounded listing), a feedback arc set, Kahn waves on the rest (balanced on request), critical path, statistics. */
function core(input: GraphInput | IndexedGraph, options: AnalyzeOptions): Core {
  const g: IndexedGraph = isIndexed(input) ? input : indexGraph(input);
  // Most graphs are acyclic: Kahn's pass alone tells, and then there is nothing to list or cut.
  let levels = kahnLevels(g);
  let cycles: number[][] = [];
  let truncated = false;
  let fas: FeedbackArcSet = { edges: [], cost: 0, cyclicComponents: 0 };
  // The cut edges, masked out: only a cyclic graph has any.
  let edgeAlive: Uint8Array | undefined;
  if (!levels.acyclic) {
    edgeAlive = new Uint8Array(g.src.length).fill(1);
    const components = stronglyConnectedComponents(g);
    ({ cycles, truncated } = listCycles(g, options.maxCycles ?? 100, components));
    fas = feedbackArcSet(g, components);
    for (const e of fas.edges) edgeAlive[e] = 0;
    levels = kahnLevels(g, edgeAlive);
    if (!levels.acyclic) throw new Error('internal: the graph is still cyclic after cutting the feedback arc set');
  }
  let level = levels.level;
  let overfull: number[] | undefined;
  if (options.maxWidth !== undefined && options.maxWidth > 0) {
    const balanced = balanceLevels(g, levels, options.maxWidth, edgeAlive);
    level = balanced.level;
    overfull = balanced.overfull;
  }
  const waveIdx = groupByLevel(level, levels.count);
  const custom = options.nodeCost;
  const cost = custom
    ? (v: number) => custom(g.nodes[v]!)
    : (v: number) => (Number.isNaN(g.nodeCosts[v]!) ? 1 : g.nodeCosts[v]!);
  const chain = criticalPath(g, levels.order, cost, edgeAlive);

  const counts = new Int32Array(g.typeNames.length);
  for (let e = 0; e < g.typeCodes.length; e++) counts[g.typeCodes[e]!]!++;
  const edgesByType: Record<string, number> = {};
  g.typeNames.forEach((t, code) => {
    if (counts[code]! > 0) edgesByType[t] = (edgesByType[t] ?? 0) + counts[code]!;
  });
  let selfLoops = 0;
  for (let e = 0; e < g.src.length; e++) if (g.src[e] === g.dst[e]) selfLoops++;
  const { ids } = g;
  const waves = waveIdx.map((w) => {
    const names = new Array<string>(w.length);
    for (let i = 0; i < w.length; i++) names[i] = ids[w[i]!]!;
    return names;
  });
  let widestWave = 0;
  for (const w of waves) if (w.length > widestWave) widestWave = w.length;
  let removedWeight = 0;
  for (const e of fas.edges) removedWeight += g.weights[e]!;
  const stats: GraphStats & Record<string, unknown> = {
    nodes: g.n,
    edges: g.src.length,
    edgesByType: Object.fromEntries(Object.entries(edgesByType).sort(([a], [b]) => (a < b ? -1 : 1))),
    cyclicComponents: fas.cyclicComponents,
    selfLoops,
    cyclesFound: cycles.length,
    cyclesTruncated: truncated,
    edgesRemoved: fas.edges.length,
    removedWeight,
    waves: waves.length,
    widestWave,
    meanParallelism: waves.length === 0 ? 0 : round(g.n / waves.length),
    criticalPathLength: chain.length,
    ...(options.maxWidth !== undefined ? { maxWidth: options.maxWidth, overfullWaves: overfull ?? [] } : {}),
  };
  return { g, cycles, fas, waves, chain, stats };
}

/**
 * The whole pipeline on one graph: merge parallel edges, list cycles (bounded), cut a weighted
 * feedback arc set, compute Kahn waves on what remains (balanced when `maxWidth` is given), the
 * critical path and statistics. Deterministic: the same input gives the same output, byte for byte.
 */
export function analyzeGraph(input: GraphInput | IndexedGraph, options: AnalyzeOptions = {}): GraphAnalysis {
  const c = core(input, options);
  const edges = c.g.edges.map(normalizeEdge);
  return {
    nodes: c.g.nodes.map((node) => Object.assign({}, node)),
    edges,
    cycles: c.cycles.map((cycle) => cycle.map((v) => c.g.ids[v]!)),
    removedEdges: c.fas.edges.map((e) => edges[e]!),
    waves: c.waves,
    criticalPath: c.chain.path.map((v) => c.g.ids[v]!),
    stats: c.stats,
  };
}

/**
 * The same analysis as `analyzeGraph` without the node and edge lists (only the cut edges are
 * made): what `st3 waves` needs, cheap on graphs of millions of edges.
 */
export function planWaves(input: GraphInput | IndexedGraph, options: AnalyzeOptions = {}): WavePlan {
  const c = core(input, options);
  const edgeAt = (e: number) => (c.g.edge ? c.g.edge(e) : c.g.edges[e]!);
  return {
    waves: c.waves,
    criticalPath: c.chain.path.map((v) => c.g.ids[v]!),
    removedEdges: c.fas.edges.map((e) => normalizeEdge(edgeAt(e))),
    stats: c.stats,
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
