const wordCache = new Map<string, string[]>();

/** Splits `UserProfile`, `user_profile`, `user-profile`, `user profile` (any script: `CaféOrder`) into lowercase words (memoized: templates ask often). */
export function words(name: string): string[] {
  const cached = wordCache.get(name);
  if (cached) return cached;
  const out = name
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  if (wordCache.size > 10_000) wordCache.clear();
  wordCache.set(name, out);
  return out;
}

/** Memoizes a name conversion (templates convert the same few names many times per render). */
function memo(fn: (name: string) => string): (name: string) => string {
  const cache = new Map<string, string>();
  return (name: string) => {
    let out = cache.get(name);
    if (out === undefined) {
      out = fn(name);
      if (cache.size > 10_000) cache.clear();
      cache.set(name, out);
    }
    return out;
  };
}

export const pascal = memo((name) =>
  words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(''),
);
export const camel = memo((name) => {
  const p = pascal(name);
  return p ? p[0]!.toLowerCase() + p.slice(1) : p;
});
export const snake = memo((name) => words(name).join('_'));
export const kebab = memo((name) => words(name).join('-'));
export const constant = memo((name) => snake(name).toUpperCase());
export const title = memo((name) =>
  words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' '),
);

/** Appends a suffix (e.g. `Worker`) unless the name already ends with it. */
export function withSuffix(name: string, suffix: string | null | undefined): string {
  if (!suffix) return name;
  return pascal(name).endsWith(pascal(suffix)) ? name : `${pascal(name)}${pascal(suffix)}`;
}

const ZOD: Record<string, string> = {
  string: 'z.string()',
  integer: 'z.number().int()',
  number: 'z.number()',
  boolean: 'z.boolean()',
  datetime: 'z.iso.datetime()',
  'string[]': 'z.array(z.string())',
  'integer[]': 'z.array(z.number().int())',
  'number[]': 'z.array(z.number())',
  object: 'z.record(z.string(), z.unknown())',
};
const TS: Record<string, string> = {
  string: 'string',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
  datetime: 'string',
  'string[]': 'string[]',
  'integer[]': 'number[]',
  'number[]': 'number[]',
  object: 'Record<string, unknown>',
};
const PY: Record<string, string> = {
  string: 'str',
  integer: 'int',
  number: 'float',
  boolean: 'bool',
  datetime: 'datetime',
  'string[]': 'list[str]',
  'integer[]': 'list[int]',
  'number[]': 'list[float]',
  object: 'dict[str, Any]',
};
const SAMPLE: Record<string, string> = {
  string: "'example'",
  integer: '1',
  number: '1.5',
  boolean: 'true',
  datetime: "'2024-01-01T00:00:00Z'",
  'string[]': "['example']",
  'integer[]': '[1]',
  'number[]': '[1.5]',
  object: '{}',
};
const PY_SAMPLE: Record<string, string> = {
  string: '"example"',
  integer: '1',
  number: '1.5',
  boolean: 'True',
  datetime: 'datetime(2024, 1, 1)',
  'string[]': '["example"]',
  'integer[]': '[1]',
  'number[]': '[1.5]',
  object: '{}',
};

/** Text on one line (for comments and docstrings). */
const oneLine = (text: unknown): string =>
  String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
/** Safe inside a block comment. */
const doc = (text: unknown): string => oneLine(text).replace(/\*\//g, '*\\/');
/** Safe inside a Python docstring. */
const pydoc = (text: unknown): string => oneLine(text).replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
/** A string literal (valid in TypeScript and Python alike). */
const str = (text: unknown): string => JSON.stringify(String(text ?? ''));
const pyLiteral = (value: unknown): string =>
  value === true
    ? 'True'
    : value === false
      ? 'False'
      : value === null || value === undefined
        ? 'None'
        : JSON.stringify(value);

/** The helpers every template gets as `it.h`. */
export const helpers = {
  pascal,
  camel,
  snake,
  kebab,
  constant,
  title,
  words,
  oneLine,
  doc,
  pydoc,
  str,
  pyLiteral,
  zod: (type: string): string => ZOD[type] ?? 'z.unknown()',
  tsType: (type: string): string => TS[type] ?? 'unknown',
  pyType: (type: string): string => PY[type] ?? 'Any',
  sample: (type: string): string => SAMPLE[type] ?? 'null',
  pySample: (type: string): string => PY_SAMPLE[type] ?? 'None',
  /** YYYY-MM-DD of an ISO timestamp. */
  day: (iso: string): string => String(iso).slice(0, 10),
};
