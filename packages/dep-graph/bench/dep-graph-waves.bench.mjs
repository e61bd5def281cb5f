// Waves (topological generations) of random DAGs: ST3 against networkx `topological_generations`
// (Debian python3-networkx, /usr/bin/python3) and graphology-dag `topologicalGenerations`, on the
// same graphs in the same run; the generations must be identical. Prints one markdown section.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Graph from 'graphology';
import { topologicalGenerations } from 'graphology-dag';
import { analyzeGraph, csr, groupByLevel, kahnLevels } from '../dist/index.js';
import { fmt, randomDag, time } from './random-graphs.mjs';

const N = 100_000;
const M = 500_000;
const SEEDS = [1, 2, 3];
const PY = `
import sys, time, json
import networkx as nx
n = int(sys.argv[1])
G = nx.DiGraph()
G.add_nodes_from(range(n))
with open(sys.argv[2]) as f:
    G.add_edges_from((int(a), int(b)) for a, b in (line.split() for line in f))
best = float('inf')
for _ in range(3):
    t0 = time.perf_counter()
    gens = list(nx.topological_generations(G))
    best = min(best, time.perf_counter() - t0)
with open(sys.argv[3], 'w') as out:
    for g in gens:
        out.write(' '.join(map(str, sorted(g))) + '\\n')
print(json.dumps({'ms': best * 1000, 'version': nx.__version__}))
`;

const dir = mkdtempSync(join(tmpdir(), 'st3-bench-waves-'));
const rows = [];
let allIdentical = true;
let nxVersion = '?';
try {
  for (const seed of SEEDS) {
    const { n, src, dst } = randomDag(N, M, seed);

    // ST3 on its compact form (as graphology and networkx run on their already-built graphs).
    const adjacency = { n, src, dst, ...csr(n, src, dst) };
    const st3 = time(() => {
      const levels = kahnLevels(adjacency);
      return groupByLevel(levels.level, levels.count);
    }, 20);
    // ST3 including building its compact form from the edge list.
    const st3Build = time(() => {
      const g = { n, src, dst, ...csr(n, src, dst) };
      const levels = kahnLevels(g);
      return groupByLevel(levels.level, levels.count);
    }, 10);
    // The whole `st3 graph` pipeline from a JSON-shaped graph (string ids, SCC, cycles, FAS, waves, critical path, stats).
    const ids = Array.from({ length: n }, (_, i) => String(i));
    const input = {
      nodes: ids.map((id) => ({ id })),
      edges: Array.from(src, (s, e) => ({ from: ids[s], to: ids[dst[e]] })),
    };
    const full = time(() => analyzeGraph(input), 2);

    const graph = new Graph({ type: 'directed', multi: false, allowSelfLoops: false });
    for (let i = 0; i < n; i++) graph.addNode(ids[i]);
    for (let e = 0; e < src.length; e++) graph.addEdge(ids[src[e]], ids[dst[e]]);
    const gl = time(() => topologicalGenerations(graph), 5);

    const edgesFile = join(dir, `edges-${seed}.txt`);
    const gensFile = join(dir, `gens-${seed}.txt`);
    let text = '';
    for (let e = 0; e < src.length; e++) text += `${src[e]} ${dst[e]}\n`;
    writeFileSync(edgesFile, text);
    const py = spawnSync('/usr/bin/python3', ['-c', PY, String(n), edgesFile, gensFile], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (py.status !== 0) throw new Error(`networkx failed: ${py.stderr}`);
    const nx = JSON.parse(py.stdout.trim());
    nxVersion = nx.version;

    const ours = st3.value.map((w) => Array.from(w).join(' '));
    const nxGens = readFileSync(gensFile, 'utf8').trimEnd().split('\n');
    const glGens = gl.value.map((g) =>
      g
        .map(Number)
        .sort((a, b) => a - b)
        .join(' '),
    );
    // The full pipeline sorts ids as strings; compare as sets of numbers per wave.
    const fullGens = full.value.waves.map((w) =>
      w
        .map(Number)
        .sort((a, b) => a - b)
        .join(' '),
    );
    const identical = same(ours, nxGens) && same(ours, glGens) && same(ours, fullGens);
    allIdentical &&= identical;
    rows.push({
      seed,
      waves: ours.length,
      st3: st3.ms,
      st3Build: st3Build.ms,
      full: full.ms,
      nx: nx.ms,
      gl: gl.ms,
      identical,
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function same(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const vsNx = median(rows.map((r) => r.nx / r.st3));
const vsGl = median(rows.map((r) => r.gl / r.st3));
const met = allIdentical && vsNx >= 20 && vsGl >= 2;
const lines = [
  '## dep-graph: waves of random DAGs (100,000 nodes, 500,000 edges)',
  '',
  `Kahn levels (\`kahnLevels\`) against networkx ${nxVersion} \`topological_generations\` (Debian python3-networkx) and graphology-dag \`topologicalGenerations\`, each on its own already-built graph, best of several runs (ST3 20, graphology-dag 5, networkx 3: the machine is shared, so the best run is the least disturbed one); seeds ${SEEDS.join(', ')}. "ST3 + build" adds building ST3's compact form from the edge list; "ST3 pipeline" is the whole \`st3 graph\` analysis (string ids, SCC, bounded cycle listing, feedback arc set, waves, critical path, statistics) from a \`{nodes, edges}\` graph, best of 2.`,
  '',
  '| seed | waves | ST3 (ms) | ST3 + build (ms) | ST3 pipeline (ms) | networkx (ms) | graphology-dag (ms) | × networkx | × graphology | identical generations |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.seed} | ${r.waves} | ${fmt(r.st3)} | ${fmt(r.st3Build)} | ${fmt(r.full)} | ${fmt(r.nx)} | ${fmt(r.gl)} | ${(r.nx / r.st3).toFixed(1)} | ${(r.gl / r.st3).toFixed(1)} | ${r.identical ? 'yes' : 'NO'} |`,
  ),
  '',
  `Goal: identical generations, ≥ 20× faster than networkx and ≥ 2× faster than graphology-dag (median over seeds: ${vsNx.toFixed(1)}× and ${vsGl.toFixed(1)}×). **${met ? 'Met' : 'Not met'}.**`,
];
process.stdout.write(`${lines.join('\n')}\n`);
