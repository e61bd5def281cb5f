import type { GraphEdge, GraphInput } from '@st3/schemas';

/**
 * The graph restricted to the nodes `keep` selects. An order between two kept nodes that went
 * through dropped ones is kept as a direct edge (type `dependency`), so a kept node still runs after
 * every kept node it depended on. Dropped nodes are context only.
 */
export function restrictGraph(graph: GraphInput, keep: (node: GraphInput['nodes'][number]) => boolean): GraphInput {
  const kept = new Set(graph.nodes.filter(keep).map((n) => n.id));
  const preds = new Map<string, string[]>();
  for (const e of graph.edges) preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const id of kept) {
    // Walk up through dropped nodes to the nearest kept ancestors.
    const stack = [...(preds.get(id) ?? [])];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (visited.has(p)) continue;
      visited.add(p);
      if (kept.has(p)) {
        const key = `${p}\u0000${id}`;
        if (!seen.has(key)) {
          seen.add(key);
          const direct = graph.edges.find((e) => e.from === p && e.to === id);
          edges.push(direct ?? { from: p, to: id, type: 'dependency' });
        }
      } else stack.push(...(preds.get(p) ?? []));
    }
  }
  return { nodes: graph.nodes.filter((n) => kept.has(n.id)), edges };
}
