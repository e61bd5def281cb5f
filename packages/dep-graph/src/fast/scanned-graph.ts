/**
 * A scanner for the common case of a large `{nodes, edges}` graph document: it reads the UTF-8
 * bytes once, interns node ids by their bytes (no string is made for an edge end), and keeps for
 * each edge only its ends, type, weight and — when it is not plain — its byte range (to rebuild
 * the object when one is needed).
 * Anything unusual — not a plain graph, an id with escapes, an edge naming no node, a duplicate
 * node, malformed JSON — makes it give up (undefined), and the caller uses the full loader, which
 * reports the problem with line and column. Iterative throughout: no recursion, no spread.
 */
export interface ScannedGraph {
  /** Node ids in document order. */
  ids: string[];
  /** Numeric `cost` of each node (NaN when absent); undefined when no node has one. */
  cost: Float64Array | undefined;
  /** Edge ends, as indices into `ids`. */
  src: Int32Array;
  dst: Int32Array;
  /** Explicit `weight` of each edge (NaN when absent); undefined when no edge has one. */
  weight: Float64Array | undefined;
  /** Index into `typeNames` (0: no `type`). */
  type: Uint16Array;
  typeNames: (string | undefined)[];
  /**
   * Byte range `[start, end)` in the input of each edge object that is not plain, -1 for a plain one;
   * undefined when all are plain. A plain edge holds only `from`, `to` and maybe `type` and `weight`,
   * in that order: it is rebuilt from the scan without parsing.
   */
  edgeStart: Int32Array | undefined;
  edgeEnd: Int32Array | undefined;
  /** The same for node objects: a plain node holds only `id` and maybe `cost`, in that order. */
  nodeStart: Int32Array | undefined;
  nodeEnd: Int32Array | undefined;
  /** Byte range of each node's id in `idBytes` (document order), and whether every id byte is ASCII. */
  idStart: Int32Array;
  idEnd: Int32Array;
  idBytes: Uint8Array;
  ascii: boolean;
}
