// Columns the scanner fills: one row per edge or node, typed arrays, no object per row.

import { grown } from './byte-table.js';

/**
 * A column made only when a row first needs it — a value other than `empty` — with the rows before
 * read as `empty`. Most graphs have no weights, no costs and only plain items, and on a VM every
 * page of fresh memory costs (4 MB of weights on 500,000 edges, ~12 ms).
 */
export class LazyColumn<T extends Int32Array | Float64Array> {
  data: T | undefined;
  constructor(
    private readonly make: (rows: number) => T,
    /** NaN or -1: what a row without a value reads. */
    private readonly empty: number,
  ) {}
  set(row: number, value: number, capacity: number): void {
    if (!this.data) {
      if (Object.is(value, this.empty)) return;
      this.data = this.make(capacity);
      this.data.fill(this.empty, 0, row);
    }
    this.data[row] = value;
  }
  grow(capacity: number): void {
    if (this.data) this.data = grown(this.data, this.make(capacity));
  }
}

const floats = (rows: number) => new Float64Array(rows);
const ints = (rows: number) => new Int32Array(rows);

/**
 * The scanned edges, one column per field, filled a row at a time: one call and one capacity check
 * per edge (seven list pushes per edge cost a tenth of the scan of a large graph).
 */
export class EdgeColumns {
  length = 0;
  src: Int32Array;
  dst: Int32Array;
  type: Uint16Array;
  /** Explicit weights (NaN: none). */
  readonly weight = new LazyColumn(floats, NaN);
  /** Byte range of each edge object that is not plain (-1 for a plain one). */
  readonly start = new LazyColumn(ints, -1);
  readonly end = new LazyColumn(ints, -1);
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
    this.weight.set(i, weight, this.capacity);
    this.start.set(i, plain ? -1 : start, this.capacity);
    this.end.set(i, plain ? -1 : end, this.capacity);
  }
  private grow(): void {
    const cap = (this.capacity *= 2);
    this.src = grown(this.src, new Int32Array(cap));
    this.dst = grown(this.dst, new Int32Array(cap));
    this.type = grown(this.type, new Uint16Array(cap));
    for (const column of [this.weight, this.start, this.end]) column.grow(cap);
  }
}

/** The scanned nodes: each declared id (its code in the id table), its cost and, when not plain, its byte range. */
export class NodeColumns {
  length = 0;
  id: Int32Array;
  /** `cost` of each node (NaN: none). */
  readonly cost = new LazyColumn(floats, NaN);
  /** Byte range of each node object that is not plain (-1 for a plain one). */
  readonly start = new LazyColumn(ints, -1);
  readonly end = new LazyColumn(ints, -1);
  constructor(private capacity: number) {
    this.id = new Int32Array(capacity);
  }
  add(id: number, cost: number, start: number, end: number, plain: boolean): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.id[i] = id;
    this.cost.set(i, cost, this.capacity);
    this.start.set(i, plain ? -1 : start, this.capacity);
    this.end.set(i, plain ? -1 : end, this.capacity);
  }
  private grow(): void {
    const cap = (this.capacity *= 2);
    this.id = grown(this.id, new Int32Array(cap));
    for (const column of [this.cost, this.start, this.end]) column.grow(cap);
  }
}
