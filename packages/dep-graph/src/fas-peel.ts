import { IntHeap } from './heap.js';
import type { IndexedGraph } from './indexed.js';

/**
 * One strongly connected component as a graph of its own over local indices 0..k-1: the weighted and
 * counted degrees (which the peeling lowers as nodes leave) and CSR lists of the global indices of its
 * inner edges (self-loops already cut). Typed arrays built once per component: a component may have
 * millions of nodes, and the peeling must not allocate per node or edge.
 */
interface LocalGraph {
  readonly g: IndexedGraph;
  /** Global node → local index, −1 outside the component. */
  readonly local: Int32Array;
  readonly k: number;
  readonly outW: Float64Array;
  readonly inW: Float64Array;
  readonly outC: Int32Array;
  readonly inC: Int32Array;
  /** Out-edges of local node i: `outList[outAt[i] .. outAt[i+1])`; in-edges likewise. */
  readonly outAt: Int32Array;
  readonly inAt: Int32Array;
  readonly outList: Int32Array;
  readonly inList: Int32Array;
}

/** The work lists of the peeling: which nodes are still in, and the three queues they leave by. */
interface Peeling {
  readonly alive: Uint8Array;
  readonly sinks: IntHeap;
  readonly sources: IntHeap;
  readonly queue: MaxDeltaQueue;
}

/** The ELS peeling of one component; returns the global indices of its backward edges. */
export function peelComponent(g: IndexedGraph, comp: Int32Array, local: Int32Array): number[] {
  const c = localGraph(g, comp, local);
  const { front, back } = peelOrder(c);
  return backwardEdges(c, front, back);
}

/** The component's local degrees, then its edge lists laid out from them. */
function localGraph(g: IndexedGraph, comp: Int32Array, local: Int32Array): LocalGraph {
  const degrees = localDegrees(g, comp, local);
  return { g, local, k: comp.length, ...degrees, ...localEdgeLists(g, comp, local, degrees.outC, degrees.inC) };
}

/** Weighted and counted in/out degrees over the edges that stay inside the component. */
function localDegrees(g: IndexedGraph, comp: Int32Array, local: Int32Array) {
  const k = comp.length;
  const outW = new Float64Array(k);
  const inW = new Float64Array(k);
  const outC = new Int32Array(k);
  const inC = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const v = comp[i]!;
    for (let p = g.outStart[v]!; p < g.outStart[v + 1]!; p++) {
      const e = g.outEdge[p]!;
      const j = local[g.dst[e]!]!;
      if (j < 0 || j === i) continue;
      outW[i]! += g.cost[e]!;
      inW[j]! += g.cost[e]!;
      outC[i]!++;
      inC[j]!++;
    }
  }
  return { outW, inW, outC, inC };
}

/** CSR out- and in-edge lists sized by the initial counts (before the peeling lowers them). */
function localEdgeLists(g: IndexedGraph, comp: Int32Array, local: Int32Array, outC: Int32Array, inC: Int32Array) {
  const k = comp.length;
  const outAt = new Int32Array(k + 1);
  const inAt = new Int32Array(k + 1);
  for (let i = 0; i < k; i++) {
    outAt[i + 1] = outAt[i]! + outC[i]!;
    inAt[i + 1] = inAt[i]! + inC[i]!;
  }
  const outList = new Int32Array(outAt[k]!);
  const inList = new Int32Array(inAt[k]!);
  const outFill = outAt.slice(0, k);
  const inFill = inAt.slice(0, k);
  for (let i = 0; i < k; i++) {
    const v = comp[i]!;
    for (let p = g.outStart[v]!; p < g.outStart[v + 1]!; p++) {
      const e = g.outEdge[p]!;
      const j = local[g.dst[e]!]!;
      if (j < 0 || j === i) continue;
      outList[outFill[i]!++] = e;
      inList[inFill[j]!++] = e;
    }
  }
  return { outAt, inAt, outList, inList };
}

/** Every node alive and queued by its delta; the initial sinks and sources in their heaps. */
function startPeeling(c: LocalGraph): Peeling {
  const { k, outW, inW, outC, inC } = c;
  let maxOut = 0;
  let maxIn = 0;
  for (let i = 0; i < k; i++) {
    if (outW[i]! > maxOut) maxOut = outW[i]!;
    if (inW[i]! > maxIn) maxIn = inW[i]!;
  }
  // Read live: the queue sees each node's delta as the peeling lowers its degrees.
  const delta = (i: number): number => outW[i]! - inW[i]!;
  const alive = new Uint8Array(k).fill(1);
  const queue = createMaxDeltaQueue(maxIn, maxOut, k, delta, alive);
  const sinks = new IntHeap();
  const sources = new IntHeap();
  for (let i = 0; i < k; i++) {
    queue.push(i);
    if (outC[i] === 0) sinks.push(i);
    if (inC[i] === 0) sources.push(i);
  }
  return { alive, sinks, sources, queue };
}

