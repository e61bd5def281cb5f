/** Below this many keys a range is finished by insertion sort. */
const SMALL = 24;

/** Byte order of [a0, a1) and [b0, b1) from offset `d` on: a prefix sorts first. */
function compareFrom(buf: Uint8Array, a0: number, a1: number, b0: number, b1: number, d: number): number {
  const la = a1 - a0;
  const lb = b1 - b0;
  const len = la < lb ? la : lb;
  for (let i = d; i < len; i++) {
    const x = buf[a0 + i]!;
    const y = buf[b0 + i]!;
    if (x !== y) return x - y;
  }
  return la - lb;
}

/**
 * The indices of the byte strings `[start[i], end[i])` of `buf`, sorted by their bytes (a prefix
 * first): for ASCII keys that is JavaScript's string order, so ids are ranked without making or
 * comparing strings. MSD radix sort, iterative (an explicit stack), insertion sort for small ranges.
 */
export function sortByBytes(buf: Uint8Array, start: Int32Array, end: Int32Array): Int32Array {
  const n = start.length;
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  const tmp = new Int32Array(n);
  const digit = new Uint16Array(n);
  const count = new Int32Array(258);
  // Pending ranges as (lo, hi, depth) triples.
  let stack = new Int32Array(3 * 256);
  let top = 0;
  const push = (lo: number, hi: number, d: number) => {
    if (top + 3 > stack.length) {
      const next = new Int32Array(stack.length * 2);
      next.set(stack);
      stack = next;
    }
    stack[top++] = lo;
    stack[top++] = hi;
    stack[top++] = d;
  };
  push(0, n, 0);
  while (top > 0) {
    const d = stack[--top]!;
    const hi = stack[--top]!;
    const lo = stack[--top]!;
    if (hi - lo <= SMALL) {
      for (let i = lo + 1; i < hi; i++) {
        const x = a[i]!;
        let j = i - 1;
        while (j >= lo && compareFrom(buf, start[a[j]!]!, end[a[j]!]!, start[x]!, end[x]!, d) > 0) {
          a[j + 1] = a[j]!;
          j--;
        }
        a[j + 1] = x;
      }
      continue;
    }
    // Digit 0: the key ends here; byte b: digit b + 1.
    count.fill(0);
    for (let i = lo; i < hi; i++) {
      const k = a[i]!;
      const pos = start[k]! + d;
      const c = pos < end[k]! ? buf[pos]! + 1 : 0;
      digit[i] = c;
      count[c + 1]!++;
    }
    for (let c = 0; c < 257; c++) count[c + 1]! += count[c]!;
    for (let i = lo; i < hi; i++) tmp[lo + count[digit[i]!]!++] = a[i]!;
    a.set(tmp.subarray(lo, hi), lo);
    // After the scatter count[c] is the end of bucket c (relative to lo); keys that ended are done.
    let from = count[0]!;
    for (let c = 1; c < 257; c++) {
      const to = count[c]!;
      if (to - from > 1) push(lo + from, lo + to, d + 1);
      from = to;
    }
  }
  return a;
}
