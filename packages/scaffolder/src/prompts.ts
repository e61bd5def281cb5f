import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { St3Error } from '@st3/schemas';
import { builtinContextSchema, contextJsonSchema } from './contexts.js';
import { withSuffix } from './naming.js';
import { artifactOf, languageFor, type RenderEnv } from './render/env.js';
import type { PromptField, RenderRequest } from './types.js';

type Json = Record<string, unknown>;

/**
 * The required context fields a request does not give, described from the template's context
 * schema (description, default, enum choices), so an interactive CLI can ask for them. Fields
 * with a default are not required. Objects and arrays are asked for as JSON.
 */
export function promptFieldsFor(env: RenderEnv, request: RenderRequest): PromptField[] {
  const artifact = artifactOf(env, request.type);
  const lang = languageFor(env, artifact, request);
  const context: Record<string, unknown> = {
    ...(request.context ?? {}),
    name: withSuffix(request.name, artifact.name_suffix),
  };
  const { template } = env.resolver.resolve(artifact, lang, context);
  const entry = template.source.chain(template.id).concrete;
  const schema = schemaOf(entry.meta.context_schema, artifact.type_id, entry.file, template.source.engine === 'eta');
  if (!schema) return [];
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  return required
    .filter((name) => name !== 'name' && context[name] === undefined && properties[name]?.default === undefined)
    .map((name) => describe(name, properties[name] ?? {}));
}

function schemaOf(ref: unknown, type: string, file: string, implicit: boolean): Json | undefined {
  if (ref !== undefined && typeof ref === 'object') return ref as Json;
  const name = typeof ref === 'string' ? ref : implicit ? type : undefined;
  if (name === undefined) return undefined;
  if (builtinContextSchema(name)) return contextJsonSchema(name);
  const path = resolve(dirname(file), name);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Json;
  } catch {
    return undefined;
  }
}

function describe(name: string, schema: Json): PromptField {
  const t = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const type: PromptField['type'] = t === 'string' || t === 'integer' || t === 'number' || t === 'boolean' ? t : 'json';
  return {
    name,
    type,
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    ...(schema.default !== undefined ? { default: schema.default } : {}),
    ...(Array.isArray(schema.enum) ? { choices: schema.enum } : {}),
  };
}

/** An answer typed at a prompt, as the field's value: numbers, yes/no, a choice, or JSON for the rest. */
export function parsePromptAnswer(field: PromptField, text: string): unknown {
  const raw = text.trim();
  if (raw === '' && field.default !== undefined) return field.default;
  const bad = (expected: string) =>
    new St3Error('E_USAGE', `${field.name}: expected ${expected}, got "${raw}"`, { hint: 'answer again' });
  let value: unknown = raw;
  if (field.type === 'integer' || field.type === 'number') {
    value = Number(raw);
    if (raw === '' || !Number.isFinite(value) || (field.type === 'integer' && !Number.isInteger(value)))
      throw bad(field.type === 'integer' ? 'a whole number' : 'a number');
  } else if (field.type === 'boolean') {
    if (/^(y|yes|true|1)$/i.test(raw)) value = true;
    else if (/^(n|no|false|0)$/i.test(raw)) value = false;
    else throw bad('yes or no');
  } else if (field.type === 'json') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw bad('JSON (e.g. [{"name": "id", "type": "string"}])');
    }
  }
  if (field.choices && !field.choices.some((c) => c === value)) {
    const byIndex = /^\d+$/.test(raw) ? field.choices[Number(raw) - 1] : undefined;
    if (byIndex === undefined) throw bad(`one of ${field.choices.map((c) => JSON.stringify(c)).join(', ')}`);
    value = byIndex;
  }
  return value;
}
