import { createHash } from 'node:crypto';
import { St3Error, type GraphEdge, type GraphInput, type GraphNode } from '@st3/schemas';

/**
 * A graph indexed for running: nodes by dense index (sorted by id, so every tie is broken by id),
 * dependents in compressed rows, dependency counts, Kahn waves and each node's longest path to a
 * sink (the scheduling priority). Linear in nodes + edges.
 */
export interface ExecutionPlan {
  ids: string[];
  nodes: GraphNode[];
  index: Map<string, number>;
  /** Dependents of node i: `dependents[offsets[i] .. offsets[i+1])`. */
  offsets: Int32Array;
  dependents: Int32Array;
  /** Number of distinct dependencies of each node. */
  dependencyCount: Int32Array;
  /** Kahn level of each node (0 = no dependencies). */
  level: Int32Array;
  waves: number[][];
  /** Nodes on the longest path from the node to a sink, itself included. */
  pathLength: Int32Array;
  edges: GraphEdge[];
}

/** Edges `st3 graph` removed to break cycles are listed in `removedEdges`; they are not run. */
function activeEdges(graph: GraphInput): GraphEdge[] {
  const removed = (graph as { removedEdges?: unknown }).removedEdges;
  if (!Array.isArray(removed) || removed.length === 0) return graph.edges;
  const cut = new Set(removed.map((e: { from?: string; to?: string }) => `${e.from}\u0000${e.to}`));
  return graph.edges.filter((e) => !cut.has(`${e.from}\u0000${e.to}`));
}

export function planExecution(graph: GraphInput): ExecutionPlan {
  const nodes = [...graph.nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = nodes.map((n) => n.id);
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    if (index.has(ids[i]!))
      throw new St3Error('E_EXEC_GRAPH_INVALID', `duplicate node id "${ids[i]}"`, {
        hint: 'every node id must be unique',
      });
    index.set(ids[i]!, i);
  }
  const n = ids.length;
  const edges = activeEdges(graph);
  const pairs: number[] = [];
  for (const e of edges) {
    const from = index.get(e.from);
    const to = index.get(e.to);
    if (from === undefined || to === undefined) {
      const missing = from === undefined ? e.from : e.to;
      throw new St3Error('E_EXEC_GRAPH_INVALID', `edge ${e.from} → ${e.to} names unknown node "${missing}"`, {
        hint: 'every edge must connect two listed nodes',
      });
    }
    if (from === to)
      throw new St3Error('E_EXEC_GRAPH_INVALID', `node "${e.from}" depends on itself`, {
        hint: 'run `st3 graph` to break cycles first',
      });
    pairs.push(from, to);
  }
  // Compressed rows of dependents, each row sorted (id order: deterministic readiness) and
  // stripped of parallel edges in place (a Set of pair keys is several times slower at 1M edges).
  const rawOffsets = new Int32Array(n + 1);
  for (let k = 0; k < pairs.length; k += 2) rawOffsets[pairs[k]! + 1]!++;
  for (let i = 0; i < n; i++) rawOffsets[i + 1]! += rawOffsets[i]!;
  const fill = rawOffsets.slice(0, n);
  const raw = new Int32Array(pairs.length / 2);
  for (let k = 0; k < pairs.length; k += 2) raw[fill[pairs[k]!]!++] = pairs[k + 1]!;
  const offsets = new Int32Array(n + 1);
  const dependencyCount = new Int32Array(n);
  let write = 0;
  for (let i = 0; i < n; i++) {
    const row = raw.subarray(rawOffsets[i]!, rawOffsets[i + 1]!).sort();
    for (let k = 0; k < row.length; k++) {
      if (k > 0 && row[k] === row[k - 1]) continue;
      raw[write++] = row[k]!;
      dependencyCount[row[k]!]!++;
    }
    offsets[i + 1] = write;
  }
  const dependents = raw.slice(0, write);

  const level = new Int32Array(n);
  const remaining = dependencyCount.slice();
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (remaining[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    const u = order[head]!;
    for (let k = offsets[u]!; k < offsets[u + 1]!; k++) {
      const v = dependents[k]!;
      if (level[u]! + 1 > level[v]!) level[v] = level[u]! + 1;
      if (--remaining[v]! === 0) order.push(v);
    }
  }
  if (order.length < n) {
    const stuck: string[] = [];
    for (let i = 0; i < n && stuck.length < 10; i++) if (remaining[i]! > 0) stuck.push(ids[i]!);
    throw new St3Error(
      'E_EXEC_GRAPH_INVALID',
      `the graph has a dependency cycle through ${n - order.length} node(s), e.g. ${stuck.join(', ')}`,
      {
        hint: 'run `st3 graph` first: it removes a minimum set of edges to break cycles',
        details: { nodesInCycles: n - order.length, sample: stuck },
      },
    );
  }
  const waves: number[][] = [];
  for (const u of order) (waves[level[u]!] ??= []).push(u);
  for (const w of waves) w.sort((a, b) => a - b);

  const pathLength = new Int32Array(n);
  for (let k = order.length - 1; k >= 0; k--) {
    const u = order[k]!;
    let best = 0;
    for (let j = offsets[u]!; j < offsets[u + 1]!; j++) best = Math.max(best, pathLength[dependents[j]!]!);
    pathLength[u] = best + 1;
  }
  return { ids, nodes, index, offsets, dependents, dependencyCount, level, waves, pathLength, edges };
}

/** Identity of a plan's graph for resume checks: sha256 over the sorted node ids and the distinct active edges in (from, to) id order. */
export function planHash(plan: ExecutionPlan): string {
  const h = createHash('sha256');
  const chunk: string[] = [];
  const flush = () => {
    h.update(chunk.join(''));
    chunk.length = 0;
  };
  for (const id of plan.ids) {
    chunk.push(`n:${id}\n`);
    if (chunk.length > 4096) flush();
  }
  for (let u = 0; u < plan.ids.length; u++) {
    for (let k = plan.offsets[u]!; k < plan.offsets[u + 1]!; k++) {
      chunk.push(`e:${plan.ids[u]}\u0000${plan.ids[plan.dependents[k]!]}\n`);
      if (chunk.length > 4096) flush();
    }
  }
  flush();
  return h.digest('hex');
}

/** `planHash` of a graph (throws like `planExecution` on an invalid one). */
export function graphHash(graph: GraphInput): string {
  return planHash(planExecution(graph));
}
