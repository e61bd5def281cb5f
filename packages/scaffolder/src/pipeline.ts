import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { z } from 'zod';
import { St3Error, type Diagnostic, type Lifecycle, type StateMachine } from '@st3/schemas';
import { locateInSource, type ContextSource } from './context-source.js';
import { builtinContextSchema, nameClashes } from './contexts.js';
import type { TemplateEntry, TemplateSource } from './templates/store.js';

export type Pipeline = 'v1' | 'v2';

/** What every render context carries besides the user's fields (the Lifecycle record plus the state). */
export interface RenderLifecycle extends Lifecycle {
  artifact_type: string;
  state?: string;
  /** The two header lines, or '' for ephemeral output and extensions without comments. */
  header: string;
}

/**
 * The one generic step from a validated context to a render context: the Lifecycle fields are
 * added under `lifecycle` for every artifact type alike (no per-type table).
 */
export function withLifecycle<T extends Record<string, unknown>>(
  context: T,
  lifecycle: RenderLifecycle,
): T & { lifecycle: RenderLifecycle } {
  return { ...context, lifecycle };
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

/**
 * v2: validates against the template's context schema; every bad field becomes one diagnostic; nothing is
 * rendered on error. With `source` (the context file), each diagnostic at a value the file gave carries
 * its file:line:col, and so does the error (from its first located diagnostic).
 */
export function schemaFirstContext(
  entry: TemplateEntry,
  input: Record<string, unknown>,
  artifactType: string,
  machine: StateMachine | undefined,
  warnings: Diagnostic[] = [],
  source?: ContextSource,
): Record<string, unknown> {
  // A Jinja2 template is validated against the schema it declares, never against a built-in it was not written for.
  if (entry.meta.context_schema === undefined && /\.(jinja2?|j2)$/.test(entry.id)) {
    warnings.push({
      code: 'W_NO_CONTEXT_SCHEMA',
      severity: 'warning',
      file: entry.file,
      message: `${entry.id} declares no context_schema: its context is not validated`,
      hint: 'add `context_schema: <built-in name or file.schema.json>` to the leading {# ... #} metadata comment',
    });
    return input;
  }
  const ref = entry.meta.context_schema ?? artifactType;
  let value: Record<string, unknown>;
  let diagnostics: Diagnostic[] = [];
  if (typeof ref === 'string' && builtinContextSchema(ref)) {
    const parsed = (builtinContextSchema(ref) as z.ZodType).safeParse(input);
    if (parsed.success) {
      value = parsed.data as Record<string, unknown>;
      diagnostics = nameClashes(value).map((c) => fieldError(c.path, c.message));
    } else {
      value = input;
      diagnostics = parsed.error.issues.flatMap((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const keys = issue.code === 'unrecognized_keys' ? ((issue as { keys?: string[] }).keys ?? []) : [];
        return keys.length > 0 ? keys.map((k) => unknownField([...path, k])) : [fieldError(path, issue.message)];
      });
    }
  } else {
    const validate = jsonSchemaValidator(entry, ref);
    value = structuredClone(input);
    if (!validate(value)) diagnostics = (validate.errors ?? []).map(ajvError);
  }
  if (machine && value.status !== undefined && !machine.states.includes(String(value.status))) {
    diagnostics.push(
      fieldError(
        ['status'],
        `"${String(value.status)}" is not a state of ${artifactType} (${machine.states.join(', ')})`,
      ),
    );
  }
  if (diagnostics.length > 0) {
    const fields = [...new Set(diagnostics.map((d) => (d.path && d.path.length > 0 ? d.path.join('.') : '(root)')))];
    const located = source
      ? diagnostics.map((d) => locateInSource(source, input, d, { atKey: AT_KEY.has(d) }))
      : diagnostics;
    const at = located.find((d) => d.file !== undefined);
    throw new St3Error(
      'E_CONTEXT_INVALID',
      `invalid context for ${artifactType}: ${diagnostics.map((d) => `${d.path?.join('.') || '(root)'}: ${d.message}`).join('; ')}`,
      {
        ...(at ? { file: at.file, line: at.line, column: at.column } : {}),
        diagnostics: located,
        hint: `fix ${fields.join(', ')} (--set key=value or --context file); nothing was written`,
        details: { fields },
      },
    );
  }
  return value;
}

/** v1: the caller's context as given; each variable the template reads but the caller omitted falls back to a default, with a warning. */
export function looseContext(
  store: TemplateSource,
  concreteId: string,
  input: Record<string, unknown>,
  warnings: Diagnostic[],
): Record<string, unknown> {
  const entry = store.get(concreteId)!;
  const defaults = store.defaults(concreteId);
  const out: Record<string, unknown> = { ...input };
  for (const { name, usage } of store.variables(concreteId)) {
    if (out[name] !== undefined) continue;
    const declared = defaults[name];
    const fallback = declared !== undefined ? declared : usage === 'list' ? [] : usage === 'object' ? {} : '';
    out[name] = structuredClone(fallback);
    warnings.push({
      code: 'W_DEFAULT_FALLBACK',
      severity: 'warning',
      file: entry.file,
      path: [name],
      message: `"${name}" not given; using ${JSON.stringify(fallback)}`,
      hint: 'the loose pipeline guesses; pass the value or switch to the schema-first pipeline',
    });
  }
  return out;
}

function jsonSchemaValidator(entry: TemplateEntry, ref: string | Record<string, unknown>): ValidateFunction {
  const key = `${entry.file}#${typeof ref === 'string' ? ref : JSON.stringify(ref)}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  let schema: Record<string, unknown>;
  if (typeof ref === 'string') {
    const path = resolve(dirname(entry.file), ref);
    if (!existsSync(path))
      throw new St3Error(
        'E_TEMPLATE',
        `context schema "${ref}" of ${entry.id} not found (neither built in nor a file)`,
        { file: entry.file, hint: `looked for ${path}` },
      );
    try {
      schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new St3Error('E_TEMPLATE', `context schema ${path} is not valid JSON: ${(error as Error).message}`, {
        file: path,
      });
    }
  } else schema = ref;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new St3Error(
      'E_TEMPLATE',
      `context schema of ${entry.id} is not a valid JSON Schema: ${(error as Error).message}`,
      { file: entry.file },
    );
  }
  compiled.set(key, validate);
  return validate;
}

function fieldError(path: (string | number)[], message: string): Diagnostic {
  return { code: 'E_CONTEXT_INVALID', severity: 'error', path, message };
}

/** Unknown-field diagnostics: located at the key itself, as the document loader locates unknown keys. */
const AT_KEY = new WeakSet<Diagnostic>();

function unknownField(path: (string | number)[]): Diagnostic {
  const d = fieldError(path, 'unknown field');
  AT_KEY.add(d);
  return d;
}

function ajvError(e: ErrorObject): Diagnostic {
  const path = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
  if (e.keyword === 'required') path.push((e.params as { missingProperty: string }).missingProperty);
  if (e.keyword === 'additionalProperties')
    return unknownField([...path, (e.params as { additionalProperty: string }).additionalProperty]);
  return fieldError(path, e.keyword === 'required' ? 'required' : (e.message ?? 'invalid'));
}
