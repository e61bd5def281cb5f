import { csr, type IndexedGraph } from './indexed.js';
import { stronglyConnectedComponents, type Components } from './scc.js';

export interface CycleListing {
  /** Each cycle as node indices, starting at its smallest index; self-loops first. */
  cycles: number[][];
  /** True when the bound stopped the listing before every elementary cycle was found. */
  truncated: boolean;
}

interface Local {
  n: number;
  dst: Int32Array;
  outStart: Int32Array;
  outEdge: Int32Array;
  /** Local index → node index of the parent graph. */
  global: Int32Array;
}

/** The sub-graph induced by `members` (sorted node indices), without self-loops, in local indices. */
function induced(
  g: Pick<IndexedGraph, 'dst' | 'outStart' | 'outEdge'>,
  members: Int32Array,
  parentGlobal?: Int32Array,
): Local {
  // Parent index → local index (−1 outside), in a typed array: a component may have millions of nodes.
  const local = new Int32Array(g.outStart.length - 1).fill(-1);
  for (let i = 0; i < members.length; i++) local[members[i]!] = i;
  let m = 0;
  for (let i = 0; i < members.length; i++) {
    const v = members[i]!;
    for (let p = g.outStart[v]!; p < g.outStart[v + 1]!; p++) {
      const w = local[g.dst[g.outEdge[p]!]!]!;
      if (w !== -1 && w !== i) m++;
    }
  }
  const s = new Int32Array(m);
  const d = new Int32Array(m);
  m = 0;
  for (let i = 0; i < members.length; i++) {
    const v = members[i]!;
    for (let p = g.outStart[v]!; p < g.outStart[v + 1]!; p++) {
      const w = local[g.dst[g.outEdge[p]!]!]!;
      if (w !== -1 && w !== i) {
        s[m] = i;
        d[m++] = w;
      }
    }
  }
  const adjacency = csr(members.length, s, d);
  const global = parentGlobal ? members.map((m) => parentGlobal[m]!) : members.slice();
  return { n: members.length, dst: d, outStart: adjacency.outStart, outEdge: adjacency.outEdge, global };
}

/**
 * Lists elementary cycles with Johnson's algorithm (as networkx's `simple_cycles`): per strongly
 * connected component, every cycle through its smallest node, then that node is removed and the
 * rest split again. Stops after `maxCycles`, so the cost is O((maxCycles + 1)(n + m)).
 */
export function listCycles(g: IndexedGraph, maxCycles = 100, components?: Components): CycleListing {
  const cycles: number[][] = [];
  if (maxCycles <= 0)
    return {
      cycles,
      truncated:
        g.src.some((s, e) => s === g.dst[e]) || (components ?? stronglyConnectedComponents(g)).cyclic.length > 0,
    };
  for (let e = 0; e < g.src.length; e++) {
    if (g.src[e] === g.dst[e]) {
      if (cycles.length >= maxCycles) return { cycles, truncated: true };
      cycles.push([g.src[e]!]);
    }
  }
  const top = components ?? stronglyConnectedComponents(g);
  const queue: Local[] = [];
  // Components in node order of their smallest member, so the listing order is stable.
  for (const members of top.cyclic) queue.push(induced(g, members));
  while (queue.length > 0) {
    const sub = queue.shift()!;
    const found = circuitsThrough(sub, 0, maxCycles - cycles.length);
    for (const c of found.cycles) cycles.push(c.map((v) => sub.global[v]!));
    if (found.truncated) return { cycles, truncated: true };
    // Remove the start node (local 0) and split what remains.
    const rest = new Int32Array(sub.n - 1);
    for (let i = 1; i < sub.n; i++) rest[i - 1] = i;
    const restGraph = induced(sub, rest, sub.global);
    const parts = stronglyConnectedComponents(restGraph);
    for (const members of parts.cyclic) queue.push(induced(restGraph, members, restGraph.global));
  }
  return { cycles, truncated: false };
}

/** Johnson's CIRCUIT search from `start`, iterative, with the blocked set and B lists. */
function circuitsThrough(g: Local, start: number, limit: number): { cycles: number[][]; truncated: boolean } {
  const cycles: number[][] = [];
  const blocked = new Uint8Array(g.n);
  // Johnson's B lists, made only for the nodes that need one (a component may have millions of nodes).
  const B: (number[] | undefined)[] = new Array<number[] | undefined>(g.n);
  const path: number[] = [start];
  const pos: number[] = [g.outStart[start]!];
  const closed: boolean[] = [false];
  blocked[start] = 1;

  const unblock = (u: number): void => {
    const todo = [u];
    while (todo.length > 0) {
      const x = todo.pop()!;
      if (!blocked[x]) continue;
      blocked[x] = 0;
      const list = B[x];
      if (!list) continue;
      for (const y of list) todo.push(y);
      B[x] = undefined;
    }
  };

  while (path.length > 0) {
    const depth = path.length - 1;
    const v = path[depth]!;
    const p = pos[depth]!;
    if (p < g.outStart[v + 1]!) {
      pos[depth] = p + 1;
      const w = g.dst[g.outEdge[p]!]!;
      if (w === start) {
        if (cycles.length >= limit) return { cycles, truncated: true };
        cycles.push(path.slice());
        closed[depth] = true;
      } else if (!blocked[w]) {
        path.push(w);
        pos.push(g.outStart[w]!);
        closed.push(false);
        blocked[w] = 1;
      }
      continue;
    }
    path.pop();
    pos.pop();
    const wasClosed = closed.pop()!;
    if (wasClosed) {
      if (closed.length > 0) closed[closed.length - 1] = true;
      unblock(v);
    } else {
      for (let q = g.outStart[v]!; q < g.outStart[v + 1]!; q++) {
        const w = g.dst[g.outEdge[q]!]!;
        const list = B[w];
        if (!list) B[w] = [v];
        // A repeat costs one more step when unblocking; checking for it on long lists would cost more.
        else if (list[list.length - 1] !== v) list.push(v);
      }
    }
  }
  return { cycles, truncated: false };
}
