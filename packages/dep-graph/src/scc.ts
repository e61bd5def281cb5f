import type { IndexedGraph } from './indexed.js';

export interface Components {
  /** Component number of each node. Tarjan numbers sinks first: an edge u→v has comp[u] ≥ comp[v]. */
  readonly comp: Int32Array;
  readonly count: number;
  /** Size of each component. */
  readonly size: Int32Array;
  /**
   * Members of every component with more than one node (each sorted by node index), ordered by their
   * smallest member. Singletons are left out: on a mostly acyclic graph there are ~n of them.
   */
  readonly cyclic: Int32Array[];
}

type Adjacency = Pick<IndexedGraph, 'n' | 'dst' | 'outStart' | 'outEdge'>;

/**
 * Tarjan's strongly connected components, iterative (an explicit stack instead of recursion, so a
 * 1M-node path does not overflow the call stack). O(n + m). `alive` restricts it to a sub-graph.
 */
export function stronglyConnectedComponents(g: Adjacency, alive?: Uint8Array, edgeAlive?: Uint8Array): Components {
  const { n, dst, outStart, outEdge } = g;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let sp = 0;
  const callNode = new Int32Array(n);
  const callPos = new Int32Array(n);
  let counter = 0;
  let count = 0;
  const sizes: number[] = [];

  for (let root = 0; root < n; root++) {
    if (order[root] !== -1 || (alive && !alive[root])) continue;
    let depth = 0;
    callNode[0] = root;
    callPos[0] = outStart[root]!;
    order[root] = low[root] = counter++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth]!;
      const pos = callPos[depth]!;
      if (pos < outStart[v + 1]!) {
        callPos[depth] = pos + 1;
        const e = outEdge[pos]!;
        if (edgeAlive && !edgeAlive[e]) continue;
        const w = dst[e]!;
        if (alive && !alive[w]) continue;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callPos[depth] = outStart[w]!;
        } else if (onStack[w] && order[w]! < low[v]!) {
          low[v] = order[w]!;
        }
        continue;
      }
      if (low[v] === order[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          comp[w] = count;
          size++;
        } while (w !== v);
        sizes.push(size);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }

  const size = Int32Array.from(sizes);
  const slot = new Int32Array(count).fill(-1);
  const cyclic: Int32Array[] = [];
  const fill: number[] = [];
  // Nodes in index order: the first member met decides the component's place, members come out sorted.
  for (let v = 0; v < n; v++) {
    const c = comp[v]!;
    if (c < 0 || size[c]! < 2) continue;
    if (slot[c] === -1) {
      slot[c] = cyclic.length;
      cyclic.push(new Int32Array(size[c]!));
      fill.push(0);
    }
    const k = slot[c]!;
    cyclic[k]![fill[k]!++] = v;
  }
  return { comp, count, size, cyclic };
}
