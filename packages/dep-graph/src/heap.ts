/** A binary min-heap of integers under a caller-given order (used for deterministic tie-breaking by index). */
export class IntHeap {
  private data: number[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean = (a, b) => a < b) {}

  get size(): number {
    return this.data.length;
  }

  peek(): number | undefined {
    return this.data[0];
  }

  push(x: number): void {
    const d = this.data;
    let i = d.length;
    d.push(x);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(x, d[parent]!)) break;
      d[i] = d[parent]!;
      i = parent;
    }
    d[i] = x;
  }

  pop(): number | undefined {
    const d = this.data;
    if (d.length === 0) return undefined;
    const top = d[0]!;
    const last = d.pop()!;
    if (d.length > 0) {
      let i = 0;
      const n = d.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.less(d[r]!, d[l]!) ? r : l;
        if (!this.less(d[c]!, last)) break;
        d[i] = d[c]!;
        i = c;
      }
      d[i] = last;
    }
    return top;
  }
}
