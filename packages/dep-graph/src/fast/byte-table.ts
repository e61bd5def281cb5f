/** murmur3's finalizer: FNV-1a's low bits mix poorly, and the table uses the low bits. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const SLOT = 4;

/** Bytes [a, a + 4) of `buf` as a little-endian int32, zero past `b`. */
function word(buf: Uint8Array, a: number, b: number): number {
  if (a + 4 <= b) return buf[a]! | (buf[a + 1]! << 8) | (buf[a + 2]! << 16) | (buf[a + 3]! << 24);
  let x = 0;
  for (let i = a; i < b; i++) x |= buf[i]! << ((i - a) * 8);
  return x;
}

/**
 * Open-addressing table from byte strings to small integers, without making a string. A slot is
 * four int32s — mixed hash with the length, index, and the first eight bytes — so a probe touches
 * one cache line and a key of up to eight bytes is compared without reading any bytes again:
 * lookups are memory-bound on large graphs. The table keeps its own copy of each key (the input may
 * be a window sliding over a file). Keys never contain a zero byte (JSON strings cannot hold a raw
 * control character), so zero padding is unambiguous.
 */
export class ByteTable {
  private slots: Int32Array;
  private mask: number;
  private count = 0;
  /** Every key's bytes, back to back: key k is [start(k), end(k)). */
  private keys: Uint8Array;
  private keyBytes = 0;
  private readonly ends = new IntList();
  constructor(capacity: number) {
    let size = 1024;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size * SLOT);
    this.slots.fill(-1);
    this.mask = size - 1;
    this.keys = new Uint8Array(Math.max(1024, capacity * 8));
  }
  get size(): number {
    return this.count;
  }
  /** The index of bytes [a, b) of `buf` (whose FNV-1a hash is `hash`), adding it when new. */
  intern(buf: Uint8Array, a: number, b: number, hash: number): number {
    const { slots, mask } = this;
    const len = b - a;
    const h = fmix(hash ^ len);
    const w0 = word(buf, a, b);
    const w1 = word(buf, a + 4, b);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT;
      const k = slots[at + 1]!;
      if (k === -1) return this.add(at, h, buf, a, b, w0, w1);
      if (slots[at] !== h || slots[at + 2] !== w0 || slots[at + 3] !== w1) continue;
      // Shorter keys are equal now: the zero padding marks where each ends.
      if (len < 8) return k;
      // Longer keys: the length and the bytes past the eighth are compared with the copy.
      const s = this.start(k);
      if (this.ends.data[k]! - s !== len) continue;
      const { keys } = this;
      let i = 8;
      while (i < len && keys[s + i] === buf[a + i]) i++;
      if (i === len) return k;
    }
  }
  /** The bytes of every key: key `k` is `[start(k), end(k))`. */
  get bytes(): Uint8Array {
    return this.keys.subarray(0, this.keyBytes);
  }
  start(k: number): number {
    return k === 0 ? 0 : this.ends.data[k - 1]!;
  }
  end(k: number): number {
    return this.ends.data[k]!;
  }
  private add(at: number, h: number, buf: Uint8Array, a: number, b: number, w0: number, w1: number): number {
    const { slots } = this;
    slots[at] = h;
    slots[at + 1] = this.count;
    slots[at + 2] = w0;
    slots[at + 3] = w1;
    const len = b - a;
    if (this.keyBytes + len > this.keys.length) {
      const keys = new Uint8Array(Math.max(this.keys.length * 2, this.keyBytes + len));
      keys.set(this.keys.subarray(0, this.keyBytes));
      this.keys = keys;
    }
    const { keys } = this;
    for (let i = 0, o = this.keyBytes; i < len; i++) keys[o + i] = buf[a + i]!;
    this.keyBytes += len;
    this.ends.push(this.keyBytes);
    if (++this.count * 2 > this.mask + 1) this.grow();
    return this.count - 1;
  }
  private grow(): void {
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size * SLOT).fill(-1);
    const mask = size - 1;
    const old = this.slots;
    for (let at = 0; at < old.length; at += SLOT) {
      if (old[at + 1] === -1) continue;
      let slot = old[at]! & mask;
      while (slots[slot * SLOT + 1] !== -1) slot = (slot + 1) & mask;
      slots.set(old.subarray(at, at + SLOT), slot * SLOT);
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** A growable Int32Array-backed list. */
export class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(x: number): void {
    if (this.length === this.data.length) this.data = grown(this.data, new Int32Array(this.data.length * 2));
    this.data[this.length++] = x;
  }
  /** The items: a view, not a copy (copying would write every page again; pages never written cost nothing). */
  array(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export function grown<T extends Int32Array | Float64Array | Uint16Array | Uint8Array>(old: T, next: T): T {
  next.set(old as never);
  return next;
}
