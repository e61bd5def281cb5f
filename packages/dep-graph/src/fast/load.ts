import type { IndexedGraph } from '../indexed.js';
import { indexScanned } from './indexed-scan.js';
import { scanGraph } from './scan.js';

/**
 * A `{nodes, edges}` JSON document straight to the compact graph, without an object per edge;
 * undefined when the document is anything else or has a problem (then use `loadGraphDocument`,
 * which reports it with line and column). The result equals `indexGraph(JSON.parse(text))`.
 */
export function indexGraphBytes(bytes: Uint8Array): IndexedGraph | undefined {
  const scanned = scanGraph(bytes);
  return scanned ? indexScanned(scanned, bytes) : undefined;
}
