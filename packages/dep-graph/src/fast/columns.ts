// Columns the scanner fills: one row per edge or node, typed arrays, no object per row.

import { grown } from './byte-table.js';

/**
 * The scanned edges, one column per field, filled a row at a time: one call and one capacity check
 * per edge (seven list pushes per edge cost a tenth of the scan of a large graph). The weight and
 * byte-range columns are made only when the first edge needs them: most graphs have no weights and
 * only plain edges, and on a VM every page of fresh memory costs (4 MB of weights, ~12 ms).
 */
export class EdgeColumns {
  length = 0;
  src: Int32Array;
  dst: Int32Array;
  type: Uint16Array;
  /** Explicit weights (NaN: none); undefined while no edge has had one. */
  weight: Float64Array | undefined;
  /** Byte range of each edge object that is not plain ([-1, -1] for a plain one); undefined while all are plain. */
  start: Int32Array | undefined;
  end: Int32Array | undefined;
  constructor(private capacity: number) {
    this.src = new Int32Array(capacity);
    this.dst = new Int32Array(capacity);
    this.type = new Uint16Array(capacity);
  }
  add(src: number, dst: number, weight: number, type: number, start: number, end: number, plain: boolean): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.src[i] = src;
    this.dst[i] = dst;
    this.type[i] = type;
    if (weight === weight || this.weight) (this.weight ??= filled(new Float64Array(this.capacity), NaN, i))[i] = weight;
    if (!plain || this.start) {
      this.start ??= filled(new Int32Array(this.capacity), -1, i);
      this.end ??= filled(new Int32Array(this.capacity), -1, i);
      this.start[i] = plain ? -1 : start;
      this.end[i] = plain ? -1 : end;
    }
  }
  private grow(): void {
    const cap = (this.capacity *= 2);
    this.src = grown(this.src, new Int32Array(cap));
    this.dst = grown(this.dst, new Int32Array(cap));
    this.type = grown(this.type, new Uint16Array(cap));
    if (this.weight) this.weight = grown(this.weight, new Float64Array(cap));
    if (this.start) this.start = grown(this.start, new Int32Array(cap));
    if (this.end) this.end = grown(this.end, new Int32Array(cap));
  }
}

/** `column` with its first `rows` items set to `value` (the rows written before the column was made). */
function filled<T extends Int32Array | Float64Array>(column: T, value: number, rows: number): T {
  column.fill(value, 0, rows);
  return column;
}

/**
 * The scanned nodes: each declared id (its code in the id table), its cost and, for a node object
 * that is not plain, its byte range. Cost and range columns are made at the first node that needs
 * them, as for edges.
 */
export class NodeColumns {
  length = 0;
  id: Int32Array;
  /** `cost` of each node (NaN: none); undefined while no node has had one. */
  cost: Float64Array | undefined;
  /** Byte range of each node object that is not plain ([-1, -1] for a plain one); undefined while all are plain. */
  start: Int32Array | undefined;
  end: Int32Array | undefined;
  constructor(private capacity: number) {
    this.id = new Int32Array(capacity);
  }
  add(id: number, cost: number, start: number, end: number, plain: boolean): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.id[i] = id;
    if (cost === cost || this.cost) (this.cost ??= filled(new Float64Array(this.capacity), NaN, i))[i] = cost;
    if (!plain || this.start) {
      this.start ??= filled(new Int32Array(this.capacity), -1, i);
      this.end ??= filled(new Int32Array(this.capacity), -1, i);
      this.start[i] = plain ? -1 : start;
      this.end[i] = plain ? -1 : end;
    }
  }
  private grow(): void {
    const cap = (this.capacity *= 2);
    this.id = grown(this.id, new Int32Array(cap));
    if (this.cost) this.cost = grown(this.cost, new Float64Array(cap));
    if (this.start) this.start = grown(this.start, new Int32Array(cap));
    if (this.end) this.end = grown(this.end, new Int32Array(cap));
  }
}
