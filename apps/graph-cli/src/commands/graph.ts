import { resolve } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { EXPORT_FORMATS, type ExportFormat, type GraphAnalysis, type IndexedGraph } from '@st3/dep-graph/core';
import type { GraphInput } from '@st3/schemas';
import { St3Error } from '@st3/schemas/errors';
import { fastGraphInput } from '../fast-input.js';
import type { SkippedSource } from '../graph-inputs.js';

export const command = defineCommand({
  name: 'graph',
  summary:
    'build the dependency graph of atoms: cycles, the edges cut to break them, waves, critical path; export JSON, DOT or Mermaid',
  args: [{ name: 'inputs', description: 'source files or folders, atoms.json or graph.json', variadic: true }],
  options: {
    format: {
      type: 'enum',
      choices: EXPORT_FORMATS,
      errorCode: 'E_GRAPH_OPTIONS',
      description: 'export format (default: a text summary, or the --out extension)',
    },
    out: {
      type: 'string',
      valueName: 'FILE',
      description: 'write the export to FILE (atomically) and print the summary',
    },
    width: {
      type: 'number',
      integer: true,
      min: 1,
      description: 'spread waves wider than N nodes within their slack (the wave count never grows)',
    },
    'max-cycles': {
      type: 'number',
      integer: true,
      min: 0,
      default: 100,
      description: 'list at most N cycles (cutting them is exact regardless)',
    },
    files: {
      type: 'boolean',
      description: 'the file-level import graph instead of the atom graph (atomizer input only)',
    },
    tsconfig: {
      type: 'string',
      valueName: 'FILE',
      description: 'resolve tsconfig `paths` from FILE (default: the workspace tsconfig.json)',
    },
  },
  examples: [
    'st3 atomize src --json > atoms.json && st3 graph atoms.json',
    'st3 graph atoms.json --format mermaid --out graph.mmd',
    'st3 graph graph.json --format dot | dot -Tsvg > graph.svg',
    'st3 graph atoms.json --json | jq .stats',
  ],
  async run({ values, args, common, io, usage }) {
    const out = createOutput(io, common);
    const cwd = resolve(io.cwd, common.cwd ?? '.');
    const format = pickFormat(values.format, values.out);
    const width = values.width;
    const maxCycles = values['max-cycles'];
    const { analyzeGraph, exportGraph } = await import('@st3/dep-graph/core');
    // A lone graph.json takes the fast path (bytes to compact graph); atoms and sources the full loader.
    let graph: GraphInput | IndexedGraph | undefined = values.files
      ? undefined
      : await fastGraphInput(args.inputs, cwd);
    let skipped: SkippedSource[] = [];
    if (!graph) {
      const { loadGraphInputs } = await import('../graph-inputs.js');
      const ws = resolveWorkspace(io, common);
      const inputs = await loadGraphInputs(args.inputs, { cwd, root: ws.root, tsconfig: values.tsconfig, out, usage });
      graph = inputs.graph;
      skipped = inputs.skipped;
      if (values.files) {
        if (!inputs.built)
          throw new St3Error('E_GRAPH_OPTIONS', '--files needs atomizer output or source paths', {
            hint: 'a {nodes, edges} graph has no files to group by',
          });
        graph = inputs.built.files;
      }
    }
    const analysis = analyzeGraph(graph, { maxCycles, ...(width !== undefined ? { maxWidth: width } : {}) });

    if (values.out) {
      const { writeFileAtomic } = await import('@st3/fs');
      await writeFileAtomic(resolve(cwd, values.out), exportGraph(analysis, format ?? 'json'));
    }
    if (common.json) {
      // Not a verdict: files the atomizer skipped are listed (and were warned about), the graph is of the rest.
      out.document({ ...analysis, skipped });
      return EXIT.ok;
    }
    if (format && !values.out) {
      io.stdout.write(exportGraph(analysis, format));
      warnSkipped(skipped, out);
      return EXIT.ok;
    }
    printSummary(analysis, out);
    warnSkipped(skipped, out);
    if (values.out) out.info(`wrote ${values.out} (${format ?? 'json'})`);
    return EXIT.ok;
  },
});

function pickFormat(flag: ExportFormat | undefined, outFile: string | undefined): ExportFormat | undefined {
  if (flag !== undefined) return flag;
  if (!outFile) return undefined;
  if (/\.(dot|gv)$/i.test(outFile)) return 'dot';
  if (/\.(mmd|mermaid)$/i.test(outFile)) return 'mermaid';
  return 'json';
}

export function printSummary(a: GraphAnalysis, out: ReturnType<typeof createOutput>): void {
  const s = a.stats;
  const types = Object.entries(s.edgesByType)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  out.line(`${s.nodes} nodes, ${s.edges} edges${types ? ` (${types})` : ''}`);
  out.line(
    `${s.waves} waves, widest ${s.widestWave}, mean parallelism ${s.meanParallelism}, critical path ${s.criticalPathLength}`,
  );
  if (s.cyclesFound > 0) {
    out.line(
      `${s.cyclesFound}${s.cyclesTruncated ? '+' : ''} cycles; ${s.edgesRemoved} edges cut to break them (weight ${s.removedWeight}):`,
    );
    for (const c of a.cycles.slice(0, 5)) out.info(`  cycle ${[...c, c[0]].join(' -> ')}`);
    for (const e of a.removedEdges.slice(0, 20))
      out.line(`  cut ${e.from} -> ${e.to} (${e.type}${e.symbols?.length ? `: ${e.symbols.join(', ')}` : ''})`);
    if (a.removedEdges.length > 20) out.line(`  … and ${a.removedEdges.length - 20} more (see --json)`);
  } else {
    out.line('no cycles');
  }
  if (s.overfullWaves && s.overfullWaves.length > 0)
    out.warn(`waves ${s.overfullWaves.join(', ')} stay wider than --width ${s.maxWidth}: their nodes have no slack`);
}

/** After the report: how many source files the graph leaves out (each was warned about as it was skipped). */
export function warnSkipped(skipped: readonly SkippedSource[], out: ReturnType<typeof createOutput>): void {
  if (skipped.length > 0)
    out.warn(
      `${skipped.length} source file${skipped.length === 1 ? '' : 's'} not atomized, so not in the graph: ${skipped.map((s) => s.path).join(', ')}`,
    );
}
