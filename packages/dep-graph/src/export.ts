import type { GraphAnalysis } from './analyze.js';

export type ExportFormat = 'json' | 'dot' | 'mermaid';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'dot', 'mermaid'];

/** Renders an analysis in one of the export formats (each ends with a newline). */
export function exportGraph(analysis: GraphAnalysis, format: ExportFormat): string {
  if (format === 'dot') return toDot(analysis);
  if (format === 'mermaid') return toMermaid(analysis);
  return `${JSON.stringify(analysis, null, 2)}\n`;
}

function cutKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Graphviz DOT: one cluster per wave, cut edges dashed red, edge labels give the type. */
export function toDot(a: GraphAnalysis): string {
  const cut = new Set(a.removedEdges.map((e) => cutKey(e.from, e.to)));
  const lines = [
    'digraph st3 {',
    '  rankdir=LR;',
    '  node [shape=box, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  a.waves.forEach((wave, i) => {
    lines.push(`  subgraph cluster_wave_${i} {`, `    label=${dotString(`wave ${i}`)};`, '    style=dashed;');
    for (const id of wave) lines.push(`    ${dotString(id)};`);
    lines.push('  }');
  });
  for (const e of a.edges) {
    const attrs = [`label=${dotString(e.type ?? 'dependency')}`];
    if (cut.has(cutKey(e.from, e.to))) attrs.push('style=dashed', 'color=red', 'constraint=false');
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function mermaidLabel(s: string): string {
  return `"${s.replace(/"/g, '#quot;').replace(/[<>]/g, (c) => (c === '<' ? '#lt;' : '#gt;'))}"`;
}

/** Mermaid flowchart: one subgraph per wave, cut edges dotted and labelled "cut". */
export function toMermaid(a: GraphAnalysis): string {
  const key = new Map<string, string>();
  a.nodes.forEach((node, i) => key.set(node.id, `n${i}`));
  const cut = new Set(a.removedEdges.map((e) => cutKey(e.from, e.to)));
  const lines = ['flowchart LR'];
  a.waves.forEach((wave, i) => {
    lines.push(`  subgraph wave${i}[${mermaidLabel(`wave ${i}`)}]`);
    for (const id of wave) lines.push(`    ${key.get(id)}[${mermaidLabel(id)}]`);
    lines.push('  end');
  });
  for (const e of a.edges) {
    const type = (e.type ?? 'dependency').replace(/[|"]/g, '');
    const arrow = cut.has(cutKey(e.from, e.to)) ? `-.->|${type} cut|` : `-->|${type}|`;
    lines.push(`  ${key.get(e.from)} ${arrow} ${key.get(e.to)}`);
  }
  return `${lines.join('\n')}\n`;
}
