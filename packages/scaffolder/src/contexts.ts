import { z } from 'zod';
import { pyName } from './naming.js';

/**
 * Context schemas of the built-in templates (schema-first, v2). Templates read these fields as
 * they are: every optional field has its default here, never in the template.
 */
const Identifier = z
  .string()
  .max(40, 'at most 40 characters')
  .regex(/^[\p{L}_][\p{L}\p{N}_]*$/u, 'an identifier: letters, digits and _, not starting with a digit');
// Letters of any script (TypeScript and Python identifiers accept them), so `Café` is a valid name.
const Name = z
  .string()
  .trim()
  .min(1, 'a non-empty name')
  .max(48, 'at most 48 characters with its suffix (it names classes and files)')
  .regex(/^\p{L}[\p{L}\p{N} _-]*$/u, 'a name starting with a letter (letters, digits, space, _ and -)');
const Text = z.string().default('');
const Lines = z.array(z.string()).default([]);

export const FieldTypeSchema = z.enum([
  'string',
  'integer',
  'number',
  'boolean',
  'datetime',
  'string[]',
  'integer[]',
  'number[]',
  'object',
]);
export const FieldSchema = z
  .object({
    name: Identifier,
    type: FieldTypeSchema.default('string'),
    optional: z.boolean().default(false),
    description: Text,
  })
  .strict();

const Fields = z.array(FieldSchema);

const ConfigFieldSchema = FieldSchema.extend({
  default: z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]).optional(),
}).strict();

const codeBase = { name: Name, description: Text };
const docBase = {
  name: Name,
  purpose: Text,
  status: z.string().optional().describe('one of the artifact state machine states; default its initial state'),
  version: z.string().default('1.0'),
  author: Text,
  related: Lines,
};

export const BUILTIN_CONTEXT_SCHEMAS = {
  dto: z
    .object({
      ...codeBase,
      fields: Fields.min(1, 'at least one field'),
      frozen: z.boolean().default(true),
    })
    .strict(),
  worker: z
    .object({
      ...codeBase,
      input_fields: Fields.default([]),
      output_fields: Fields.default([]),
      retries: z.number().int().min(0).max(10).default(3),
      timeout_ms: z.number().int().positive().default(30_000),
    })
    .strict(),
  tool: z
    .object({
      ...codeBase,
      description: z.string().min(1, 'an MCP tool needs a description'),
      input_fields: Fields.default([]),
    })
    .strict(),
  schema: z
    .object({
      ...codeBase,
      fields: z.array(ConfigFieldSchema).min(1, 'at least one field'),
    })
    .strict(),
  service: z
    .object({
      ...codeBase,
      service_type: z.enum(['command', 'query', 'orchestrator']).default('command'),
      input_fields: Fields.default([]),
      dependencies: z.array(z.object({ name: Identifier, type: Identifier }).strict()).default([]),
      steps: z.array(Identifier).default([]),
    })
    .strict(),
  generic: z
    .object({ ...codeBase, methods: z.array(z.object({ name: Identifier, description: Text }).strict()).default([]) })
    .strict(),
  unit_test: z
    .object({ ...codeBase, import_path: Text, symbols: z.array(Identifier).default([]), cases: Lines })
    .strict(),
  integration_test: z
    .object({ ...codeBase, import_path: Text, symbols: z.array(Identifier).default([]), cases: Lines })
    .strict(),
  research: z.object({ ...docBase, questions: Lines, findings: Lines, sources: Lines, open_issues: Lines }).strict(),
  planning: z
    .object({
      ...docBase,
      scope_in: Lines,
      scope_out: Lines,
      prerequisites: Lines,
      summary: Text,
      phases: z
        .array(z.object({ name: z.string().min(1), goal: Text, tasks: Lines, exit_criteria: Lines }).strict())
        .default([]),
    })
    .strict(),
  design: z
    .object({
      ...docBase,
      context: Text,
      options: z.array(z.object({ name: z.string().min(1), pros: Lines, cons: Lines }).strict()).default([]),
      decision: Text,
      interfaces: Lines,
    })
    .strict(),
  architecture: z
    .object({
      ...docBase,
      overview: Text,
      components: z.array(z.object({ name: z.string().min(1), responsibility: Text }).strict()).default([]),
      constraints: Lines,
      decisions: Lines,
    })
    .strict(),
  reference: z
    .object({ ...docBase, sections: z.array(z.object({ title: z.string().min(1), body: Text }).strict()).default([]) })
    .strict(),
  tracking: z
    .object({
      ...docBase,
      items: z
        .array(z.object({ title: z.string().min(1), state: z.string().default('open'), owner: Text }).strict())
        .default([]),
    })
    .strict(),
  commit: z
    .object({
      name: z.string().min(1).describe('the subject line'),
      type: z
        .enum(['feat', 'fix', 'docs', 'refactor', 'test', 'chore', 'perf', 'build', 'ci', 'style', 'revert'])
        .default('feat'),
      scope: Text,
      body: Text,
      breaking: Text,
      refs: Lines,
    })
    .strict(),
  pr: z
    .object({
      name: z.string().min(1).describe('the PR title'),
      summary: Text,
      changes: Lines,
      testing: Lines,
      checklist: Lines,
      closes: z.array(z.number().int().positive()).default([]),
    })
    .strict(),
  issue: z
    .object({
      name: z.string().min(1).describe('the issue title'),
      problem: Text,
      expected: Text,
      actual: Text,
      steps: Lines,
      environment: Text,
    })
    .strict(),
} as const;

export type BuiltinContextName = keyof typeof BUILTIN_CONTEXT_SCHEMAS;

export function builtinContextSchema(name: string): z.ZodType | undefined {
  return (BUILTIN_CONTEXT_SCHEMAS as Record<string, z.ZodType>)[name];
}

/** The JSON Schema (input side: defaults are optional) of a built-in context, for editors and `st3 scaffold list --json`. */
export function contextJsonSchema(name: string): Record<string, unknown> | undefined {
  const schema = builtinContextSchema(name);
  return schema ? (z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>) : undefined;
}

const NAMED_LISTS = ['fields', 'input_fields', 'output_fields', 'dependencies', 'methods'] as const;

/**
 * Names in one list must differ, also once made Python names (`userId` and `user_id` are both
 * `user_id` there): one problem per clash, at the second name. Run after the schema passed (a plain
 * loop: cheaper than a zod refinement on every parse).
 */
export function nameClashes(context: Record<string, unknown>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  for (const list of NAMED_LISTS) {
    const items = context[list];
    if (!Array.isArray(items) || items.length < 2) continue;
    const seen = new Map<string, string>();
    items.forEach((item: { name?: unknown }, i) => {
      if (typeof item?.name !== 'string') return;
      const key = pyName(item.name);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, item.name);
      else
        out.push({
          path: [list, i, 'name'],
          message:
            first === item.name
              ? `"${item.name}" is already in ${list}`
              : `"${item.name}" and "${first}" are both ${key} in Python`,
        });
    });
  }
  return out;
}
