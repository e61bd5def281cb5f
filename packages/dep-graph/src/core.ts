// `@st3/dep-graph/core`: the graph algorithms, analysis, exports and the fast JSON loader, without
// the schema loader, the atom graph builder or validation (none of zod, @st3/schemas or the atomizer
// is loaded): what `st3 waves` and `st3 graph` on a `{nodes, edges}` file need, so they start fast.
export { IntHeap } from './heap.js';
export { DEFAULT_EDGE_WEIGHTS, edgeWeight, indexGraph, indexedFromPairs, csr, type IndexedGraph } from './indexed.js';
export { stronglyConnectedComponents, type Components } from './scc.js';
export { listCycles, type CycleListing } from './cycles.js';
export { feedbackArcSet, dfsBackEdges, type FeedbackArcSet } from './fas.js';
export {
  kahnLevels,
  groupByLevel,
  latestLevels,
  balanceLevels,
  criticalPath,
  type Levels,
  type Balanced,
  type CriticalPath,
} from './waves.js';
export {
  analyzeGraph,
  planWaves,
  type AnalyzeOptions,
  type GraphAnalysis,
  type GraphStats,
  type WavePlan,
} from './analyze.js';
export { exportGraph, toDot, toMermaid, EXPORT_FORMATS, type ExportFormat } from './export.js';
export { indexGraphBytes, indexGraphFile, type IndexGraphFileOptions } from './fast/load.js';
export { scanGraph, type ScannedGraph } from './fast/scan.js';
