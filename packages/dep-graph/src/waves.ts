import { IntHeap } from './heap.js';
import type { IndexedGraph } from './indexed.js';

type Csr = Pick<IndexedGraph, 'n' | 'src' | 'dst' | 'outStart' | 'outEdge' | 'inStart' | 'inEdge'>;

export interface Levels {
  /** Wave of each node (−1 for nodes left on a cycle). */
  level: Int32Array;
  /** Number of waves. */
  count: number;
  /** Nodes in the order Kahn's algorithm released them (a topological order when acyclic). */
  order: Int32Array;
  /** False when some edges still form a cycle (those nodes keep level −1). */
  acyclic: boolean;
}

/**
 * Kahn levels (networkx `topological_generations`): wave 0 holds the nodes without dependencies,
 * wave N the nodes whose dependencies all lie in waves < N, at least one in N − 1. O(n + m) on
 * typed arrays. `edgeAlive` masks out cut edges.
 */
export function kahnLevels(g: Csr, edgeAlive?: Uint8Array): Levels {
  const { n, dst, outStart, outEdge, inStart } = g;
  const indeg = new Int32Array(n);
  if (edgeAlive) {
    for (let e = 0; e < dst.length; e++) if (edgeAlive[e]) indeg[dst[e]!]!++;
  } else {
    for (let v = 0; v < n; v++) indeg[v] = inStart[v + 1]! - inStart[v]!;
  }
  const level = new Int32Array(n).fill(-1);
  const order = new Int32Array(n);
  let tail = 0;
  for (let v = 0; v < n; v++) {
    if (indeg[v] === 0) {
      order[tail++] = v;
      level[v] = 0;
    }
  }
  let count = tail > 0 ? 1 : 0;
  for (let head = 0; head < tail; head++) {
    const u = order[head]!;
    const next = level[u]! + 1;
    for (let p = outStart[u]!, end = outStart[u + 1]!; p < end; p++) {
      const e = outEdge[p]!;
      if (edgeAlive && !edgeAlive[e]) continue;
      const w = dst[e]!;
      if (level[w]! < next) level[w] = next;
      if (--indeg[w]! === 0) {
        order[tail++] = w;
        if (next + 1 > count) count = next + 1;
      }
    }
  }
  for (let i = tail; i < n; i++) order[i] = -1;
  return { level, count, order: order.subarray(0, tail), acyclic: tail === n };
}

/** Groups nodes by level; each wave lists node indices ascending (= ids sorted). */
export function groupByLevel(level: Int32Array, count: number): Int32Array[] {
  const sizes = new Int32Array(count);
  for (let v = 0; v < level.length; v++) if (level[v]! >= 0) sizes[level[v]!]!++;
  const waves = Array.from(sizes, (s) => new Int32Array(s));
  const fill = new Int32Array(count);
  for (let v = 0; v < level.length; v++) {
    const l = level[v]!;
    if (l >= 0) waves[l]![fill[l]!++] = v;
  }
  return waves;
}

/**
 * Latest wave each node can take without lengthening the plan (as-late-as-possible levels).
 * `topo` is a topological order of all nodes.
 */
export function latestLevels(g: Csr, topo: Int32Array, count: number, edgeAlive?: Uint8Array): Int32Array {
  const { n, outStart, outEdge, dst } = g;
  const latest = new Int32Array(n).fill(count - 1);
  for (let i = topo.length - 1; i >= 0; i--) {
    const u = topo[i]!;
    for (let p = outStart[u]!, end = outStart[u + 1]!; p < end; p++) {
      const e = outEdge[p]!;
      if (edgeAlive && !edgeAlive[e]) continue;
      const bound = latest[dst[e]!]! - 1;
      if (bound < latest[u]!) latest[u] = bound;
    }
  }
  return latest;
}

export interface Balanced {
  level: Int32Array;
  /** Waves still wider than the limit because their nodes had no slack left. */
  overfull: number[];
}

/**
 * Spreads wide waves within slack: wave k takes every ready node that cannot wait (its latest wave
 * is k), then fills up to `maxWidth` with the ready nodes of least slack (ties by id). Nodes move
 * only to later waves within their slack, so the number of waves never grows and every edge still
 * points from an earlier wave to a later one. O((n + m) log n).
 */
export function balanceLevels(g: Csr, levels: Levels, maxWidth: number, edgeAlive?: Uint8Array): Balanced {
  const { n } = g;
  if (!levels.acyclic) throw new Error('balanceLevels needs an acyclic graph');
  const latest = latestLevels(g, levels.order, levels.count, edgeAlive);
  const indeg = new Int32Array(n);
  for (let e = 0; e < g.dst.length; e++) if (!edgeAlive || edgeAlive[e]) indeg[g.dst[e]!]!++;
  const ready = new IntHeap((a, b) => (latest[a] !== latest[b] ? latest[a]! < latest[b]! : a < b));
  for (let v = 0; v < n; v++) if (indeg[v] === 0) ready.push(v);
  const level = new Int32Array(n).fill(-1);
  const overfull: number[] = [];
  for (let k = 0; k < levels.count; k++) {
    const placed: number[] = [];
    while (ready.size > 0) {
      const v = ready.peek()!;
      if (placed.length >= maxWidth && latest[v]! > k) break;
      ready.pop();
      level[v] = k;
      placed.push(v);
    }
    if (placed.length > maxWidth) overfull.push(k);
    for (const u of placed) {
      for (let p = g.outStart[u]!; p < g.outStart[u + 1]!; p++) {
        const e = g.outEdge[p]!;
        if (edgeAlive && !edgeAlive[e]) continue;
        const w = g.dst[e]!;
        if (--indeg[w]! === 0) ready.push(w);
      }
    }
  }
  return { level, overfull };
}

export interface CriticalPath {
  /** Node indices along the longest dependency chain, first to last. */
  path: number[];
  /** Sum of node costs along it. */
  length: number;
}

/** The longest chain by node cost (default 1 per node): the lower bound on any schedule's makespan. */
export function criticalPath(
  g: Csr,
  topo: Int32Array,
  nodeCost?: (v: number) => number,
  edgeAlive?: Uint8Array,
): CriticalPath {
  // Fields read once and an indexed loop: this runs once per command, mostly before it is optimized.
  const { n, outStart, outEdge, dst } = g;
  const best = new Float64Array(n);
  const prev = new Int32Array(n).fill(-1);
  for (let i = 0; i < topo.length; i++) {
    const u = topo[i]!;
    const bu = best[u]! + (nodeCost ? nodeCost(u) : 1);
    best[u] = bu;
    for (let p = outStart[u]!, end = outStart[u + 1]!; p < end; p++) {
      const e = outEdge[p]!;
      if (edgeAlive && !edgeAlive[e]) continue;
      const w = dst[e]!;
      // Among equally long chains the predecessor with the smallest id wins, so the path is deterministic.
      if (bu > best[w]! || (bu === best[w] && prev[w]! > u)) {
        best[w] = bu;
        prev[w] = u;
      }
    }
  }
  let end = -1;
  for (let i = 0; i < topo.length; i++) {
    const v = topo[i]!;
    if (end === -1 || best[v]! > best[end]! || (best[v] === best[end] && v < end)) end = v;
  }
  const path: number[] = [];
  for (let v = end; v !== -1; v = prev[v]!) path.push(v);
  path.reverse();
  return { path, length: end === -1 ? 0 : best[end]! };
}
