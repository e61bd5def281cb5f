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
  /** Byte range `[start, end)` of each edge object and each node object in the buffer. */
  edgeStart: Int32Array;
  edgeEnd: Int32Array;
  nodeStart: Int32Array;
  nodeEnd: Int32Array;
  /** Some node objects carry fields besides `id` and `cost`. */
  nodeExtras: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The keys the scanner acts on, compared as bytes (decoding every key would cost more than the rest). */
const KEYS = ['nodes', 'edges', 'files', 'id', 'cost', 'from', 'to', 'type', 'weight', 'symbols'] as const;
type Key = (typeof KEYS)[number] | '';
const KEY_BYTES = KEYS.map((k) => Array.from(k, (ch) => ch.charCodeAt(0)));

const LITERALS = ['true', 'false', 'null'].map((w) => Array.from(w, (ch) => ch.charCodeAt(0)));
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;

/** Bytes [a, b) are a JSON number or `true`/`false`/`null` (checked on the bytes, no string made). */
function isScalar(buf: Uint8Array, a: number, b: number): boolean {
  for (const lit of LITERALS) if (b - a === lit.length && lit.every((ch, i) => buf[a + i] === ch)) return true;
  let i = a;
  if (buf[i] === 0x2d) i++;
  if (buf[i] === 0x30) i++;
  else if (isDigit(buf[i])) while (i < b && isDigit(buf[i])) i++;
  else return false;
  if (buf[i] === 0x2e) {
    i++;
    if (!isDigit(buf[i])) return false;
    while (i < b && isDigit(buf[i])) i++;
  }
  if (buf[i] === 0x65 || buf[i] === 0x45) {
    i++;
    if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
    if (!isDigit(buf[i])) return false;
    while (i < b && isDigit(buf[i])) i++;
  }
  return i === b;
}

class Giveup extends Error {}
const giveUp = (): never => {
  throw new Giveup();
};

/** murmur3's finalizer: FNV-1a's low bits mix poorly, and the table uses the low bits. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** The first or last four bytes of [a, b) as an int32 (zero-padded), for comparisons inside the table. */
function word(buf: Uint8Array, a: number, b: number, from: number): number {
  let x = 0;
  for (let i = 0; i < 4; i++) {
    const p = from + i;
    x = (x << 8) | (p >= a && p < b ? buf[p]! : 0);
  }
  return x;
}

const SLOT = 8;

/**
 * Open-addressing table from byte strings (ranges of the buffer) to small integers. A slot is eight
 * int32s — hash, start, length, index and the first and last eight bytes — so a probe touches one
 * cache line and a key of up to 16 bytes is compared without reading the buffer again (lookups
 * are memory-bound on large graphs).
 */
