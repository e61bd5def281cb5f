import type { LineCounts } from './types.js';

/** 1-based line of an offset, by binary search over the sorted offsets of line starts. */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Offsets of line starts, for offset → line lookups by binary search. */
export class LineIndex {
  readonly starts: number[];
  readonly count: number;
  constructor(readonly text: string) {
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    // A trailing newline ends the last line; it does not open a new one.
    if (starts.length > 1 && starts[starts.length - 1] === text.length) starts.pop();
    this.starts = starts;
    this.count = text.length === 0 ? 0 : starts.length;
  }

  /** 1-based line of an offset. */
  lineOf(offset: number): number {
    return lineAt(this.starts, offset);
  }

  /** Text of lines a..b (1-based, inclusive), without the final newline. */
  slice(a: number, b: number): string {
    const start = this.starts[a - 1] ?? this.text.length;
    const end = b < this.starts.length ? this.starts[b]! - 1 : this.text.length;
    const t = this.text.slice(start, Math.max(start, end));
    return t.endsWith('\r') ? t.slice(0, -1) : t;
  }

  isBlank(line: number): boolean {
    return this.slice(line, line).trim() === '';
  }
}

/** Marks lines a..b (1-based, inclusive) as holding code. */
export function markLines(isSource: Uint8Array, a: number, b: number): void {
  for (let l = a; l <= b && l <= isSource.length; l++) isSource[l - 1] = 1;
}

/** Counts lines: source = a code token on it; comment = not source, not blank; blank = whitespace only. */
export function countLines(index: LineIndex, isSource: Uint8Array, from = 1, to = index.count): LineCounts {
  let source = 0;
  let blank = 0;
  let comment = 0;
  for (let l = from; l <= to; l++) {
    if (isSource[l - 1]) source++;
    else if (index.isBlank(l)) blank++;
    else comment++;
  }
  return { physical: Math.max(0, to - from + 1), source, comment, blank };
}

export function sourceLinesIn(isSource: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let l = from; l <= to; l++) n += isSource[l - 1] ?? 0;
  return n;
}
