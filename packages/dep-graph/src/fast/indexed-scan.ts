import type { GraphEdge, GraphNode } from '@st3/schemas';
import { DEFAULT_EDGE_WEIGHTS, edgeArrays, edgeOrder, mergeInto, type IndexedGraph } from '../indexed.js';
import { sortByBytes } from './byte-order.js';
import type { ScannedGraph } from './scan.js';

/**
 * The compact graph of a scanned document, equal to `indexGraph(JSON.parse(text))` (same node
 * order, same merged edges in the same order, same weights, types and costs), built without making
 * an object per edge: `edges` and `nodes` are made from their bytes only when someone reads them.
 * It consumes `s`: its `src` and `dst` are rewritten to node ranks. `bytes(a, b)` gives bytes [a, b)
 * of the input, to rebuild an edge or node object when one is read.
 */
export function indexScanned(s: ScannedGraph, bytes: (a: number, b: number) => Uint8Array): IndexedGraph {
  const n = s.ids.length;
  const { sorted, rank } = rankIds(s);
  const m0 = s.src.length;
  // Edge ends become node ranks in place (the scan is this function's alone): two arrays fewer to fault in.
  const from = s.src;
  const to = s.dst;
  for (let e = 0; e < m0; e++) {
    from[e] = rank[from[e]!]!;
    to[e] = rank[to[e]!]!;
  }
  const order = edgeOrder(from, to, n);

  // Per type code: its name as indexGraph writes it, and the weight of an edge of that type without one.
  const names = s.typeNames.map((t) => t ?? 'dependency');
  const rank2 = names.map((t) => DEFAULT_EDGE_WEIGHTS[t] ?? 2);
  const typeWeight = s.typeNames.map((t) => (t !== undefined ? DEFAULT_EDGE_WEIGHTS[t] : undefined) ?? 2);
  // Runs of parallel edges merge: weights add up, the dearest type stays (ties by name).
  const srcAll = new Int32Array(m0);
  const dstAll = new Int32Array(m0);
  const weightAll = new Float64Array(m0);
  const codeAll = new Uint16Array(m0);
  const firstMember = new Int32Array(m0 + 1);
  let m = 0;
  for (let i = 0; i < m0; i++) {
    const e = order[i]!;
    const code = s.type[e]!;
    const explicit = s.weight[e]!;
    const w = explicit === explicit ? explicit : typeWeight[code]!;
    if (m > 0 && srcAll[m - 1] === from[e] && dstAll[m - 1] === to[e]) {
      weightAll[m - 1]! += w;
      const a = codeAll[m - 1]!;
      if (rank2[code]! > rank2[a]! || (rank2[code] === rank2[a] && names[code]! < names[a]!)) codeAll[m - 1] = code;
      continue;
    }
    srcAll[m] = from[e]!;
    dstAll[m] = to[e]!;
    weightAll[m] = w;
    codeAll[m] = code;
    firstMember[m] = i;
    m++;
  }
  firstMember[m] = m0;
  const src = srcAll.subarray(0, m);
  const dst = dstAll.subarray(0, m);
  const weights = weightAll.subarray(0, m);
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
  const typeCodes = codeAll.subarray(0, m);
  for (let k = 0; k < m; k++) typeCodes[k] = remap[typeCodes[k]!]!;
  const nodeCosts = new Float64Array(n);
  for (let i = 0; i < n; i++) nodeCosts[rank[i]!] = s.cost[i]! >= 0 ? s.cost[i]! : NaN;

  const decoder = new TextDecoder();
  const parse = <T>(a: number, b: number): T => JSON.parse(decoder.decode(bytes(a, b))) as T;
  /** Edge object `e` of the document, as JSON.parse gives it (a plain one made from the scan, the key order kept). */
  const edgeObject = (e: number): GraphEdge => {
    if (!s.edgePlain[e]) return parse<GraphEdge>(s.edgeStart[e]!, s.edgeEnd[e]!);
    const edge: GraphEdge = { from: sorted[from[e]!]!, to: sorted[to[e]!]! };
    const type = s.typeNames[s.type[e]!];
    if (type !== undefined) edge.type = type;
    const weight = s.weight[e]!;
    if (weight === weight) edge.weight = weight;
    return edge;
  };
  /** The merged edge `k`, as indexGraph would have it: a copy of its first member, the others merged in. */
  const edgeAt = (k: number): GraphEdge => {
    const members: number[] = [];
    for (let i = firstMember[k]!; i < firstMember[k + 1]!; i++) members.push(order[i]!);
    const first = edgeObject(members[0]!);
    const copy: GraphEdge = Object.assign({}, first);
    copy.weight = Number.isNaN(s.weight[members[0]!]!)
      ? ((first.type !== undefined ? DEFAULT_EDGE_WEIGHTS[first.type] : undefined) ?? 2)
      : first.weight;
    for (const e of members.slice(1)) mergeInto(copy, edgeObject(e));
    return copy;
  };
  const nodeAt = (v: number, byId: Int32Array): GraphNode => {
    const i = byId[v]!;
    if (s.nodeExtras) return parse<GraphNode>(s.nodeStart[i]!, s.nodeEnd[i]!);
    return Number.isNaN(s.cost[i]!) ? { id: s.ids[i]! } : { id: s.ids[i]!, cost: s.cost[i]! };
  };
  const arrays = edgeArrays(n, { src, dst, weights, typeCodes, typeNames, nodeCosts });
  return new ScannedIndex(n, sorted, arrays, {
    index: () => {
      const index = new Map<string, number>();
      for (let i = 0; i < n; i++) index.set(sorted[i]!, i);
      return index;
    },
    nodes: () => {
      const byId = new Int32Array(n);
      for (let i = 0; i < n; i++) byId[rank[i]!] = i;
      const nodes = new Array<GraphNode>(n);
      for (let v = 0; v < n; v++) nodes[v] = nodeAt(v, byId);
      return nodes;
    },
    edges: () => {
      const edges = new Array<GraphEdge>(m);
      for (let k = 0; k < m; k++) edges[k] = edgeAt(k);
      return edges;
    },
    edge: edgeAt,
  });
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
