import type { GraphEdge, GraphInput, GraphNode } from '@st3/schemas';

/**
 * Default weight of an edge by type: the cost of cutting it when a cycle must be broken.
 * A type-only dependency is the cheapest to cut (it vanishes at run time); a call the dearest.
 */
export const DEFAULT_EDGE_WEIGHTS: Readonly<Record<string, number>> = {
  function_call: 4,
  variable: 3,
  data_flow: 3,
  import: 2,
  dependency: 2,
  type: 1,
};

/** The weight of an edge: its own `weight`, else the default of its type, else 2. */
export function edgeWeight(edge: Pick<GraphEdge, 'type' | 'weight'>): number {
  if (edge.weight !== undefined) return edge.weight;
  return (edge.type !== undefined ? DEFAULT_EDGE_WEIGHTS[edge.type] : undefined) ?? 2;
}

/**
 * A graph in compressed-sparse-row form over integer node indices. Nodes are sorted by id (plain
 * code-unit order), so "ties broken by id" means "ties broken by index" everywhere. Parallel edges
 * between the same pair are merged (weights summed, symbols united, the dearest type kept).
 */
export interface IndexedGraph {
  readonly n: number;
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly nodes: readonly GraphNode[];
  /** Merged edges, sorted by (from, to) index. */
  readonly edges: readonly GraphEdge[];
  readonly src: Int32Array;
  readonly dst: Int32Array;
  /** Integer cut cost per edge (rounded weight, ≥ 0). */
  readonly cost: Int32Array;
  /** Weight of each merged edge (`edges[e].weight`). */
  readonly weights: Float64Array;
  /** Type of each merged edge (`edges[e].type`, `dependency` when absent): `typeNames[typeCodes[e]]`. */
  readonly typeCodes: Uint16Array;
  readonly typeNames: readonly string[];
  /** Numeric `cost` of each node, NaN when it has none (the critical path's default node cost). */
  readonly nodeCosts: Float64Array;
  /** One merged edge, made on demand (a scanned graph makes its edge objects only when asked). */
  edge?(e: number): GraphEdge;
  /** Out-edges of node v: edge indices `outEdge[outStart[v] .. outStart[v+1])`, in target order. */
  readonly outStart: Int32Array;
  readonly outEdge: Int32Array;
  /** In-edges of node v: edge indices `inEdge[inStart[v] .. inStart[v+1])`, in source order. */
  readonly inStart: Int32Array;
  readonly inEdge: Int32Array;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Thrown-free indexing: edges naming unknown nodes are reported by the caller's loader, here they are added as bare nodes. */
export function indexGraph(input: GraphInput): IndexedGraph {
  const byId = new Map<string, GraphNode>();
  for (const node of input.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  for (const edge of input.edges) {
    if (!byId.has(edge.from)) byId.set(edge.from, { id: edge.from });
    if (!byId.has(edge.to)) byId.set(edge.to, { id: edge.to });
  }
  const ids = [...byId.keys()].sort(compareIds);
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(ids[i]!, i);
  const nodes = ids.map((id) => byId.get(id)!);
  const n = ids.length;

  // Sort edges by (from, to) with two stable counting passes (O(n + m), no hashing), then merge runs of
  // parallel edges.
  const m0 = input.edges.length;
  const from = new Int32Array(m0);
  const to = new Int32Array(m0);
  for (let e = 0; e < m0; e++) {
    const edge = input.edges[e]!;
    from[e] = index.get(edge.from)!;
    to[e] = index.get(edge.to)!;
  }
  const order = edgeOrder(from, to, n);
  const edges: GraphEdge[] = [];
  const srcAll = new Int32Array(m0);
  const dstAll = new Int32Array(m0);
  let m = 0;
  for (let i = 0; i < m0; i++) {
    const e = order[i]!;
    const edge = input.edges[e]!;
    if (m > 0 && srcAll[m - 1] === from[e] && dstAll[m - 1] === to[e]) {
      mergeInto(edges[m - 1]!, edge);
      continue;
    }
    // Object.assign, not spread: spread is several times slower on hundreds of thousands of edges.
    const copy: GraphEdge = Object.assign({}, edge);
    copy.weight = edgeWeight(edge);
    edges.push(copy);
    srcAll[m] = from[e]!;
    dstAll[m] = to[e]!;
    m++;
  }
  const src = srcAll.slice(0, m);
  const dst = dstAll.slice(0, m);
  const weights = new Float64Array(m);
  const typeCodes = new Uint16Array(m);
  const typeNames: string[] = [];
  const codeOf = new Map<string, number>();
  for (let e = 0; e < m; e++) {
    weights[e] = edges[e]!.weight ?? 0;
    const t = edges[e]!.type ?? 'dependency';
    let code = codeOf.get(t);
    if (code === undefined) {
      code = typeNames.length;
      codeOf.set(t, code);
      typeNames.push(t);
    }
    typeCodes[e] = code;
  }
  const nodeCosts = new Float64Array(n);
  for (let v = 0; v < n; v++) nodeCosts[v] = numericCost(nodes[v]!.cost);
  return { n, ids, index, nodes, edges, ...edgeArrays(n, { src, dst, weights, typeCodes, typeNames, nodeCosts }) };
}

/** A node's `cost` when it is a number ≥ 0, else NaN (the critical path then counts the node as 1). */
export function numericCost(cost: unknown): number {
  return typeof cost === 'number' && cost >= 0 ? cost : NaN;
}

/** Integer cut costs from weights (rounded, clamped to [0, 1e6]). */
export function costsOf(weights: Float64Array): Int32Array {
  const cost = new Int32Array(weights.length);
  for (let e = 0; e < weights.length; e++) cost[e] = Math.max(0, Math.min(1_000_000, Math.round(weights[e]!)));
  return cost;
}

/** Stable counting sort of the items of `order` by `keys[item]` in [0, n). */
export function countingOrder(keys: Int32Array, n: number, order: Int32Array): Int32Array {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < order.length; i++) start[keys[order[i]!]! + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const out = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) out[start[keys[order[i]!]!]!++] = order[i]!;
  return out;
}

/** Edge indices sorted by (from, to), stably, with two counting passes: O(n + m), no hashing. */
export function edgeOrder(from: Int32Array, to: Int32Array, n: number): Int32Array {
  // The first pass sorts the edge indices themselves by target: no identity array to build and read.
  const m = to.length;
  const start = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) start[to[e]! + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const byTarget = new Int32Array(m);
  for (let e = 0; e < m; e++) byTarget[start[to[e]!]!++] = e;
  return countingOrder(from, n, byTarget);
}

/** The arrays of the merged edges every IndexedGraph carries: endpoints, weights and cut costs, types, both adjacencies. */
export function edgeArrays(
  n: number,
  merged: Pick<IndexedGraph, 'src' | 'dst' | 'weights' | 'typeCodes' | 'typeNames' | 'nodeCosts'>,
  spare?: readonly Int32Array[],
): Omit<IndexedGraph, 'n' | 'ids' | 'index' | 'nodes' | 'edges'> {
  return { ...merged, cost: costsOf(merged.weights), ...csr(n, merged.src, merged.dst, spare) };
}

/** Merges a parallel edge: weights add up, symbols unite, the dearest type stays (ties by name, so input order does not matter). */
export function mergeInto(seen: GraphEdge, edge: GraphEdge): void {
  seen.weight = (seen.weight ?? 0) + edgeWeight(edge);
  const a = seen.type ?? 'dependency';
  const b = edge.type ?? 'dependency';
  const wa = DEFAULT_EDGE_WEIGHTS[a] ?? 2;
  const wb = DEFAULT_EDGE_WEIGHTS[b] ?? 2;
  if (wb > wa || (wb === wa && b < a)) seen.type = edge.type;
  if (edge.symbols) seen.symbols = [...new Set([...(seen.symbols ?? []), ...edge.symbols])].sort(compareIds);
}

/**
 * Builds both adjacency directions in O(n + m); edge indices stay in (from, to) order. `spare`:
 * arrays the caller is done with, reused for the two edge lists when long enough (on a large graph
 * fresh memory costs more than the work: every page of it is faulted in).
 */
export function csr(
  n: number,
  src: Int32Array,
  dst: Int32Array,
  spare: readonly Int32Array[] = [],
): Pick<IndexedGraph, 'outStart' | 'outEdge' | 'inStart' | 'inEdge'> {
  const m = src.length;
  const outStart = new Int32Array(n + 1);
  const inStart = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) {
    outStart[src[e]! + 1]!++;
    inStart[dst[e]! + 1]!++;
  }
  for (let v = 0; v < n; v++) {
    outStart[v + 1]! += outStart[v]!;
    inStart[v + 1]! += inStart[v]!;
  }
  // Every slot is written below: a reused array needs no clearing.
  const outEdge = spare[0] && spare[0].length >= m ? spare[0].subarray(0, m) : new Int32Array(m);
  const inEdge = spare[1] && spare[1].length >= m ? spare[1].subarray(0, m) : new Int32Array(m);
  const outFill = outStart.slice(0, n);
  const inFill = inStart.slice(0, n);
  for (let e = 0; e < m; e++) {
    outEdge[outFill[src[e]!]!++] = e;
    inEdge[inFill[dst[e]!]!++] = e;
  }
  return { outStart, outEdge, inStart, inEdge };
}

/** Builds an IndexedGraph straight from integer edges (benchmarks, generated graphs): node i is named by `name(i)`. */
export function indexedFromPairs(
  n: number,
  src: Int32Array,
  dst: Int32Array,
  name: (i: number) => string = (i) => String(i).padStart(String(Math.max(0, n - 1)).length, '0'),
): IndexedGraph {
  const nodes: GraphNode[] = [];
  for (let i = 0; i < n; i++) nodes.push({ id: name(i) });
  const edges: GraphEdge[] = [];
  for (let e = 0; e < src.length; e++) edges.push({ from: nodes[src[e]!]!.id, to: nodes[dst[e]!]!.id });
  return indexGraph({ nodes, edges });
}
