const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Past this many keys an object's keys go in a Set (below, a scan of a short list is cheaper). */
const LIST_KEYS = 32;

/**
 * The first key of `text` (valid JSON) that repeats an earlier key of its object, with its offset.
 * `JSON.parse` keeps the last value of a repeated key without a word, where the YAML path reports it:
 * big JSON, read by `JSON.parse`, is checked by this one linear pass (strings skipped with `indexOf`).
 */
export function repeatedJsonKey(text: string): { key: string; offset: number } | undefined {
  const keys = new OpenKeys();
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (!keys.add(key)) return { key, offset: i };
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b) {
      keys.open(true);
      expectKey = true;
    } else if (c === 0x5b) keys.open(false);
    else if (c === 0x7d || c === 0x5d) keys.close();
    else if (c === 0x2c) expectKey = keys.inObject();
  }
  return undefined;
}

/** The index of the quote closing the string opened at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

/** The keys of the open containers: one flat list (no array per object), a Set for an object with many. */
class OpenKeys {
  private readonly keys: string[] = [];
  /** Per open container: where its keys start in `keys`, -1 for an array. */
  private readonly starts: number[] = [];
  private readonly sets: (Set<string> | undefined)[] = [];

  open(object: boolean): void {
    this.starts.push(object ? this.keys.length : -1);
    this.sets.push(undefined);
  }

  close(): void {
    const start = this.starts.pop()!;
    this.sets.pop();
    if (start >= 0) this.keys.length = start;
  }

  inObject(): boolean {
    return this.starts[this.starts.length - 1]! >= 0;
  }

  /** Adds a key to the innermost object: false when it has it already. */
  add(key: string): boolean {
    const top = this.sets.length - 1;
    const set = this.sets[top];
    if (set) {
      if (set.has(key)) return false;
      set.add(key);
      return true;
    }
    const start = this.starts[top]!;
    for (let k = start; k < this.keys.length; k++) if (this.keys[k] === key) return false;
    this.keys.push(key);
    if (this.keys.length - start > LIST_KEYS) this.sets[top] = new Set(this.keys.splice(start));
    return true;
  }
}
