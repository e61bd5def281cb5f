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

/** Skips any JSON value from `p`, iteratively (depth counted, never recursing): the position after it. */
export function skipValue(buf: Uint8Array, p: number): number {
  let depth = 0;
  do {
    p = skipWs(buf, p);
    const c = buf[p];
    if (c === undefined) giveUp();
    if (c === 0x7b || c === 0x5b) {
      depth++;
      p++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      depth--;
      p++;
      if (depth < 0) giveUp();
      continue;
    }
    if (c === 0x2c || c === 0x3a) {
      if (depth === 0) giveUp();
      p++;
      continue;
    }
    p = c === QUOTE ? skipString(buf, p) : skipScalar(buf, p);
  } while (depth > 0);
  return p;
}

/** At a quote: the position after the string. */
export function skipString(buf: Uint8Array, p: number): number {
  p++;
  for (;;) {
    const c = buf[p++];
    if (c === undefined) giveUp();
    if (c === BACKSLASH) p++;
    else if (c === QUOTE) return p;
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