class ByteTable {
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  private readonly firstStart: number[] = [];
  private readonly firstEnd: number[] = [];
  constructor(
    private readonly buf: Uint8Array,
    capacity: number,
  ) {
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size * SLOT).fill(-1);
    this.mask = size - 1;
  }
  get size(): number {
    return this.count;
  }
  /** The index of bytes [a, b) (whose FNV-1a hash is `hash`), adding it when new. */
  intern(a: number, b: number, hash: number): number {
    const { buf, slots } = this;
    const h = fmix(hash);
    const len = b - a;
    const w0 = word(buf, a, b, a);
    const w1 = word(buf, a, b, a + 4);
    const w2 = word(buf, a, b, b - 8);
    const w3 = word(buf, a, b, b - 4);
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const at = slot * SLOT;
      const k = slots[at + 3]!;
      if (k === -1) {
        slots[at] = h;
        slots[at + 1] = a;
        slots[at + 2] = len;
        slots[at + 3] = this.count;
        slots[at + 4] = w0;
        slots[at + 5] = w1;
        slots[at + 6] = w2;
        slots[at + 7] = w3;
        this.firstStart.push(a);
        this.firstEnd.push(b);
        if (++this.count * 2 > this.mask + 1) this.grow();
        return this.count - 1;
      }
      if (
        slots[at] !== h ||
        slots[at + 2] !== len ||
        slots[at + 4] !== w0 ||
        slots[at + 5] !== w1 ||
        slots[at + 6] !== w2 ||
        slots[at + 7] !== w3
      )
        continue;
      if (len <= 16) return k;
      // Longer keys: the middle bytes are compared in the buffer.
      const s = slots[at + 1]!;
      let i = 8;
      while (i < len - 8 && buf[s + i] === buf[a + i]) i++;
      if (i >= len - 8) return k;
    }
  }
  range(k: number): [number, number] {
    return [this.firstStart[k]!, this.firstEnd[k]!];
  }
  private grow(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size * SLOT).fill(-1);
    const mask = size - 1;
    const old = this.slots;
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at + 3] === -1) continue;
      let slot = old[at]! & mask;
      while (slots[slot * SLOT + 3] !== -1) slot = (slot + 1) & mask;
      slots.set(old.subarray(at, at + SLOT), slot * SLOT);
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** A growable Int32Array-backed list. */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  array(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

class FloatList {
  data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  array(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Scans `buf` (UTF-8 JSON); undefined when it is not a plain graph the fast path can take. */
export function scanGraph(buf: Uint8Array): ScannedGraph | undefined {
  if (buf.length >= 2 ** 31 - 1) return undefined;
  try {
    return new Scanner(buf).document();
  } catch (error) {
    if (error instanceof Giveup) return undefined;
    throw error;
  }
}

class Scanner {
  private p = 0;
  private readonly idTable: ByteTable;
  private readonly nodeBuf: Buffer;
  private readonly declared: number[] = [];
  private readonly nodeCost = new FloatList();
  private readonly nodeStart = new IntList();
  private readonly nodeEnd = new IntList();
  private nodeExtras = false;
  private readonly src = new IntList();
  private readonly dst = new IntList();
  private readonly weight = new FloatList();
  private readonly typeCodes: number[] = [];
  private readonly typeNames: (string | undefined)[] = [undefined];
  private readonly typeTable: ByteTable;
  private readonly edgeStart = new IntList();
  private readonly edgeEnd = new IntList();
  /** Hash and byte range of the last string scanned. */
  private hash = 0;
  /** OR of every string byte so far: below 0x80, raw bytes are equal exactly when the strings are. */
  private bits = 0;
  private strA = 0;
  private strB = 0;

  constructor(private readonly buf: Uint8Array) {
    this.nodeBuf = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
    this.idTable = new ByteTable(buf, Math.max(1024, buf.length >> 9));
    this.typeTable = new ByteTable(buf, 16);
  }

  document(): ScannedGraph {
    this.ws();
    this.expect(0x7b);
    let sawNodes = false;
    let sawEdges = false;
    for (let first = true; ; first = false) {
      this.ws();
      if (this.peek() === 0x7d) break;
      if (!first) {
        this.expect(0x2c);
        this.ws();
      }
      const key = this.keyName();
      this.ws();
      this.expect(0x3a);
      this.ws();
      if (key === 'nodes') {
        sawNodes = true;
        this.array(() => this.node());
      } else if (key === 'edges') {
        sawEdges = true;
        this.array(() => this.edge());
      } else if (key === 'files') giveUp();
      else this.skipValue();
    }
    this.p++;
    this.ws();
    if (this.p !== this.buf.length || !sawNodes || !sawEdges) giveUp();
    return this.finish();
  }

  private finish(): ScannedGraph {
    // Every id an edge names must be a declared node, and no node is declared twice.
    const n = this.idTable.size;
    if (this.declared.length !== n) giveUp();
    const order = new Int32Array(n).fill(-1);
    for (let i = 0; i < this.declared.length; i++) {
      const k = this.declared[i]!;
      if (order[k] !== -1) giveUp();
      order[k] = i;
    }
    const ids: string[] = new Array<string>(n);
    // Distinct bytes can decode to one string only through invalid UTF-8 (both become U+FFFD): check then.
    const seen = this.bits & 0x80 ? new Set<string>() : undefined;
    for (let i = 0; i < n; i++) {
      const [a, b] = this.idTable.range(this.declared[i]!);
      const id = this.text(a, b);
      if (seen) {
        if (seen.has(id)) giveUp();
        seen.add(id);
      }
      ids[i] = id;
    }
    const src = this.src.array();
    const dst = this.dst.array();
    for (let e = 0; e < src.length; e++) {
      src[e] = order[src[e]!]!;
      dst[e] = order[dst[e]!]!;
    }
    return {
      ids,
      cost: this.nodeCost.array(),
      src,
      dst,
      weight: this.weight.array(),
      type: Uint16Array.from(this.typeCodes),
      typeNames: this.typeNames,
      edgeStart: this.edgeStart.array(),
      edgeEnd: this.edgeEnd.array(),
      nodeStart: this.nodeStart.array(),
      nodeEnd: this.nodeEnd.array(),
      nodeExtras: this.nodeExtras,
    };
  }

  private node(): void {
    const start = this.p;
    let id = -1;
    let cost = NaN;
    this.object((key) => {
      if (key === 'id') id = this.idString();
      else if (key === 'cost') cost = this.numberOrSkip();
      else {
        this.nodeExtras = true;
        this.skipValue();
      }
    });
    if (id === -1) giveUp();
    this.declared.push(id);
    this.nodeCost.push(cost);
    this.nodeStart.push(start);
    this.nodeEnd.push(this.p);
  }

  private edge(): void {
    const start = this.p;
    let from = -1;
    let to = -1;
    let weight = NaN;
    let type = 0;
    this.object((key) => {
      if (key === 'from') from = this.idString();
      else if (key === 'to') to = this.idString();
      else if (key === 'weight') {
        weight = this.numberOrSkip();
        if (!(weight >= 0)) giveUp();
      } else if (key === 'type') type = this.typeString();
      else if (key === 'symbols') this.array(() => this.skipStringValue());
      else this.skipValue();
    });
    if (from === -1 || to === -1) giveUp();
    this.src.push(from);
    this.dst.push(to);
    this.weight.push(weight);
    this.typeCodes.push(type);
    this.edgeStart.push(start);
    this.edgeEnd.push(this.p);
  }

  private array(each: () => void): void {
    this.expect(0x5b);
    this.ws();
    if (this.peek() === 0x5d) {
      this.p++;
      return;
    }
    for (;;) {
      this.ws();
      each();
      this.ws();
      const c = this.buf[this.p++];
      if (c === 0x5d) return;
      if (c !== 0x2c) giveUp();
    }
  }

  private object(field: (key: Key) => void): void {
    this.expect(0x7b);
    this.ws();
    if (this.peek() === 0x7d) {
      this.p++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.keyName();
      this.ws();
      this.expect(0x3a);
      this.ws();
      field(key);
      this.ws();
      const c = this.buf[this.p++];
      if (c === 0x7d) return;
      if (c !== 0x2c) giveUp();
    }
  }

  /** A string value that is a node id: interned by its bytes. */
  private idString(): number {
    this.rawString();
    if (this.strA === this.strB) giveUp();
    return this.idTable.intern(this.strA, this.strB, this.hash);
  }

  private typeString(): number {
    this.rawString();
    const a = this.strA;
    const b = this.strB;
    // Types are few: interned by their bytes, decoded once each.
    const k = this.typeTable.intern(a, b, this.hash);
    if (k + 1 < this.typeNames.length) return k + 1;
    if (k > 60000) giveUp();
    this.typeNames.push(this.text(a, b));
    return k + 1;
  }

  /** A key, when it is one the scanner acts on ('' for any other). */
  private keyName(): Key {
    this.rawString();
    const a = this.strA;
    const b = this.strB;
    const { buf } = this;
    for (let k = 0; k < KEY_BYTES.length; k++) {
      const bytes = KEY_BYTES[k]!;
      if (bytes.length !== b - a) continue;
      let same = true;
      for (let i = 0; i < bytes.length; i++)
        if (buf[a + i] !== bytes[i]) {
          same = false;
          break;
        }
      if (same) return KEYS[k]!;
    }
    return '';
  }

  /** Scans a string without escapes (an escape makes the fast path give up): its bytes are [strA, strB), its hash `hash`. */
  private rawString(): void {
    const { buf } = this;
    if (buf[this.p] !== QUOTE) giveUp();
    let p = this.p + 1;
    const a = p;
    let h = 0x811c9dc5;
    let bits = 0;
    for (;;) {
      const c = buf[p];
      if (c === QUOTE) break;
      if (c === undefined || c === BACKSLASH || c < 0x20) giveUp();
      h = Math.imul(h ^ c, 0x01000193);
      bits |= c;
      p++;
    }
    this.bits |= bits;
    this.hash = h;
    this.strA = a;
    this.strB = p;
    this.p = p + 1;
  }

  private skipStringValue(): void {
    if (this.buf[this.p] !== QUOTE) giveUp();
    this.skipString();
  }

  /** Bytes [a, b) as a string (Buffer's native UTF-8 decoding: far cheaper per call than a TextDecoder). */
  private text(a: number, b: number): string {
    return this.nodeBuf.toString('utf8', a, b);
  }

  private numberOrSkip(): number {
    const a = this.p;
    this.skipValue();
    const text = this.text(a, this.p);
    const x = Number(text);
    if (!/^-?\d/.test(text) || !Number.isFinite(x)) giveUp();
    return x;
  }

  /** Skips any JSON value, iteratively (depth counted, never recursing). */
  private skipValue(): void {
    const { buf } = this;
    let depth = 0;
    do {
      this.ws();
      const c = buf[this.p];
      if (c === undefined) giveUp();
      if (c === 0x7b || c === 0x5b) {
        depth++;
        this.p++;
        continue;
      }
      if (c === 0x7d || c === 0x5d) {
        depth--;
        this.p++;
        if (depth < 0) giveUp();
        continue;
      }
      if (c === 0x2c || c === 0x3a) {
        if (depth === 0) giveUp();
        this.p++;
        continue;
      }
      if (c === QUOTE) this.skipString();
      else this.skipScalar();
    } while (depth > 0);
  }

  private skipString(): void {
    const { buf } = this;
    this.p++;
    for (;;) {
      const c = buf[this.p++];
      if (c === undefined) giveUp();
      if (c === BACKSLASH) this.p++;
      else if (c === QUOTE) return;
    }
  }

  private skipScalar(): void {
    const { buf } = this;
    const a = this.p;
    for (;;) {
      const c = buf[this.p];
      if (
        c === undefined ||
        c === 0x2c ||
        c === 0x7d ||
        c === 0x5d ||
        c === 0x20 ||
        c === 0x0a ||
        c === 0x0d ||
        c === 0x09
      )
        break;
      this.p++;
    }
    if (this.p === a) giveUp();
    // Only JSON's own scalars: anything else is for the full loader to report.
    if (!isScalar(buf, a, this.p)) giveUp();
  }

  private ws(): void {
    const { buf } = this;
    for (;;) {
      const c = buf[this.p];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.p++;
    }
  }

  private peek(): number | undefined {
    return this.buf[this.p];
  }

  private expect(c: number): void {
    if (this.buf[this.p] !== c) giveUp();
    this.p++;
  }
}
