import { z } from 'zod';
import type { Diagnostic } from '../errors/diagnostic.js';
import type { CheckContext } from '../load/load-document.js';

/**
 * Task files `*.task.yaml`, schema_version 1.0 and 1.1, by the rules their template documents
 * (`docs/templates/TASK-0000-template.task.yaml`): enums for status, priority and sizes, a
 * `blocked_reason` whenever status is blocked, and for 1.1 a `validation` section and plan steps
 * with actor, inputs, non-empty outputs, definition_of_done and estimate. Files without
 * `schema_version` are read as 1.0 (with a warning). Unknown keys are kept: tasks carry free-form sections.
 */
export const TASK_STATUSES = ['draft', 'todo', 'in_progress', 'blocked', 'completed'] as const;
export const TASK_AREAS = ['backend', 'mobile', 'shared', 'infra', 'docs', 'ops', 'other'] as const;

export const TaskStatusSchema = z.enum(TASK_STATUSES);
export const TaskPrioritySchema = z.enum(['P0', 'P1', 'P2']);
export const TaskSizeSchema = z.enum(['XS', 'S', 'M', 'L']);

const text = z.string();
const textList = z.array(z.unknown());

export const TaskPlanStepSchema = z
  .object({
    id: z.union([z.number(), z.string()]).optional(),
    title: z.string().optional(),
    details: z.string().optional(),
    actor: z.enum(['agent', 'human']).optional(),
    inputs: textList.optional(),
    outputs: textList.optional(),
    definition_of_done: textList.optional(),
    estimate: z.enum(['S', 'M', 'L']).optional(),
    commands: textList.optional(),
    expected_files_touched: textList.optional(),
  })
  .loose();
export type TaskPlanStep = z.infer<typeof TaskPlanStepSchema>;

const TaskBaseShape = {
  schema_version: z.enum(['1.0', '1.1']).optional(),
  id: z.string().regex(/^TASK-\d{4}[A-Z]?$/, 'TASK-<4 digits>, optionally one capital letter (TASK-0911A)'),
  title: text.min(1),
  status: TaskStatusSchema,
  blocked_reason: z.string().nullable().optional(),
  priority: TaskPrioritySchema,
  area: z.string(),
  unblocker: z.boolean().optional(),
  estimate: TaskSizeSchema.optional(),
  complexity: TaskSizeSchema.optional(),
  order: z.number().nullable().optional(),
  blocked_by: z.array(z.string()).optional(),
  depends_on: z.array(z.string()).optional(),
  agent_completion_state: z.record(z.string(), z.unknown()).optional(),
  description: text,
  outcome: text.optional(),
  scope: z.object({ in: textList.optional(), out: textList.optional() }).loose().optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  environment: z.record(z.string(), z.unknown()).optional(),
  constraints: z.record(z.string(), z.unknown()).optional(),
  plan: z
    .array(z.union([TaskPlanStepSchema, z.string()]))
    .nullable()
    .optional(),
  validation: z.record(z.string(), z.unknown()).nullable().optional(),
  acceptance_criteria: z.union([textList, z.record(z.string(), z.unknown())]).optional(),
  deliverables: z.union([textList, z.record(z.string(), z.unknown())]).optional(),
  risks: textList.nullable().optional(),
  artifacts: textList.optional(),
  clarifications: z.record(z.string(), z.unknown()).optional(),
};

export const TaskFileSchema = z
  .object(TaskBaseShape)
  .loose()
  .superRefine((task, ctx) => {
    if (task.status === 'blocked' && !task.blocked_reason?.trim()) {
      ctx.addIssue({
        code: 'custom',
        path: ['status'],
        message: 'status "blocked" requires a non-empty blocked_reason',
        input: task.status,
      });
    }
    if (task.schema_version !== '1.1') return;
    if (!task.validation) {
      ctx.addIssue({ code: 'custom', path: ['validation'], message: 'schema 1.1 requires a validation section' });
    }
    if (!task.plan || task.plan.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['plan'], message: 'schema 1.1 requires a non-empty plan' });
      return;
    }
    task.plan.forEach((step, i) => {
      if (typeof step === 'string') {
        ctx.addIssue({ code: 'custom', path: ['plan', i], message: 'schema 1.1 plan steps are mappings, not strings' });
        return;
      }
      for (const key of ['actor', 'inputs', 'definition_of_done', 'estimate'] as const) {
        if (step[key] === undefined)
          ctx.addIssue({ code: 'custom', path: ['plan', i, key], message: `schema 1.1 plan steps require ${key}` });
      }
      if (!step.outputs || step.outputs.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['plan', i, 'outputs'],
          message: 'schema 1.1 plan steps require non-empty outputs',
        });
      }
    });
  });
export type TaskFile = z.infer<typeof TaskFileSchema>;

/** Warnings: a missing schema_version (read as 1.0) and an area outside the template's list. */
export function checkTaskFile(task: TaskFile, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (task.schema_version === undefined) {
    const pos = ctx.locate([]);
    out.push({
      code: 'W_TASK_NO_VERSION',
      severity: 'warning',
      file: ctx.file,
      line: pos?.line,
      column: pos?.column,
      message: 'no schema_version; read as 1.0',
      hint: 'add `schema_version: "1.1"` and the sections it requires',
    });
  }
  if (!(TASK_AREAS as readonly string[]).includes(task.area)) {
    const pos = ctx.locate(['area']);
    out.push({
      code: 'W_TASK_AREA',
      severity: 'warning',
      file: ctx.file,
      line: pos?.line,
      column: pos?.column,
      path: ['area'],
      message: `area "${task.area}" is not one the template lists`,
      hint: `template areas: ${TASK_AREAS.join(', ')}`,
    });
  }
  return out;
}
