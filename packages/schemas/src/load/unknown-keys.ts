import type { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import { didYouMean } from '../errors/suggest.js';
import type { CheckContext } from './load-document.js';

type Path = (string | number)[];
type Def = z.core.$ZodTypeDef & Record<string, unknown>;
interface Found {
  path: Path;
  key: string;
  known: string[];
}

/** Past this many, the rest of a document's unknown keys are summarised in one warning. */
const MAX_WARNINGS = 100;

/**
 * Keys of the document that no schema object declares, so the schema drops them (strip) or keeps them
 * unread (loose): a typo such as `comand:` would otherwise have no effect and say nothing. Keys that
 * the schema lets users name (records, typed catchalls), `x-…` keys and a top-level `$schema` are never
 * unknown; nothing under a preprocess
 * (which may rename keys), `z.unknown()`/`z.any()` or a strict object (already an error) is judged.
 */
export function unknownKeyWarnings(
  value: unknown,
  schema: z.ZodType,
  file: string | undefined,
  locate: CheckContext['locate'],
): Diagnostic[] {
  const found: Found[] = [];
  walk(value, schema, [], found);
  const warnings = found.slice(0, MAX_WARNINGS).map(({ path, key, known }) => {
    const pos = locate([...path, key], { atKey: true });
    return {
      code: 'W_UNKNOWN_KEY',
      severity: 'warning' as const,
      file,
      line: pos?.line,
      column: pos?.column,
      path: [...path, key],
      message: `unknown key "${key}" is ignored`,
      hint: unknownKeyHint(key, known),
    };
  });
  if (found.length > MAX_WARNINGS)
    warnings.push({
      code: 'W_UNKNOWN_KEY',
      severity: 'warning',
      file,
      line: undefined,
      column: undefined,
      path: [],
      message: `${found.length - MAX_WARNINGS} more unknown keys not shown`,
      hint: 'fix the keys above first',
    });
  return warnings;
}

function unknownKeyHint(key: string, known: string[]): string {
  if (key === '<<') return 'YAML merge keys (<<) are YAML 1.1 and are not applied: repeat the settings instead';
  const close = didYouMean(key, known);
  if (close) return close;
  return known.length > 0 ? `known keys here: ${known.join(', ')}` : 'remove it';
}

function walk(value: unknown, schema: z.ZodType, path: Path, found: Found[]): void {
  const def = schema._zod.def as Def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'catch':
    case 'readonly':
      return walk(value, def.innerType as z.ZodType, path, found);
    case 'lazy':
      return walk(value, (def.getter as () => z.ZodType)(), path, found);
    case 'pipe': {
      // A preprocess (`in` is a transform) may rename or drop keys: nothing below it can be judged.
      const input = def.in as z.ZodType;
      if ((input._zod.def as Def).type !== 'transform') walk(value, input, path, found);
      return;
    }
    case 'object':
      return walkObject(value, def, path, found);
    case 'record':
      if (isPlainObject(value))
        for (const [k, v] of Object.entries(value)) walk(v, def.valueType as z.ZodType, [...path, k], found);
      return;
    case 'array':
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, def.element as z.ZodType, [...path, i], found));
      return;
    case 'tuple':
      if (Array.isArray(value))
        (def.items as z.ZodType[]).forEach((item, i) => i < value.length && walk(value[i], item, [...path, i], found));
      return;
    case 'union':
      return walkUnion(value, def.options as z.ZodType[], path, found);
    case 'intersection':
      return walkIntersection(value, def, path, found);
    default:
      return;
  }
}

function walkObject(value: unknown, def: Def, path: Path, found: Found[]): void {
  if (!isPlainObject(value)) return;
  const shape = def.shape as Record<string, z.ZodType>;
  const catchall = def.catchall as z.ZodType | undefined;
  const catchallType = catchall ? (catchall._zod.def as Def).type : undefined;
  for (const [key, v] of Object.entries(value)) {
    if (Object.hasOwn(shape, key)) walk(v, shape[key]!, [...path, key], found);
    else if (isExtensionKey(key, path)) continue;
    else if (catchall === undefined || catchallType === 'unknown' || catchallType === 'any')
      found.push({ path, key, known: Object.keys(shape) });
    else if (catchallType !== 'never') walk(v, catchall, [...path, key], found);
  }
}

/** The member the value is valid for (the one with fewest unknown keys when several are); none: not judged. */
function walkUnion(value: unknown, options: z.ZodType[], path: Path, found: Found[]): void {
  let best: Found[] | undefined;
  for (const option of options) {
    if (!option.safeParse(value).success) continue;
    const mine: Found[] = [];
    walk(value, option, path, mine);
    if (best === undefined || mine.length < best.length) best = mine;
    if (best.length === 0) break;
  }
  if (best) found.push(...best);
}

/** A key is unknown to an intersection only when both sides call it unknown. */
function walkIntersection(value: unknown, def: Def, path: Path, found: Found[]): void {
  const left: Found[] = [];
  const right: Found[] = [];
  walk(value, def.left as z.ZodType, path, left);
  walk(value, def.right as z.ZodType, path, right);
  const id = (f: Found) => JSON.stringify([...f.path, f.key]);
  const unknownRight = new Map(right.map((f) => [id(f), f]));
  for (const f of left) {
    const other = unknownRight.get(id(f));
    if (other) found.push({ ...f, known: [...new Set([...f.known, ...other.known])] });
  }
}

/** `x-…` keys (a home for YAML anchors, as in compose files) and a top-level `$schema` are meant to be unread. */
function isExtensionKey(key: string, path: Path): boolean {
  return key.startsWith('x-') || (key === '$schema' && path.length === 0);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
