/**
 * Files ST3 reads, changes and writes back (the exception ledger, the quarantine, evidence indexes,
 * context.json, qa/runs.json) may carry fields their schema does not know: a ticket id, a PR link or a
 * team added by a person or another tool. The schemas strip such keys when they parse, so a writer that
 * wrote back what it parsed would drop them. Writers read with {@link withUnknownKeys} instead, the way
 * `@st3/quality-gates` keeps other tools' keys in state.json: keys the schema does not know survive.
 */

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `parsed` (what a schema made of `raw`) with every key of `raw` the schema does not know put back where
 * it was, at any depth. Objects are merged key by key in the file's order: a key the schema knows takes
 * the parsed (validated) value, any other keeps its value from the file as it is; keys the schema added
 * (defaults) come last. Arrays are merged element by element (a schema keeps every element of an array it
 * accepts). Returns new objects; `raw` and `parsed` are not changed.
 */
export function withUnknownKeys<T>(raw: unknown, parsed: T): T {
  return merge(raw, parsed) as T;
}

function merge(raw: unknown, parsed: unknown): unknown {
  if (Array.isArray(raw) && Array.isArray(parsed))
    return raw.length === parsed.length ? parsed.map((p, i) => merge(raw[i], p)) : parsed;
  if (!isRecord(raw) || !isRecord(parsed)) return parsed;
  const entries: [string, unknown][] = [];
  for (const key of Object.keys(raw))
    entries.push([key, Object.hasOwn(parsed, key) ? merge(raw[key], parsed[key]) : raw[key]]);
  for (const key of Object.keys(parsed)) if (!Object.hasOwn(raw, key)) entries.push([key, parsed[key]]);
  // fromEntries defines own properties: a key named `__proto__` stays data, as JSON.parse made it.
  return Object.fromEntries(entries);
}

/**
 * The keys of `value` other than `known`: what an object carries beyond its schema, to keep when the
 * known part is replaced as a whole.
 */
export function extraKeys(value: unknown, known: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([k]) => !known.includes(k)));
}
