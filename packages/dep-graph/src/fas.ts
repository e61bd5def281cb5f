import { peelComponent } from './fas-peel.js';
import type { IndexedGraph } from './indexed.js';
import { stronglyConnectedComponents, type Components } from './scc.js';

export interface FeedbackArcSet {
  /** Indices (into `graph.edges`) of the edges to cut, ascending. */
  edges: number[];
  /** Sum of the integer cut costs of those edges. */
  cost: number;
  /** Number of strongly connected components with more than one node. */
  cyclicComponents: number;
}

/**
 * A small-weight feedback arc set by Eades–Lin–Smyth: self-loops are cut first; then, inside each
 * strongly connected component (edges between components never lie on a cycle), nodes are peeled
 * into a linear order — sinks to the back, sources to the front, otherwise the node with the
 * largest (weighted out − weighted in) to the front — and the edges pointing backwards in that order
 * are cut. Weights make cheap edges (type-only) the ones left pointing backwards. Bucket queues give
 * O(n + m) per component plus a heap per bucket so ties go to the smallest id. The back edges of a
 * depth-first search from the component's cheapest edge are the other candidate; the cheaper wins.
 */
export function feedbackArcSet(g: IndexedGraph, components?: Components): FeedbackArcSet {
  const removed: number[] = [];
  for (let e = 0; e < g.src.length; e++) if (g.src[e] === g.dst[e]) removed.push(e);
  const { cyclic } = components ?? stronglyConnectedComponents(g);
  let cyclicComponents = 0;
  const local = new Int32Array(g.n).fill(-1);
  const edgeAlive = new Uint8Array(g.src.length).fill(1);
  for (const e of removed) edgeAlive[e] = 0;
  const seen = new Int32Array(g.n);
  let stamp = 0;
  for (const comp of cyclic) {
    cyclicComponents++;
    for (let i = 0; i < comp.length; i++) local[comp[i]!] = i;
    // Two candidate cuts, the cheaper kept: the ELS peeling, and the back edges of a depth-first
    // search from the target of the component's cheapest edge (a long cycle closed by one cheap edge,
    // which the peeling's local choices can miss, is then cut at that edge alone).
    const els = peelComponent(g, comp, local);
    const dfs = dfsFromCheapest(g, comp, local);
    const cut = costOf(g, dfs) < costOf(g, els) ? dfs : els;
    for (const e of cut) edgeAlive[e] = 0;
    // Make the cut minimal where it is cheap to check: put back (dearest first) every cut edge u→v whose
    // target cannot reach u any more, within a work budget linear in the component's size.
    let budget = 8 * (comp.length + cut.length) + 4096;
    cut.sort((a, b) => g.cost[b]! - g.cost[a]! || a - b);
    for (const e of cut) {
      if (budget <= 0) {
        removed.push(e);
        continue;
      }
      stamp++;
      const { reached, visits } = reaches(g, g.dst[e]!, g.src[e]!, local, edgeAlive, seen, stamp, budget);
      budget -= visits;
      if (reached === false) edgeAlive[e] = 1;
      else removed.push(e);
    }
    for (let i = 0; i < comp.length; i++) local[comp[i]!] = -1;
  }
  removed.sort((a, b) => a - b);
  let cost = 0;
  for (const e of removed) cost += g.cost[e]!;
  return { edges: removed, cost, cyclicComponents };
}

function costOf(g: IndexedGraph, edges: readonly number[]): number {
  let c = 0;
  for (const e of edges) c += g.cost[e]!;
  return c;
}

/**
 * The back edges of an iterative depth-first search inside one component, started at the target of
 * its cheapest edge (ties: the smallest edge index) and then at every member not reached yet.
 */
function dfsFromCheapest(g: IndexedGraph, comp: Int32Array, local: Int32Array): number[] {
  let cheapest = -1;
  for (let i = 0; i < comp.length; i++) {
    const v = comp[i]!;
    for (let p = g.outStart[v]!; p < g.outStart[v + 1]!; p++) {
      const e = g.outEdge[p]!;
      if (local[g.dst[e]!]! < 0 || g.dst[e] === v) continue;
      if (cheapest === -1 || g.cost[e]! < g.cost[cheapest]! || (g.cost[e] === g.cost[cheapest] && e < cheapest))
        cheapest = e;
    }
  }
  const k = comp.length;
  const state = new Uint8Array(k); // 0 new, 1 on the stack, 2 done
  const callNode = new Int32Array(k);
  const callPos = new Int32Array(k);
  const back: number[] = [];
  const roots = cheapest === -1 ? [] : [local[g.dst[cheapest]!]!];
  for (let i = 0; i < k; i++) roots.push(i);
  for (const root of roots) {
    if (state[root]) continue;
    let depth = 0;
    callNode[0] = root;
    callPos[0] = g.outStart[comp[root]!]!;
    state[root] = 1;
    while (depth >= 0) {
      const i = callNode[depth]!;
      const v = comp[i]!;
      const p = callPos[depth]!;
      if (p < g.outStart[v + 1]!) {
        callPos[depth] = p + 1;
        const e = g.outEdge[p]!;
        const j = local[g.dst[e]!]!;
        if (j < 0 || j === i) continue;
        if (state[j] === 1) back.push(e);
        else if (state[j] === 0) {
          state[j] = 1;
          depth++;
          callNode[depth] = j;
          callPos[depth] = g.outStart[comp[j]!]!;
        }
        continue;
      }
      state[i] = 2;
      depth--;
    }
  }
  return back;
}

/**
 * Whether `from` reaches `target` over live edges inside the current component (iterative DFS), and
 * how many edges it looked at. `reached` is undefined when `limit` edges were looked at first.
 */
function reaches(
  g: IndexedGraph,
  from: number,
  target: number,
  local: Int32Array,
  edgeAlive: Uint8Array,
  seen: Int32Array,
  stamp: number,
  limit: number,
): { reached: boolean | undefined; visits: number } {
  const stack = [from];
  seen[from] = stamp;
  let visits = 0;
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (v === target) return { reached: true, visits };
    for (let p = g.outStart[v]!; p < g.outStart[v + 1]!; p++) {
      if (++visits > limit) return { reached: undefined, visits };
      const e = g.outEdge[p]!;
      if (!edgeAlive[e]) continue;
      const w = g.dst[e]!;
      if (local[w]! < 0 || seen[w] === stamp) continue;
      seen[w] = stamp;
      stack.push(w);
    }
  }
  return { reached: false, visits };
}

/** The baseline the benchmark compares against: every back edge of a depth-first search (in id order). */
export function dfsBackEdges(g: IndexedGraph): number[] {
  const state = new Uint8Array(g.n); // 0 new, 1 on stack, 2 done
  const callNode = new Int32Array(g.n);
  const callPos = new Int32Array(g.n);
  const back: number[] = [];
  for (let root = 0; root < g.n; root++) {
    if (state[root]) continue;
    let depth = 0;
    callNode[0] = root;
    callPos[0] = g.outStart[root]!;
    state[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth]!;
      const p = callPos[depth]!;
      if (p < g.outStart[v + 1]!) {
        callPos[depth] = p + 1;
        const e = g.outEdge[p]!;
        const w = g.dst[e]!;
        if (state[w] === 1) back.push(e);
        else if (state[w] === 0) {
          state[w] = 1;
          depth++;
          callNode[depth] = w;
          callPos[depth] = g.outStart[w]!;
        }
        continue;
      }
      state[v] = 2;
      depth--;
    }
  }
  return back.sort((a, b) => a - b);
}
