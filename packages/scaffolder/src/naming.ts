import {
  PY_KEYWORDS,
  pyAssignStr,
  pyCall,
  pyDict,
  pyDoc,
  pyFieldImports,
  pyImports,
  pyLit,
  pyTuple,
} from './py-format.js';

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

/** Letters without their accents (`Café` → `Cafe`): Python names stay ASCII (ruff PLC2401/PLC2403). */
export function asciiFold(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '');
}

/** A snake_case Python identifier for a field name (`createdAt` → `created_at`; keywords get a trailing `_`). */
export const pyName = memo((name) => {
  const s = snake(asciiFold(name)) || '_';
  const safe = /^\d/.test(s) ? `_${s}` : s;
  return PY_KEYWORDS.has(safe) || PYDANTIC_ATTRIBUTES.has(safe) ? `${safe}_` : safe;
});

/** Names a pydantic model inherits (a field named so would shadow it, and mypy refuses the override). */
const PYDANTIC_ATTRIBUTES = new Set(
  'construct copy dict json parse_obj parse_raw parse_file from_orm schema schema_json validate update_forward_refs model_config model_fields model_computed_fields model_extra model_fields_set model_construct model_copy model_dump model_dump_json model_json_schema model_parametrized_name model_post_init model_rebuild model_validate model_validate_json model_validate_strings'.split(
    ' ',
  ),
);

/** A PascalCase Python class name, ASCII-folded. */
export const pyClass = memo((name) => pascal(asciiFold(name)));

/** A snake_case Python module name, ASCII-folded (`CaféOrder` → `cafe_order`). */
export const pyModule = memo((name) => snake(asciiFold(name)));

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
  datetime: '"2024-01-01T00:00:00Z"',
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
  pyName,
  pyClass,
  pyModule,
  pyLit,
  pyCall,
  pyDoc,
  pyAssignStr,
  pyTuple,
  pyDict,
  pyImports,
  pyFieldImports,
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
