import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createOutput, defineCommand, EXIT, intFlag, parseCommandArgs, resolveWorkspace } from '@st3/cli-kit';
import { analyzeGraph, exportGraph, EXPORT_FORMATS, type ExportFormat, type GraphAnalysis } from '@st3/dep-graph';
import { St3Error } from '@st3/schemas';
import { loadGraphInputs } from '../graph-inputs.js';

const usage =
  'st3 graph <paths|atoms.json|graph.json>... [--format json|dot|mermaid] [--out FILE] [--width N] [--max-cycles N] [--files] [--json]';

export const command = defineCommand({
  name: 'graph',
  summary:
    'build the dependency graph of atoms: cycles, the edges cut to break them, waves, critical path; export JSON, DOT or Mermaid',
  usage,
  options: [
    '--format F       json | dot | mermaid (default: a text summary, or the --out extension)',
    '--out FILE       write the export to FILE (atomically) and print the summary',
    '--width N        spread waves wider than N nodes within their slack (the wave count never grows)',
    '--max-cycles N   list at most N cycles (default 100; cutting them is exact regardless)',
    '--files          the file-level import graph instead of the atom graph (atomizer input only)',
    '--tsconfig FILE  resolve tsconfig `paths` from FILE (default: the workspace tsconfig.json)',
  ],
  examples: [
    'st3 atomize src --json > atoms.json && st3 graph atoms.json',
    'st3 graph atoms.json --format mermaid --out graph.mmd',
    'st3 graph graph.json --format dot | dot -Tsvg > graph.svg',
    'st3 graph atoms.json --json | jq .stats',
  ],
  async run(argv, io) {
    const { values, positionals, common } = parseCommandArgs(
      argv,
      {
        format: { type: 'string' },
        out: { type: 'string' },
        width: { type: 'string' },
        'max-cycles': { type: 'string' },
        files: { type: 'boolean' },
        tsconfig: { type: 'string' },
      },
      usage,
    );
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const cwd = resolve(io.cwd, common.cwd ?? '.');
    const format = pickFormat(values.format, values.out);
    const width = values.width === undefined ? undefined : intFlag(values.width, '--width', 0, 1);
    const maxCycles = intFlag(values['max-cycles'], '--max-cycles', 100, 0);
    const inputs = await loadGraphInputs(positionals, { cwd, root: ws.root, tsconfig: values.tsconfig, out, usage });
    let graph = inputs.graph;
    if (values.files) {
      if (!inputs.built)
        throw new St3Error('E_GRAPH_OPTIONS', '--files needs atomizer output or source paths', {
          hint: 'a {nodes, edges} graph has no files to group by',
        });
      graph = inputs.built.files;
    }
    const analysis = analyzeGraph(graph, { maxCycles, ...(width !== undefined ? { maxWidth: width } : {}) });

    if (values.out) {
      writeAtomically(resolve(cwd, values.out), exportGraph(analysis, format ?? 'json'));
    }
    if (common.json) {
      out.document(analysis);
      return EXIT.ok;
    }
    if (format && !values.out) {
      io.stdout.write(exportGraph(analysis, format));
      return EXIT.ok;
    }
    printSummary(analysis, out);
    if (values.out) out.info(`wrote ${values.out} (${format ?? 'json'})`);
    return EXIT.ok;
  },
});

function pickFormat(flag: string | undefined, outFile: string | undefined): ExportFormat | undefined {
  if (flag !== undefined) {
    if (!(EXPORT_FORMATS as readonly string[]).includes(flag))
      throw new St3Error('E_GRAPH_OPTIONS', `unknown --format "${flag}"`, {
        hint: `one of: ${EXPORT_FORMATS.join(', ')}`,
      });
    return flag as ExportFormat;
  }
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

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (error) {
    throw new St3Error('E_WRITE', `cannot write ${path}: ${(error as Error).message}`, {
      file: path,
      hint: 'check permissions and disk space',
    });
  }
}