/**
 * The peel loop: sinks go to the back, then one source to the front, until neither is left; then the
 * node of largest delta (ties: smallest index) to the front. `back` comes out in peeling order, so the
 * final order is `front` followed by `back` reversed.
 */
function peelOrder(c: LocalGraph): { front: number[]; back: number[] } {
  const s = startPeeling(c);
  const { alive, sinks, sources, queue } = s;
  const front: number[] = [];
  const back: number[] = [];
  let remaining = c.k;
  while (remaining > 0) {
    let progressed = true;
    while (progressed) {
      progressed = false;
      while (sinks.size > 0) {
        const i = sinks.pop()!;
        if (!alive[i]) continue;
        back.push(i);
        takeNode(c, s, i);
        remaining--;
        progressed = true;
      }
      while (sources.size > 0) {
        const i = sources.pop()!;
        if (!alive[i]) continue;
        front.push(i);
        takeNode(c, s, i);
        remaining--;
        progressed = true;
        break; // a new sink may have appeared: sinks first, as in the original algorithm
      }
    }
    if (remaining === 0) break;
    const best = queue.popMax();
    front.push(best);
    takeNode(c, s, best);
    remaining--;
  }
  return { front, back };
}

/**
 * Takes node i out: its live neighbours lose their edges with it, become sources or sinks when the
 * last one goes, and are queued again under their new delta (older entries turn stale).
 */
function takeNode(c: LocalGraph, s: Peeling, i: number): void {
  const { g, local, inC, inW, outC, outW, outAt, inAt, outList, inList } = c;
  const { alive, sinks, sources, queue } = s;
  alive[i] = 0;
  for (let p = outAt[i]!; p < outAt[i + 1]!; p++) {
    const e = outList[p]!;
    const j = local[g.dst[e]!]!;
    if (!alive[j]) continue;
    inC[j]!--;
    inW[j]! -= g.cost[e]!;
    if (inC[j] === 0) sources.push(j);
    queue.push(j);
  }
  for (let p = inAt[i]!; p < inAt[i + 1]!; p++) {
    const e = inList[p]!;
    const j = local[g.src[e]!]!;
    if (!alive[j]) continue;
    outC[j]!--;
    outW[j]! -= g.cost[e]!;
    if (outC[j] === 0) sinks.push(j);
    queue.push(j);
  }
}

/** The edges pointing backwards in the order `front`, then `back` reversed: the component's cut. */
function backwardEdges(c: LocalGraph, front: readonly number[], back: readonly number[]): number[] {
  const { g, local, k, outAt, outList } = c;
  const position = new Int32Array(k);
  let p = 0;
  for (const i of front) position[i] = p++;
  for (let q = back.length - 1; q >= 0; q--) position[back[q]!] = p++;
  const cut: number[] = [];
  for (let i = 0; i < k; i++) {
    for (let at = outAt[i]!; at < outAt[i + 1]!; at++) {
      const e = outList[at]!;
      if (position[local[g.dst[e]!]!]! < position[i]!) cut.push(e);
    }
  }
  return cut;
}

interface MaxDeltaQueue {
  push(i: number): void;
  /** The live node with the largest delta, smallest index first. */
  popMax(): number;
}

/**
 * Bucket queue on the integer delta (lazy: an entry is stale when its node died or its delta
 * moved); each bucket is a min-heap so ties go to the smallest index. Falls back to one heap when
 * the delta range is too wide for buckets (huge custom weights).
 */
function createMaxDeltaQueue(
  maxIn: number,
  maxOut: number,
  k: number,
  delta: (i: number) => number,
  alive: Uint8Array,
): MaxDeltaQueue {
  const range = maxIn + maxOut + 1;
  if (range > 8 * k + 4096) {
    // Entries are immutable (node, delta at push time); a popped entry is stale when either moved on.
    const entryNode: number[] = [];
    const entryKey: number[] = [];
    const heap = new IntHeap((a, b) =>
      entryKey[a] !== entryKey[b] ? entryKey[a]! > entryKey[b]! : entryNode[a]! < entryNode[b]!,
    );
    return {
      push(i) {
        entryNode.push(i);
        entryKey.push(delta(i));
        heap.push(entryNode.length - 1);
      },
      popMax() {
        for (;;) {
          const entry = heap.pop()!;
          const i = entryNode[entry]!;
          if (alive[i] && delta(i) === entryKey[entry]) return i;
        }
      },
    };
  }
  const buckets: (IntHeap | undefined)[] = new Array<IntHeap | undefined>(range);
  let top = -1;
  return {
    push(i) {
      const b = delta(i) + maxIn;
      let heap = buckets[b];
      if (!heap) buckets[b] = heap = new IntHeap();
      heap.push(i);
      if (b > top) top = b;
    },
    popMax() {
      for (;;) {
        const heap = buckets[top];
        if (!heap || heap.size === 0) {
          top--;
          continue;
        }
        const i = heap.pop()!;
        if (alive[i] && delta(i) + maxIn === top) return i;
      }
    },
  };
}
