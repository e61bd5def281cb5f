/**
 * A scanner for the common case of a large `{nodes, edges}` graph document: it reads the UTF-8
 * bytes once, interns node ids by their bytes (no string is made for an edge end), and keeps for
 * each edge only its ends, type, weight and byte range (to rebuild the object when one is needed).
 * Anything unusual — not a plain graph, an id with escapes, an edge naming no node, a duplicate
 * node, malformed JSON — makes it give up (undefined), and the caller uses the full loader, which
 * reports the problem with line and column. Iterative throughout: no recursion, no spread.
 */
export interface ScannedGraph {
  /** Node ids in document order. */
  ids: string[];
  /** Numeric `cost` of each node (NaN when absent). */
  cost: Float64Array;
  /** Edge ends, as indices into `ids`. */
  src: Int32Array;
  dst: Int32Array;
  /** Explicit `weight` of each edge (NaN when absent). */
  weight: Float64Array;
  /** Index into `typeNames` (0: no `type`). */
  type: Uint16Array;
  typeNames: (string | undefined)[];
  /** Byte range `[start, end)` of each edge object and each node object in the input. */
  edgeStart: Int32Array;
  edgeEnd: Int32Array;
  /** 1 when the edge object holds only `from`, `to` and maybe `type` and `weight`, in that order: it is rebuilt without parsing. */
  edgePlain: Uint8Array;
  nodeStart: Int32Array;
  nodeEnd: Int32Array;
  /** Some node objects carry fields besides `id` and `cost`. */
  nodeExtras: boolean;
  /** Byte range of each node's id in `idBytes` (document order), and whether every id byte is ASCII. */
  idStart: Int32Array;
  idEnd: Int32Array;
  idBytes: Uint8Array;
  ascii: boolean;
}
