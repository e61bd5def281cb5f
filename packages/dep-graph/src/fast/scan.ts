import { isUtf8 } from 'node:buffer';
import { ByteTable } from './byte-table.js';
import { ByteWindow } from './byte-window.js';
import { EdgeColumns, NodeColumns } from './columns.js';
import type { ScannedGraph } from './scanned-graph.js';
import { BACKSLASH, Giveup, giveUp, QUOTE, repeatedKey, skipString, skipValue, skipWs } from './json-bytes.js';

export type { ScannedGraph } from './scanned-graph.js';

/** Scans `buf` (UTF-8 JSON); undefined when it is not a plain graph the fast path can take. */
export function scanGraph(buf: Uint8Array): ScannedGraph | undefined {
  const scanned = scanWindow(ByteWindow.of(buf));
  return scanned === 'window' ? undefined : scanned;
}

/**
 * Scans the input behind `window`: undefined when it is not a plain graph the fast path can take,
 * 'window' when the scan gave up before the window reached the end of the input (an item larger
 * than the window, say: scan the input whole to know).
 */
export function scanWindow(window: ByteWindow): ScannedGraph | undefined | 'window' {
  if (window.size >= 2 ** 31 - 1) return undefined;
  try {
    return new Scanner(window).document();
  } catch (error) {
    if (!(error instanceof Giveup)) throw error;
    return window.atEnd ? undefined : 'window';
  }
}

// Keys the scanner acts on, recognised on the bytes (decoding every key would cost more than the rest).
const OTHER = 0;
const NODES = 1;
const EDGES = 2;
const FILES = 3;
const ID = 4;
const COST = 5;
const FROM = 6;
const TO = 7;
const TYPE = 8;
const WEIGHT = 9;
const SYMBOLS = 10;
const KEY_NAMES = ['', 'nodes', 'edges', 'files', 'id', 'cost', 'from', 'to', 'type', 'weight', 'symbols'];
const KEY_BYTES = KEY_NAMES.map((k) => Uint8Array.from(k, (ch) => ch.charCodeAt(0)));

/**
 * One pass over the bytes. Hot paths (node and edge objects, ids, keys) are written out flat —
 * no closure per object, no string per key or id — since they run millions of times.
 */
class Scanner {
  private p = 0;
  /** The window's bytes, its offset in the input, and where to slide it on (see ByteWindow). */
  private buf: Uint8Array;
  private base: number;
  private refillAt: number;
  private nodeBuf: Buffer;
  private readonly idTable: ByteTable;
  private readonly typeTable: ByteTable;
  private readonly nodes: NodeColumns;
  private readonly typeNames: (string | undefined)[] = [undefined];
  private readonly edges: EdgeColumns;
  /** The last type seen (byte range and code): most edges repeat it, so it is compared before hashing. */
  private lastTypeA = 0;
  private lastTypeB = 0;
  private lastType = -1;
  /** OR of every id byte: below 0x80, raw bytes are equal exactly when the strings are. */
  private bits = 0;
  /** The node or edge object being scanned: the codes of its keys seen (bits), its other keys' byte ranges. */
  private seenKeys = 0;
  private readonly others: number[] = [];
  /** Bytes of the window before this are known to be UTF-8 (checked natively as the window slides on). */
  private utf8Checked = 0;

  constructor(private readonly window: ByteWindow) {
    const { buf } = window;
    this.buf = buf;
    this.base = window.base;
    this.refillAt = window.refillAt;
    this.nodeBuf = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
    // Sized for the most items the document can hold, roughly (an edge takes 20 bytes or more): the
    // lists then rarely grow, and pages never written cost nothing.
    const cap = Math.max(1024, Math.min(window.size >> 5, 1 << 22));
    this.nodes = new NodeColumns(cap);
    this.edges = new EdgeColumns(cap);
    this.idTable = new ByteTable(Math.max(1024, window.size >> 9));
    this.typeTable = new ByteTable(16);
  }

