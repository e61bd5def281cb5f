import type { GraphEdge, GraphNode } from '@st3/schemas';
import { DEFAULT_EDGE_WEIGHTS, edgeArrays, edgeOrder, edgeWeight, mergeInto, type IndexedGraph } from '../indexed.js';
import { sortByBytes } from './byte-order.js';
import type { ScannedGraph } from './scan.js';

/**
 * The compact graph of a scanned document, equal to `indexGraph(JSON.parse(text))` (same node
 * order, same merged edges in the same order, same weights, types and costs), built without making
 * an object per edge: `edges` and `nodes` are made from their bytes only when someone reads them.
 * It consumes `s`: its `src` and `dst` are rewritten to node ranks, then reused for the adjacency.
 * `bytes(a, b)` gives bytes [a, b) of the input, to rebuild an edge or node object that is not plain.
 */
export function indexScanned(s: ScannedGraph, bytes: (a: number, b: number) => Uint8Array): IndexedGraph {
  const n = s.ids.length;
  const { sorted, rank } = rankIds(s);
  // Edge ends become node ranks in place (the scan is this function's alone): two arrays fewer to fault in.
  const { src: from, dst: to } = s;
  for (let e = 0; e < from.length; e++) {
    from[e] = rank[from[e]!]!;
    to[e] = rank[to[e]!]!;
  }
  const order = edgeOrder(from, to, n);
  const merged = mergeParallel(s, order);
  const nodeCosts = new Float64Array(n).fill(NaN);
  if (s.cost) for (let i = 0; i < n; i++) if (s.cost[i]! >= 0) nodeCosts[rank[i]!] = s.cost[i]!;
  // The merged edges know their ends: the scan's `src` and `dst` are free to hold the adjacency.
  const arrays = edgeArrays(n, { ...merged, nodeCosts }, [from, to]);
  return new ScannedIndex(n, sorted, arrays, lazyObjects(s, sorted, rank, order, merged, bytes));
}

interface Merged {
  src: Int32Array;
  dst: Int32Array;
  weights: Float64Array;
  typeCodes: Uint16Array;
  typeNames: string[];
  /** Merged edge k is made of the edges `order[firstMember[k] .. firstMember[k + 1])`; undefined when none merged (k alone). */
  firstMember: Int32Array | undefined;
}

/** Runs of parallel edges (adjacent in `order`) merge: weights add up, the dearest type stays (ties by name). */
function mergeParallel(s: ScannedGraph, order: Int32Array): Merged {
  const { src: from, dst: to, type, weight } = s;
  const m0 = order.length;
  // Per type code: its name as indexGraph writes it, and the weight of an edge of that type without one.
  const names = s.typeNames.map((t) => t ?? 'dependency');
  const rank2 = names.map((t) => DEFAULT_EDGE_WEIGHTS[t] ?? 2);
  const typeWeight = s.typeNames.map((t) => (t !== undefined ? DEFAULT_EDGE_WEIGHTS[t] : undefined) ?? 2);
  const src = new Int32Array(m0);
  const dst = new Int32Array(m0);
  const weights = new Float64Array(m0);
  const codes = new Uint16Array(m0);
  // Made at the first merge: until then merged edge k is edge order[k].
  let firstMember: Int32Array | undefined;
  let m = 0;
  for (let i = 0; i < m0; i++) {
    const e = order[i]!;
    const code = type[e]!;
    const explicit = weight ? weight[e]! : NaN;
    const w = explicit === explicit ? explicit : typeWeight[code]!;
    if (m > 0 && src[m - 1] === from[e] && dst[m - 1] === to[e]) {
      weights[m - 1]! += w;
      const a = codes[m - 1]!;
      if (rank2[code]! > rank2[a]! || (rank2[code] === rank2[a] && names[code]! < names[a]!)) codes[m - 1] = code;
      if (!firstMember) {
        firstMember = new Int32Array(m0 + 1);
        for (let k = 0; k < m; k++) firstMember[k] = k;
      }
      continue;
    }
    src[m] = from[e]!;
    dst[m] = to[e]!;
    weights[m] = w;
    codes[m] = code;
    if (firstMember) firstMember[m] = i;
    m++;
  }
  if (firstMember) firstMember[m] = m0;
  // Codes 0 ("no type") and a literal "dependency" are the same type once written out.
  const typeNames: string[] = [];
  const codeOfName = new Map<string, number>();
  const remap = names.map((t) => {
    let c = codeOfName.get(t);
    if (c === undefined) {
      c = typeNames.length;
      codeOfName.set(t, c);
      typeNames.push(t);
    }
    return c;
  });
  const typeCodes = codes.subarray(0, m);
  for (let k = 0; k < m; k++) typeCodes[k] = remap[typeCodes[k]!]!;
  return {
    src: src.subarray(0, m),
    dst: dst.subarray(0, m),
    weights: weights.subarray(0, m),
    typeCodes,
    typeNames,
    firstMember,
  };
}

