import type { CheckContext, Diagnostic } from '@st3/schemas';

/**
 * The completeness rules on top of the task file's shape: what a task must say before work on it
 * starts (docs/decisions/0100). E001 for an empty required field, warnings for empty optional ones.
 * Schema 1.0 files keep their older layout: `implementation_plan` stands for `plan`, and a missing
 * validation section is a warning (1.0 never required it).
 */
export type TaskRecord = Record<string, unknown>;

const isEmpty = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

export function taskSchemaVersion(task: TaskRecord): '1.0' | '1.1' {
  return String(task.schema_version ?? '1.0') === '1.1' ? '1.1' : '1.0';
}

/** Acceptance criteria: a list, or a mapping (`must`, `quality_gates`, older `functional`...) with at least one non-empty list. */
function acceptanceEmpty(ac: unknown): boolean {
  if (Array.isArray(ac)) return ac.length === 0;
  if (ac && typeof ac === 'object') {
    const obj = ac as Record<string, unknown>;
    if ('must' in obj) return isEmpty(obj.must);
    return !Object.values(obj).some((v) => !isEmpty(v));
  }
  return true;
}

/** The validation commands of a task: 1.1 `validation.pipeline`, 1.0 `validation.commands` or a bare list. */
export function pipelineOf(task: TaskRecord): unknown[] | undefined {
  const v = task.validation;
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.pipeline)) return o.pipeline;
    if (taskSchemaVersion(task) === '1.0' && Array.isArray(o.commands)) return o.commands;
  }
  return undefined;
}

export function planOf(task: TaskRecord): unknown[] | undefined {
  if (Array.isArray(task.plan)) return task.plan;
  if (taskSchemaVersion(task) === '1.0' && Array.isArray(task.implementation_plan)) return task.implementation_plan;
  return undefined;
}

export function checkCompleteness(task: TaskRecord, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (
    path: (string | number)[],
    code: string,
    severity: 'error' | 'warning',
    message: string,
    hint: string,
  ): void => {
    let pos = ctx.locate(path);
    for (let p = path.slice(0, -1); !pos && p.length > 0; p = p.slice(0, -1)) pos = ctx.locate(p);
    out.push({ code, severity, file: ctx.file, line: pos?.line ?? 1, column: pos?.column ?? 1, path, message, hint });
  };
  const version = taskSchemaVersion(task);

  if (acceptanceEmpty(task.acceptance_criteria)) {
    at(
      ['acceptance_criteria'],
      'E001',
      'error',
      task.acceptance_criteria === undefined ? 'acceptance_criteria is missing' : 'acceptance_criteria is empty',
      'list what must be true when the task is done under acceptance_criteria.must',
    );
  }
  const scope = task.scope as Record<string, unknown> | undefined;
  if (isEmpty(scope?.in))
    at(
      ['scope', 'in'],
      'E001',
      'error',
      scope === undefined || scope === null ? 'scope is missing (scope.in is required)' : 'scope.in is empty',
      'list the files, modules or behaviours in scope',
    );
  if (isEmpty(scope?.out))
    at(
      ['scope', 'out'],
      'W_TASK_SCOPE_OUT',
      'warning',
      'scope.out is empty: nothing is explicitly out of scope',
      'list exclusions to prevent scope creep',
    );

  const plan = planOf(task);
  if (!plan || plan.length === 0) {
    at(
      ['plan'],
      'E001',
      'error',
      task.plan === undefined && task.implementation_plan === undefined ? 'plan is missing' : 'plan is empty',
      'add the plan steps (id, title, details, actor, inputs, outputs, definition_of_done)',
    );
  } else if (!Array.isArray(task.plan)) {
    at(
      ['implementation_plan'],
      'W_TASK_LEGACY_FIELD',
      'warning',
      '`implementation_plan` is the schema 1.0 name of `plan`',
      'rename it to `plan` when moving to schema 1.1',
    );
  }
  if (version === '1.1' && Array.isArray(task.plan)) {
    task.plan.forEach((step, i) => {
      if (step && typeof step === 'object' && isEmpty((step as Record<string, unknown>).outputs)) {
        const id = (step as Record<string, unknown>).id ?? i + 1;
        at(
          ['plan', i, 'outputs'],
          'E001',
          'error',
          `plan step ${String(id)} has no outputs (schema 1.1 requires them)`,
          'list the files or artifacts the step produces',
        );
      }
    });
  }

  if (isEmpty(task.deliverables))
    at(
      ['deliverables'],
      'E001',
      'error',
      task.deliverables === undefined ? 'deliverables is missing' : 'deliverables is empty',
      'list the files the task delivers',
    );

  const pipeline = pipelineOf(task);
  if (!pipeline || pipeline.length === 0) {
    if (version === '1.1')
      at(
        ['validation', 'pipeline'],
        'E001',
        'error',
        'validation.pipeline is empty or missing (schema 1.1 requires it)',
        'add the commands that prove the task: [{command, description}]',
      );
    else
      at(
        ['validation'],
        'W_TASK_NO_VALIDATION',
        'warning',
        'no validation commands (validation.commands or validation.pipeline)',
        'schema 1.1 requires validation.pipeline',
      );
  }
  if (isEmpty(task.risks))
    at(['risks'], 'W_TASK_RISKS', 'warning', 'risks is empty', 'list risks and their mitigations');
  return out;
}
