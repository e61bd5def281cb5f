import type { Position } from './locate.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;
const LITERALS = ['true', 'false', 'null'];
const SIMPLE_ESCAPES = '"\\/bfnrt';

/** Thrown inside the scan only: where the text stops being JSON. */
class SyntaxAt {
  constructor(readonly offset: number) {}
}

/**
 * Where `JSON.parse` stopped: the position its message gives, else (V8's "Unexpected token 'x', "…" is not
 * valid JSON" gives none, and its snippet is truncated and may occur several times) the offset found by
 * scanning the text. Input that ends early is located at its last character, where what is missing should
 * have followed.
 */
export function jsonErrorPosition(text: string, message: string): Position {
  const at = /position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : (jsonSyntaxErrorOffset(text) ?? text.length);
  return offsetToPosition(text, offset < text.length ? offset : lastNonSpace(text));
}

/**
 * The offset of the first character at which `text` stops being the start of a JSON document (RFC 8259, as
 * `JSON.parse` reads it), `text.length` when it ends before the document does, undefined when it is JSON.
 * One linear pass with an explicit stack: a deeply nested document cannot overflow the call stack.
 */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  try {
    scanDocument(text);
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    throw error;
  }
}

export function offsetToPosition(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function scanDocument(text: string): void {
  /** The closing character of each open object or array, innermost last. */
  const open: number[] = [];
  let i = scanValue(text, skipSpace(text, 0), open);
  for (;;) {
    i = skipSpace(text, i);
    const close = open[open.length - 1];
    if (close === undefined) {
      if (i < text.length) throw new SyntaxAt(i);
      return;
    }
    const c = text.charCodeAt(i);
    if (c === close) {
      open.pop();
      i++;
    } else if (c === COMMA) {
      i = skipSpace(text, i + 1);
      if (close === RIGHT_BRACE) i = scanKey(text, i);
      i = scanValue(text, i, open);
    } else throw new SyntaxAt(i);
  }
}

/**
 * Scans the value at `i` and returns the offset after it; an object or array that is not empty is left open
 * on `open` once its first member is scanned (its other members are the caller's loop).
 */
function scanValue(text: string, start: number, open: number[]): number {
  let i = start;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === LEFT_BRACE || c === LEFT_BRACKET) {
      const close = c === LEFT_BRACE ? RIGHT_BRACE : RIGHT_BRACKET;
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) === close) return i + 1;
      open.push(close);
      if (close === RIGHT_BRACE) i = scanKey(text, i);
      continue;
    }
    if (c === QUOTE) return scanString(text, i);
    if (c === MINUS || isDigit(c)) return scanNumber(text, i);
    const literal = LITERALS.find((word) => word.charCodeAt(0) === c);
    if (!literal) throw new SyntaxAt(i);
    for (let k = 1; k < literal.length; k++) {
      if (text.charCodeAt(i + k) !== literal.charCodeAt(k)) throw new SyntaxAt(Math.min(i + k, text.length));
    }
    return i + literal.length;
  }
}

/** A property name and its colon at `i`; returns the offset of the value, spaces skipped. */
function scanKey(text: string, i: number): number {
  if (text.charCodeAt(i) !== QUOTE) throw new SyntaxAt(Math.min(i, text.length));
  const afterName = skipSpace(text, scanString(text, i));
  if (text.charCodeAt(afterName) !== COLON) throw new SyntaxAt(Math.min(afterName, text.length));
  return skipSpace(text, afterName + 1);
}

function scanString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new SyntaxAt(text.length);
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < 0x20) throw new SyntaxAt(i);
    if (c !== BACKSLASH) {
      i++;
      continue;
    }
    const escape = text.charAt(i + 1);
    if (escape === 'u') {
      for (let k = i + 2; k < i + 6; k++)
        if (!isHexDigit(text.charCodeAt(k))) throw new SyntaxAt(Math.min(k, text.length));
      i += 6;
    } else if (escape !== '' && SIMPLE_ESCAPES.includes(escape)) i += 2;
    else throw new SyntaxAt(i + 1);
  }
}

/** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` at `start`; returns the offset after it. */
function scanNumber(text: string, start: number): number {
  let i = start;
  if (text.charCodeAt(i) === MINUS) i++;
  if (text.charCodeAt(i) === 0x30) i++;
  else i = digits(text, i);
  if (text.charCodeAt(i) === 0x2e) i = digits(text, i + 1);
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 0x2b || sign === MINUS) i++;
    i = digits(text, i);
  }
  return i;
}

/** One or more digits at `start`; returns the offset after them. */
function digits(text: string, start: number): number {
  if (!isDigit(text.charCodeAt(start))) throw new SyntaxAt(Math.min(start, text.length));
  let i = start + 1;
  while (isDigit(text.charCodeAt(i))) i++;
  return i;
}

function skipSpace(text: string, start: number): number {
  let i = start;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** The offset of the last character that is not JSON whitespace (0 for blank text). */
function lastNonSpace(text: string): number {
  let i = text.length - 1;
  while (i > 0 && ' \t\r\n'.includes(text.charAt(i))) i--;
  return Math.max(0, i);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
