import type { GraphEdge, GraphInput } from '@st3/schemas';

/**
 * The graph restricted to the nodes `keep` selects. An order between two kept nodes that went
 * through dropped ones is kept as a direct edge (type `dependency`), so a kept node still runs after
 * every kept node it depended on. Dropped nodes are context only. Linear in the graph plus the
 * bridged edges (the nearest kept ancestors of each dropped node are computed once).
 */
export function restrictGraph(graph: GraphInput, keep: (node: GraphInput['nodes'][number]) => boolean): GraphInput {
  const kept = new Set(graph.nodes.filter(keep).map((n) => n.id));
  const preds = new Map<string, string[]>();
  const direct = new Map<string, GraphEdge>();
  for (const e of graph.edges) {
    const list = preds.get(e.to);
    if (list) list.push(e.from);
    else preds.set(e.to, [e.from]);
    if (!direct.has(`${e.from}\u0000${e.to}`)) direct.set(`${e.from}\u0000${e.to}`, e);
  }
  // Nearest kept ancestors of a dropped node, memoised; computed without recursion (deep chains).
  const memo = new Map<string, Set<string>>();
  const entered = new Set<string>();
  const keptAbove = (start: string): Set<string> => {
    const stack: [string, boolean][] = [[start, false]];
    while (stack.length > 0) {
      const [id, expanded] = stack.pop()!;
      if (memo.has(id)) continue;
      if (!expanded) {
        if (entered.has(id)) continue; // a cycle through dropped nodes: it adds nothing
        entered.add(id);
        stack.push([id, true]);
        for (const p of preds.get(id) ?? []) if (!kept.has(p) && !memo.has(p)) stack.push([p, false]);
        continue;
      }
      const out = new Set<string>();
      for (const p of preds.get(id) ?? []) {
        if (kept.has(p)) out.add(p);
        else for (const a of memo.get(p) ?? []) out.add(a);
      }
      memo.set(id, out);
    }
    return memo.get(start)!;
  };
  const edges: GraphEdge[] = [];
  for (const id of kept) {
    const from = new Set<string>();
    for (const p of preds.get(id) ?? []) {
      if (kept.has(p)) from.add(p);
      else for (const a of keptAbove(p)) from.add(a);
    }
    for (const p of from) edges.push(direct.get(`${p}\u0000${id}`) ?? { from: p, to: id, type: 'dependency' });
  }
  return { nodes: graph.nodes.filter((n) => kept.has(n.id)), edges };
}
