import { Ajv, type ErrorObject } from 'ajv';
import { isRecord, type JsonSchema } from './json-schema.js';

/**
 * Example instances generated from a derived schema:
 * - `minimal`: only required properties, arrays at their minimum size;
 * - `full`: every property, arrays with one item more than the minimum (within the maximum);
 * - `test`: boundary values: arrays at their maximum (capped at 5), numbers at their maximum,
 *   the last example of each string.
 * Values come from `const`, `default`, `examples`, `enum`, then from the type; a string with a
 * `pattern` gets the first candidate that matches it.
 */
export type InstanceKind = 'minimal' | 'full' | 'test';
export const INSTANCE_KINDS: readonly InstanceKind[] = ['minimal', 'full', 'test'];

const MAX_TEST_ITEMS = 5;
const STRING_CANDIDATES = [
  'example',
  'example_value',
  'EXAMPLE',
  'Example',
  'example-value',
  'src/example.py',
  'a',
  'A',
  '0',
  'x1',
  'ex-1',
  'EX-001',
  'DOC-EXAMPLE-001',
];

export function generateInstance(schema: JsonSchema, kind: InstanceKind): unknown {
  return value(schema, kind, 'value', 0);
}

function value(schema: JsonSchema, kind: InstanceKind, name: string, depth: number): unknown {
  if (schema.const !== undefined) return schema.const;
  const examples = Array.isArray(schema.examples) ? schema.examples : [];
  if (kind === 'test' && examples.length > 0) return examples[examples.length - 1];
  if (schema.default !== undefined && kind !== 'test') return schema.default;
  if (examples.length > 0) return examples[0];
  if (Array.isArray(schema.enum) && schema.enum.length > 0)
    return kind === 'test' ? schema.enum[schema.enum.length - 1] : schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return object(schema, kind, depth);
    case 'array':
      return array(schema, kind, name, depth);
    case 'integer':
    case 'number':
      return number(schema, kind, type === 'integer');
    case 'boolean':
      return kind === 'test';
    case 'null':
      return null;
    case 'string':
      return string(schema, name);
    default:
      return depth > 0 || isRecord(schema.properties) ? object(schema, kind, depth) : string(schema, name);
  }
}

function object(schema: JsonSchema, kind: InstanceKind, depth: number): Record<string, unknown> {
  const props = isRecord(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(props)) {
    if (kind === 'minimal' && !required.includes(key)) continue;
    if (depth > 8) continue;
    out[key] = value(sub, kind, key, depth + 1);
  }
  return out;
}

function array(schema: JsonSchema, kind: InstanceKind, name: string, depth: number): unknown[] {
  const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const max = typeof schema.maxItems === 'number' ? schema.maxItems : Number.POSITIVE_INFINITY;
  const count =
    kind === 'minimal' ? min : kind === 'full' ? Math.min(max, min + 1) : Math.min(max, Math.max(min, MAX_TEST_ITEMS));
  const items = isRecord(schema.items) ? (schema.items as JsonSchema) : { type: 'string' };
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const v = value(items, kind, `${name}_${i + 1}`, depth + 1);
    // unique items: vary strings by suffix so `uniqueItems` holds
    out.push(typeof v === 'string' && i > 0 && !items.enum && !items.const ? `${v}_${i + 1}` : v);
  }
  return out;
}

function number(schema: JsonSchema, kind: InstanceKind, integer: boolean): number {
  const min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + (integer ? 1 : 0.5)
        : 0;
  const max =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number'
        ? schema.exclusiveMaximum - (integer ? 1 : 0.5)
        : undefined;
  const n = kind === 'test' && max !== undefined ? max : min;
  return integer ? Math.ceil(n) : n;
}

function string(schema: JsonSchema, name: string): string {
  if (schema.format === 'date') return '2025-01-01';
  if (schema.format === 'date-time') return '2025-01-01T00:00:00Z';
  if (schema.format === 'email') return 'someone@example.com';
  if (schema.format === 'uri') return 'https://example.com/';
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  const candidates = [name.replace(/[^A-Za-z0-9_]/g, '_') || 'example', ...STRING_CANDIDATES];
  const pattern = typeof schema.pattern === 'string' ? safeRegExp(schema.pattern) : undefined;
  for (const c of candidates) {
    const padded = c.length < minLength ? c.padEnd(minLength, 'x') : c;
    if (padded.length <= maxLength && (!pattern || pattern.test(padded))) return padded;
  }
  // no candidate fits the pattern: return the first one; validation reports it with the path
  return candidates[0]!;
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source, 'u');
  } catch {
    return undefined;
  }
}

export interface InstanceValidation {
  valid: boolean;
  errors: string[];
}

/** An ajv instance for derived schemas: all errors, no format packages needed (dates checked by pattern). */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:/i);
  return ajv;
}

/** Compiles the schema (an invalid schema is one error) and validates the instance against it. */
export function validateInstance(ajv: Ajv, schema: JsonSchema, instance: unknown): InstanceValidation {
  let validate;
  try {
    validate = ajv.compile({ ...schema, $id: undefined });
  } catch (error) {
    return { valid: false, errors: [`the schema does not compile: ${(error as Error).message}`] };
  }
  const valid = validate(instance) as boolean;
  return { valid, errors: valid ? [] : (validate.errors ?? []).map(formatAjvError) };
}

function formatAjvError(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${JSON.stringify(e.params.allowedValues)})` : ''}`;
}
