// Byte-level JSON helpers of the scanner: whitespace, skipping values, checking scalars, giving up.

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;

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

export class Giveup extends Error {}
export const giveUp = (): never => {
  throw new Giveup();
};

/** The position of the first non-whitespace byte at or after `p`. */
export function skipWs(buf: Uint8Array, p: number): number {
  for (;;) {
    const c = buf[p];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return p;
    p++;
  }
}

/**
 * Skips one JSON value from `p` and checks its grammar (JSON.parse must agree: what the scanner
 * skips it still accepts), iteratively with a stack of open containers, never recursing: the
 * position after the value.
 */
export function skipValue(buf: Uint8Array, p: number): number {
  const open: number[] = [];
  // The keys of the open objects (byte ranges, quotes included), and where each object's keys start: a
  // repeated key is for the full loader to report (JSON.parse would keep the last value silently).
  const keys: number[] = [];
  const marks: number[] = [];
  for (;;) {
    p = skipWs(buf, p);
    const c = buf[p];
    if (c === 0x7b || c === 0x5b) {
      p = skipWs(buf, p + 1);
      if (buf[p] === c + 2) p++;
      else {
        open.push(c);
        if (c === 0x7b) {
          marks.push(keys.length);
          p = objectKey(buf, p, keys);
        }
        continue;
      }
    } else p = c === QUOTE ? skipString(buf, p) : skipScalar(buf, p);
    // After a value: close containers, or take a comma and go on to the next value.
    for (;;) {
      if (open.length === 0) return p;
      p = skipWs(buf, p);
      const d = buf[p];
      const top = open[open.length - 1]!;
      if (d === 0x2c) {
        p = skipWs(buf, p + 1);
        if (top === 0x7b) p = objectKey(buf, p, keys);
        break;
      }
      if (d !== top + 2) giveUp();
      open.pop();
      if (top === 0x7b) {
        const mark = marks.pop()!;
        if (repeatedKey(buf, keys, mark)) giveUp();
        keys.length = mark;
      }
      p++;
    }
  }
}

/** At a key inside an object: the position after its colon (the key's range, quotes included, pushed on `keys`). */
function objectKey(buf: Uint8Array, p: number, keys: number[]): number {
  if (buf[p] !== QUOTE) giveUp();
  const end = skipString(buf, p);
  keys.push(p, end);
  p = skipWs(buf, end);
  if (buf[p] !== 0x3a) giveUp();
  return p + 1;
}

/**
 * Whether two of the keys at `keys[from..]` (pairs of byte ranges, quotes included) are the same string,
 * as JSON.parse decodes them. Few plain ASCII keys are compared byte by byte; others are decoded.
 */
export function repeatedKey(buf: Uint8Array, keys: readonly number[], from = 0): boolean {
  const n = (keys.length - from) >> 1;
  if (n < 2) return false;
  if (n <= 16 && plainAscii(buf, keys, from)) {
    for (let i = from + 2; i < keys.length; i += 2)
      for (let j = from; j < i; j += 2) if (sameBytes(buf, keys[i]!, keys[i + 1]!, keys[j]!, keys[j + 1]!)) return true;
    return false;
  }
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  const seen = new Set<string>();
  for (let i = from; i < keys.length; i += 2) {
    const key = JSON.parse(text.toString('utf8', keys[i]!, keys[i + 1]!)) as string;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** No escape and no byte above 0x7f in the keys: equal bytes exactly when equal strings. */
function plainAscii(buf: Uint8Array, keys: readonly number[], from: number): boolean {
  for (let i = from; i < keys.length; i += 2)
    for (let p = keys[i]! + 1; p < keys[i + 1]! - 1; p++) if (buf[p]! >= 0x80 || buf[p] === BACKSLASH) return false;
  return true;
}

function sameBytes(buf: Uint8Array, a: number, b: number, c: number, d: number): boolean {
  if (b - a !== d - c) return false;
  for (let i = 0; i < b - a; i++) if (buf[a + i] !== buf[c + i]) return false;
  return true;
}

const isHex = (c: number | undefined) =>
  c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

/** At a quote: the position after the string (a raw control character or a bad escape: give up). */
export function skipString(buf: Uint8Array, p: number): number {
  p++;
  for (;;) {
    const c = buf[p++];
    if (c === undefined || c < 0x20) giveUp();
    if (c === QUOTE) return p;
    if (c !== BACKSLASH) continue;
    const e = buf[p++];
    if (e === 0x75) {
      if (!isHex(buf[p]) || !isHex(buf[p + 1]) || !isHex(buf[p + 2]) || !isHex(buf[p + 3])) giveUp();
      p += 4;
    } else if (
      e !== QUOTE &&
      e !== BACKSLASH &&
      e !== 0x2f &&
      e !== 0x62 &&
      e !== 0x66 &&
      e !== 0x6e &&
      e !== 0x72 &&
      e !== 0x74
    )
      giveUp();
  }
}

function skipScalar(buf: Uint8Array, a: number): number {
  let p = a;
  for (;;) {
    const c = buf[p];
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
    p++;
  }
  if (p === a) giveUp();
  // Only JSON's own scalars: anything else is for the full loader to report.
  if (!isScalar(buf, a, p)) giveUp();
  return p;
}