/** Node and edge objects made when read: from the scan when plain (key order kept), else by parsing their bytes. */
function lazyObjects(
  s: ScannedGraph,
  sorted: string[],
  rank: Int32Array,
  order: Int32Array,
  merged: Merged,
  bytes: (a: number, b: number) => Uint8Array,
): Lazy {
  const n = s.ids.length;
  const decoder = new TextDecoder();
  const parse = <T>(a: number, b: number): T => JSON.parse(decoder.decode(bytes(a, b))) as T;
  const { firstMember } = merged;
  /** Edge object `e` of the document, from `from` to `to`, as JSON.parse gives it. */
  const edgeObject = (e: number, from: string, to: string): GraphEdge => {
    if (s.edgeStart && s.edgeStart[e] !== -1) return parse<GraphEdge>(s.edgeStart[e]!, s.edgeEnd![e]!);
    const edge: GraphEdge = { from, to };
    const type = s.typeNames[s.type[e]!];
    if (type !== undefined) edge.type = type;
    const weight = s.weight ? s.weight[e]! : NaN;
    if (weight === weight) edge.weight = weight;
    return edge;
  };
  /** The merged edge `k`, as indexGraph would have it: a copy of its first member, the others merged in. */
  const edgeAt = (k: number): GraphEdge => {
    const first = firstMember ? firstMember[k]! : k;
    const last = firstMember ? firstMember[k + 1]! : k + 1;
    const from = sorted[merged.src[k]!]!;
    const to = sorted[merged.dst[k]!]!;
    const head = edgeObject(order[first]!, from, to);
    const copy: GraphEdge = Object.assign({}, head);
    copy.weight = edgeWeight(head);
    for (let i = first + 1; i < last; i++) mergeInto(copy, edgeObject(order[i]!, from, to));
    return copy;
  };
  const nodeAt = (i: number): GraphNode => {
    if (s.nodeStart && s.nodeStart[i] !== -1) return parse<GraphNode>(s.nodeStart[i]!, s.nodeEnd![i]!);
    const cost = s.cost ? s.cost[i]! : NaN;
    return cost === cost ? { id: s.ids[i]!, cost } : { id: s.ids[i]! };
  };
  return {
    index: () => {
      const index = new Map<string, number>();
      for (let i = 0; i < n; i++) index.set(sorted[i]!, i);
      return index;
    },
    nodes: () => {
      const nodes = new Array<GraphNode>(n);
      for (let i = 0; i < n; i++) nodes[rank[i]!] = nodeAt(i);
      return nodes;
    },
    edges: () => {
      const edges = new Array<GraphEdge>(merged.src.length);
      for (let k = 0; k < edges.length; k++) edges[k] = edgeAt(k);
      return edges;
    },
    edge: edgeAt,
  };
}

interface Lazy {
  index(): Map<string, number>;
  nodes(): GraphNode[];
  edges(): GraphEdge[];
  edge(k: number): GraphEdge;
}

type Arrays = ReturnType<typeof edgeArrays>;

/**
 * The scanned graph as an IndexedGraph: a class, so its fields stay fast properties (an object
 * literal with getters becomes a dictionary, and the algorithms read these fields in their loops).
 */
class ScannedIndex implements IndexedGraph {
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly cost: Int32Array;
  readonly weights: Float64Array;
  readonly typeCodes: Uint16Array;
  readonly typeNames: readonly string[];
  readonly nodeCosts: Float64Array;
  readonly outStart: Int32Array;
  readonly outEdge: Int32Array;
  readonly inStart: Int32Array;
  readonly inEdge: Int32Array;
  private lazyIndex: Map<string, number> | undefined;
  private lazyNodes: GraphNode[] | undefined;
  private lazyEdges: GraphEdge[] | undefined;
  constructor(
    readonly n: number,
    readonly ids: readonly string[],
    arrays: Arrays,
    private readonly lazy: Lazy,
  ) {
    this.src = arrays.src;
    this.dst = arrays.dst;
    this.cost = arrays.cost;
    this.weights = arrays.weights;
    this.typeCodes = arrays.typeCodes;
    this.typeNames = arrays.typeNames;
    this.nodeCosts = arrays.nodeCosts;
    this.outStart = arrays.outStart;
    this.outEdge = arrays.outEdge;
    this.inStart = arrays.inStart;
    this.inEdge = arrays.inEdge;
  }
  get index(): Map<string, number> {
    return (this.lazyIndex ??= this.lazy.index());
  }
  get nodes(): GraphNode[] {
    return (this.lazyNodes ??= this.lazy.nodes());
  }
  get edges(): GraphEdge[] {
    return (this.lazyEdges ??= this.lazy.edges());
  }
  edge(k: number): GraphEdge {
    return this.lazy.edge(k);
  }
}

/**
 * Ids sorted (code-unit order) and the rank of each node in document order. ASCII ids are ranked
 * by their bytes (the same order, no string compared or hashed); others by sorting the strings.
 */
function rankIds(s: ScannedGraph): { sorted: string[]; rank: Int32Array } {
  const n = s.ids.length;
  const rank = new Int32Array(n);
  const sorted = new Array<string>(n);
  if (s.ascii) {
    const byRank = sortByBytes(s.idBytes, s.idStart, s.idEnd);
    for (let r = 0; r < n; r++) {
      rank[byRank[r]!] = r;
      sorted[r] = s.ids[byRank[r]!]!;
    }
    return { sorted, rank };
  }
  const byRank = Array.from({ length: n }, (_, i) => i).sort((a, b) =>
    s.ids[a]! < s.ids[b]! ? -1 : s.ids[a]! > s.ids[b]! ? 1 : 0,
  );
  for (let r = 0; r < n; r++) {
    rank[byRank[r]!] = r;
    sorted[r] = s.ids[byRank[r]!]!;
  }
  return { sorted, rank };
}