  /**
   * Slides the window on when the scan is past its refill point: called between items only, where
   * whitespace may follow (the scan may have stopped at the old window's end in the middle of it).
   */
  private slide(): void {
    const { window } = this;
    this.requireUtf8(this.p);
    this.utf8Checked = 0;
    const p = window.slide(this.p);
    this.buf = window.buf;
    this.p = skipWs(this.buf, p);
    this.base = window.base;
    this.refillAt = window.refillAt;
    this.nodeBuf = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.buf.length);
    this.lastType = -1;
  }

  document(): ScannedGraph {
    this.p = skipWs(this.buf, 0);
    this.expect(0x7b);
    // Keys seen: a repeated key (JSON.parse keeps the last value) is for the full loader to report.
    let seen = 0;
    const others = new Set<string>();
    for (let first = true; ; first = false) {
      if (this.p > this.refillAt) this.slide();
      this.p = skipWs(this.buf, this.p);
      if (this.buf[this.p] === 0x7d) break;
      if (!first) {
        this.expect(0x2c);
        this.p = skipWs(this.buf, this.p);
      }
      const at = this.p;
      const key = this.key();
      if (key === OTHER) {
        // Decoded: the window may slide before the next key (top-level keys are few).
        const name = this.text(at + 1, this.p - 1);
        if (others.has(name)) giveUp();
        others.add(name);
      } else if (seen & (1 << key)) giveUp();
      seen |= 1 << key;
      this.colon();
      if (key === NODES) this.list(false);
      else if (key === EDGES) this.list(true);
      else if (key === FILES) giveUp();
      else this.p = skipValue(this.buf, this.p);
    }
    this.p = skipWs(this.buf, this.p + 1);
    if (this.p !== this.buf.length || !(seen & (1 << NODES)) || !(seen & (1 << EDGES))) giveUp();
    this.requireUtf8(this.buf.length);
    return this.finish();
  }

  private finish(): ScannedGraph {
    // Every id an edge names must be a declared node, and no node is declared twice.
    const n = this.idTable.size;
    const { nodes, edges } = this;
    const declared = nodes.id.subarray(0, nodes.length);
    if (declared.length !== n) giveUp();
    const order = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const k = declared[i]!;
      if (order[k] !== -1) giveUp();
      order[k] = i;
    }
    const ids: string[] = new Array<string>(n);
    const idStart = new Int32Array(n);
    const idEnd = new Int32Array(n);
    const ascii = (this.bits & 0x80) === 0;
    const idBytes = this.idTable.bytes;
    const idText = Buffer.from(idBytes.buffer, idBytes.byteOffset, idBytes.length);
    // The document is UTF-8 (requireUtf8): distinct bytes are distinct strings.
    for (let i = 0; i < n; i++) {
      const a = this.idTable.start(declared[i]!);
      const b = this.idTable.end(declared[i]!);
      idStart[i] = a;
      idEnd[i] = b;
      ids[i] = idText.toString(ascii ? 'latin1' : 'utf8', a, b);
    }
    const m = edges.length;
    const src = edges.src.subarray(0, m);
    const dst = edges.dst.subarray(0, m);
    for (let e = 0; e < src.length; e++) {
      src[e] = order[src[e]!]!;
      dst[e] = order[dst[e]!]!;
    }
    return {
      ids,
      cost: nodes.cost.data?.subarray(0, n),
      src,
      dst,
      weight: edges.weight.data?.subarray(0, m),
      type: edges.type.subarray(0, m),
      typeNames: this.typeNames,
      edgeStart: edges.start.data?.subarray(0, m),
      edgeEnd: edges.end.data?.subarray(0, m),
      nodeStart: nodes.start.data?.subarray(0, n),
      nodeEnd: nodes.end.data?.subarray(0, n),
      idStart,
      idEnd,
      idBytes,
      ascii,
    };
  }

  /** `[ node, ... ]` or `[ edge, ... ]` */
  private list(edges: boolean): void {
    this.expect(0x5b);
    // Slid before looking for `]`: whitespace up to the window's end would hide an empty list's `]` and
    // send the scan into an item that is not there (a give-up the whole-input scan would not make).
    if (this.p > this.refillAt) this.slide();
    this.p = skipWs(this.buf, this.p);
    if (this.buf[this.p] === 0x5d) {
      this.p++;
      return;
    }
    for (;;) {
      if (this.p > this.refillAt) this.slide();
      if (edges) this.edge();
      else this.node();
      if (this.endOfItem(0x5d)) return;
    }
  }

  /** After an item of an array or object: true at `close`, false after a comma (whitespace skipped both ways). */
  private endOfItem(close: number): boolean {
    const { buf } = this;
    const p = skipWs(buf, this.p);
    const c = buf[p];
    if (c === close) {
      this.p = p + 1;
      return true;
    }
    if (c !== 0x2c) giveUp();
    this.p = skipWs(buf, p + 1);
    return false;
  }

  /** At `{`: true for an empty object (then past it); else at the first key. */
  private openObject(): boolean {
    const { buf } = this;
    if (buf[this.p] !== 0x7b) giveUp();
    this.p = skipWs(buf, this.p + 1);
    if (buf[this.p] !== 0x7d) return false;
    this.p++;
    return true;
  }

  private node(): void {
    const start = this.p;
    let id = -1;
    let cost = NaN;
    // Plain: only id and maybe cost, in that order (the object is then rebuilt without parsing it).
    let plain = true;
    let last = OTHER;
    // Cleared only when used: setting an array's length is a runtime call, and most objects have no other key.
    if (this.others.length !== 0) this.others.length = 0;
    this.seenKeys = 0;
    if (!this.openObject())
      for (;;) {
        const key = this.objectKey();
        this.colon();
        if ((key !== ID && key !== COST) || key <= last) plain = false;
        last = key;
        if (key === ID) id = this.idString();
        else if (key === COST) cost = this.numberOrSkip();
        else this.p = skipValue(this.buf, this.p);
        if (this.endOfItem(0x7d)) break;
      }
    if (id === -1 || (this.others.length > 2 && repeatedKey(this.buf, this.others))) giveUp();
    this.nodes.add(id, cost, this.base + start, this.base + this.p, plain);
  }

  private edge(): void {
    const start = this.p;
    let from = -1;
    let to = -1;
    let weight = NaN;
    let type = 0;
    // Plain: only from, to, type, weight, in that order (the object is then rebuilt without parsing it).
    let plain = true;
    let last = OTHER;
    if (this.others.length !== 0) this.others.length = 0;
    this.seenKeys = 0;
    if (!this.openObject())
      for (;;) {
        const key = this.objectKey();
        this.colon();
        if (key < FROM || key > WEIGHT || key <= last) plain = false;
        last = key;
        if (key === FROM) from = this.idString();
        else if (key === TO) to = this.idString();
        else if (key === TYPE) type = this.typeString();
        else if (key === WEIGHT) {
          weight = this.numberOrSkip();
          if (!(weight >= 0)) giveUp();
        } else if (key === SYMBOLS) this.symbols();
        else this.p = skipValue(this.buf, this.p);
        if (this.endOfItem(0x7d)) break;
      }
    if (from === -1 || to === -1 || (this.others.length > 2 && repeatedKey(this.buf, this.others))) giveUp();
    this.edges.add(from, to, weight, type, this.base + start, this.base + this.p, plain);
  }

  /** `symbols`: an array of strings. */
  private symbols(): void {
    const { buf } = this;
    this.expect(0x5b);
    this.p = skipWs(buf, this.p);
    if (buf[this.p] === 0x5d) {
      this.p++;
      return;
    }
    for (;;) {
      if (buf[this.p] !== QUOTE) giveUp();
      this.p = skipString(buf, this.p);
      if (this.endOfItem(0x5d)) return;
    }
  }

  private colon(): void {
    const { buf } = this;
    const p = skipWs(buf, this.p);
    if (buf[p] !== 0x3a) giveUp();
    this.p = skipWs(buf, p + 1);
  }

  /** A string value that is a node id: hashed while scanned, interned by its bytes. */
  private idString(): number {
    const { buf } = this;
    if (buf[this.p] !== QUOTE) giveUp();
    const a = this.p + 1;
    let p = a;
    let h = 0x811c9dc5;
    let bits = 0;
    for (;;) {
      const c = buf[p]!;
      if (c === QUOTE) break;
      // Past the end `c` is undefined and fails `c >= 0x20` too.
      if (!(c >= 0x20) || c === BACKSLASH) giveUp();
      h = Math.imul(h ^ c, 0x01000193);
      bits |= c;
      p++;
    }
    if (p === a) giveUp();
    this.bits |= bits;
    this.p = p + 1;
    return this.idTable.intern(buf, a, p, h);
  }

  /** The end of a string without escapes starting at `this.p` (an escape or control byte: give up). */
  private plainStringEnd(): number {
    const { buf } = this;
    if (buf[this.p] !== QUOTE) giveUp();
    let p = this.p + 1;
    for (;;) {
      const c = buf[p]!;
      if (c === QUOTE) return p;
      if (!(c >= 0x20) || c === BACKSLASH) giveUp();
      p++;
    }
  }

  private typeString(): number {
    const { buf } = this;
    const a = this.p + 1;
    const b = this.plainStringEnd();
    this.p = b + 1;
    // Types are few and mostly repeat: the last one is compared first, then the table (decoded once each).
    if (this.lastType >= 0 && b - a === this.lastTypeB - this.lastTypeA) {
      const s = this.lastTypeA;
      let i = 0;
      while (i < b - a && buf[s + i] === buf[a + i]) i++;
      if (i === b - a) return this.lastType;
    }
    let h = 0x811c9dc5;
    for (let i = a; i < b; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const k = this.typeTable.intern(buf, a, b, h);
    if (k + 1 === this.typeNames.length) {
      if (k > 60000) giveUp();
      this.typeNames.push(this.text(a, b));
    }
    this.lastTypeA = a;
    this.lastTypeB = b;
    this.lastType = k + 1;
    return k + 1;
  }

  /**
   * A key of a node or edge object (`this.others` and `this.seenKeys` cleared at its start): its code. A key the
   * scanner acts on given twice gives up (JSON.parse would keep the last value: the full loader reports it);
   * other keys are kept in `this.others`, checked for repeats at the object's end.
   */
  private objectKey(): number {
    const at = this.p;
    const key = this.key();
    if (key === OTHER) this.others.push(at, this.p);
    else {
      if (this.seenKeys & (1 << key)) giveUp();
      this.seenKeys |= 1 << key;
    }
    return key;
  }

  /** A key: the code of one the scanner acts on, OTHER for any other. */
  private key(): number {
    const { buf } = this;
    const a = this.p + 1;
    const b = this.plainStringEnd();
    this.p = b + 1;
    const len = b - a;
    const c0 = buf[a];
    let k = OTHER;
    if (len === 2) k = c0 === 0x69 ? ID : c0 === 0x74 ? TO : OTHER;
    else if (len === 4) k = c0 === 0x66 ? FROM : c0 === 0x74 ? TYPE : c0 === 0x63 ? COST : OTHER;
    else if (len === 5) k = c0 === 0x6e ? NODES : c0 === 0x65 ? EDGES : c0 === 0x66 ? FILES : OTHER;
    else if (len === 6) k = WEIGHT;
    else if (len === 7) k = SYMBOLS;
    if (k === OTHER) return OTHER;
    const bytes = KEY_BYTES[k]!;
    for (let i = 1; i < len; i++) if (buf[a + i] !== bytes[i]) return OTHER;
    return k;
  }

  /** Bytes [a, b) as a string (Buffer's native UTF-8 decoding: far cheaper per call than a TextDecoder). */
  private text(a: number, b: number): string {
    return this.nodeBuf.toString('utf8', a, b);
  }

  private numberOrSkip(): number {
    const a = this.p;
    this.p = skipValue(this.buf, this.p);
    const text = this.text(a, this.p);
    const x = Number(text);
    if (!/^-?\d/.test(text) || !Number.isFinite(x)) giveUp();
    return x;
  }

  /**
   * Bytes up to `end` (an item boundary: never inside a character) must be UTF-8: the full loader rejects
   * any other byte with its line and column (E_FILE_ENCODING), so the fast path must not decode it lossily.
   */
  private requireUtf8(end: number): void {
    if (!isUtf8(this.buf.subarray(this.utf8Checked, end))) giveUp();
    this.utf8Checked = end;
  }

  private expect(c: number): void {
    if (this.buf[this.p] !== c) giveUp();
    this.p++;
  }
}
