import { resolve } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import type { WavePlan } from '@st3/dep-graph/core';
import { fastGraphInput } from '../fast-input.js';
import type { SkippedSource } from '../graph-inputs.js';
import { warnSkipped } from './graph.js';

export const command = defineCommand({
  name: 'waves',
  summary:
    'plan parallel waves: wave 0 has no dependencies, wave N depends only on earlier waves (cycles are cut first)',
  args: [{ name: 'inputs', description: 'source files or folders, atoms.json or graph.json', variadic: true }],
  options: {
    width: {
      type: 'number',
      integer: true,
      min: 1,
      description: 'at most N nodes per wave where slack allows (the wave count never grows)',
    },
    tsconfig: {
      type: 'string',
      valueName: 'FILE',
      description: 'resolve tsconfig `paths` from FILE (default: the workspace tsconfig.json)',
    },
  },
  examples: ['st3 waves atoms.json', 'st3 waves graph.json --width 8 --json | jq ".waves | length"'],
  async run({ values, args, common, io, usage }) {
    const out = createOutput(io, common);
    const width = values.width;
    const cwd = resolve(io.cwd, common.cwd ?? '.');
    const options = width !== undefined ? { maxWidth: width } : {};
    const { planWaves } = await import('@st3/dep-graph/core');
    // A lone graph.json takes the fast path (bytes to compact graph); anything else the full loader.
    const fast = await fastGraphInput(args.inputs, cwd);
    let a: WavePlan;
    let skipped: SkippedSource[] = [];
    if (fast) a = planWaves(fast, options);
    else {
      const { loadGraphInputs } = await import('../graph-inputs.js');
      const ws = resolveWorkspace(io, common);
      const inputs = await loadGraphInputs(args.inputs, { cwd, root: ws.root, tsconfig: values.tsconfig, out, usage });
      a = planWaves(inputs.graph, options);
      skipped = inputs.skipped;
    }
    if (common.json) {
      const { waves, criticalPath, removedEdges, stats } = a;
      out.document({ waves, criticalPath, removedEdges, stats, skipped });
      return EXIT.ok;
    }
    a.waves.forEach((wave, i) => out.line(`wave ${i} (${wave.length}): ${wave.join(', ')}`));
    out.info(
      `${a.stats.waves} waves for ${a.stats.nodes} nodes, widest ${a.stats.widestWave}, mean parallelism ${a.stats.meanParallelism}`,
    );
    out.info(`critical path (${a.criticalPath.length}): ${a.criticalPath.join(' -> ')}`);
    if (a.removedEdges.length > 0)
      out.warn(`${a.removedEdges.length} edge(s) cut to break cycles; run "st3 graph" to see them`);
    if (a.stats.overfullWaves && a.stats.overfullWaves.length > 0)
      out.warn(`waves ${a.stats.overfullWaves.join(', ')} stay wider than --width ${width}: their nodes have no slack`);
    warnSkipped(skipped, out);
    return EXIT.ok;
  },
});
