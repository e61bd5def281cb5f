import { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import { diagnosticAt } from '../load/diagnostic-at.js';
import type { CheckContext } from '../load/load-document.js';

/** `.st3/config/artifacts.yaml`: every scaffoldable artifact type. */
export const StateMachineSchema = z
  .object({
    states: z.array(z.string()).min(1),
    initial_state: z.string(),
    valid_transitions: z.array(z.object({ from: z.string(), to: z.array(z.string()) }).loose()).default([]),
  })
  .loose();
export type StateMachine = z.infer<typeof StateMachineSchema>;

/** Text an artifact type inserts into an existing file (Plop's modify/append, Hygen's inject). */
export const ArtifactInjectionSchema = z
  .object({
    to: z.string().min(1).describe('target file, an eta string: src/dtos/index.ts, <%= it.dir %>/__init__.py'),
    text: z.string().min(1).describe('the lines to insert, an eta string (it.name, it.module, it.path, it.h...)'),
    after: z.string().optional().describe('insert after the first line matching this regular expression'),
    before: z.string().optional().describe('insert before the first line matching this regular expression'),
    marker: z.string().optional().describe('insert before the line containing this text (it stays last)'),
    append: z.boolean().optional().describe('insert at the end (the default)'),
    prepend: z.boolean().optional().describe('insert at the top'),
    at_line: z.number().int().min(1).optional().describe('insert before this line (1-based)'),
    skip_if: z
      .string()
      .optional()
      .describe('skip when the target matches this regular expression (default: when it holds the text)'),
    create: z.boolean().optional().describe('create the target when it does not exist (default: an error)'),
    language: z.enum(['ts', 'py']).optional().describe('only for artifacts of this language'),
  })
  .loose();
export type ArtifactInjection = z.infer<typeof ArtifactInjectionSchema>;

export const ArtifactTypeSchema = z
  .object({
    type: z.string().describe('family: code | doc | tracking | ...'),
    type_id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'snake_case identifier'),
    name: z.string(),
    description: z.string().optional(),
    output_type: z.enum(['file', 'ephemeral']).default('file'),
    template_path: z.string().nullable().optional(),
    fallback_template: z.string().nullable().optional(),
    name_suffix: z.string().nullable().optional(),
    file_extension: z.string().regex(/^\.[A-Za-z0-9.]+$/, 'an extension starting with a dot'),
    generate_test: z.boolean().default(false),
    base_path: z.string().nullable().optional(),
    test_base_path: z.string().nullable().optional(),
    state_machine: StateMachineSchema.optional(),
    injections: z.array(ArtifactInjectionSchema).optional(),
    /** @deprecated legacy seed field, accepted and reported as a warning. */
    scaffolder_class: z.string().optional(),
    /** @deprecated legacy seed field, accepted and reported as a warning. */
    scaffolder_module: z.string().optional(),
  })
  .loose();
export type ArtifactType = z.infer<typeof ArtifactTypeSchema>;

export const ArtifactRegistrySchema = z
  .object({
    version: z.string().optional(),
    template_root: z
      .string()
      .optional()
      .describe('folder (workspace-relative) holding the templates template_path names; default .st3/templates'),
    schema_first: z.boolean().optional().describe('default pipeline: true = schema-first (v2), false = loose (v1)'),
    artifact_types: z.array(ArtifactTypeSchema),
  })
  .loose();
export type ArtifactRegistry = z.infer<typeof ArtifactRegistrySchema>;

/** Legacy fields of the seed registry: still accepted, each reported once per entry as a warning. */
export const DEPRECATED_ARTIFACT_FIELDS = ['scaffolder_class', 'scaffolder_module'] as const;

/** Semantic rules: deprecated fields (warnings), duplicate type ids and state machines that reference unknown states (errors). */
export function checkArtifactRegistry(value: ArtifactRegistry, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, number>();
  value.artifact_types.forEach((artifact, index) => {
    const base = ['artifact_types', index];
    for (const field of DEPRECATED_ARTIFACT_FIELDS) {
      if (artifact[field] !== undefined) {
        out.push(
          diagnosticAt(
            ctx,
            [...base, field],
            {
              code: 'W_DEPRECATED',
              severity: 'warning',
              message: `"${field}" is deprecated (artifact "${artifact.type_id}")`,
              hint: 'templates replace per-type scaffolder classes; remove the field when you no longer run the legacy scaffolder',
            },
            { atKey: true },
          ),
        );
      }
    }
    const previous = seen.get(artifact.type_id);
    if (previous !== undefined) {
      out.push(
        diagnosticAt(ctx, [...base, 'type_id'], {
          code: 'E_SCHEMA',
          message: `duplicate type_id "${artifact.type_id}" (first defined at artifact_types[${previous}])`,
          hint: 'type ids must be unique',
        }),
      );
    } else seen.set(artifact.type_id, index);
    const machine = artifact.state_machine;
    if (machine) {
      const states = new Set(machine.states);
      const unknown = (path: (string | number)[], state: string) => {
        out.push(
          diagnosticAt(ctx, [...base, 'state_machine', ...path], {
            code: 'E_SCHEMA',
            message: `state "${state}" is not one of the machine's states`,
            hint: `states: ${machine.states.join(', ')}`,
          }),
        );
      };
      if (!states.has(machine.initial_state)) unknown(['initial_state'], machine.initial_state);
      machine.valid_transitions.forEach((t, ti) => {
        if (!states.has(t.from)) unknown(['valid_transitions', ti, 'from'], t.from);
        t.to.forEach((to, k) => {
          if (!states.has(to)) unknown(['valid_transitions', ti, 'to', k], to);
        });
      });
    }
  });
  return out;
}
