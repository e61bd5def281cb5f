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

/** Adds one diagnostic to the list being built; see {@link diagnosticsAt}. */
type Report = (
  path: (string | number)[],
  code: string,
  severity: 'error' | 'warning',
  message: string,
  hint: string,
) => void;

/**
 * A reporter pushing onto `out`. A field that is absent has no position of its own, so the
 * diagnostic points at its nearest ancestor the file has (or 1:1).
 */
function diagnosticsAt(ctx: CheckContext, out: Diagnostic[]): Report {
  return (path, code, severity, message, hint) => {
    let pos = ctx.locate(path);
    for (let p = path.slice(0, -1); !pos && p.length > 0; p = p.slice(0, -1)) pos = ctx.locate(p);
    out.push({ code, severity, file: ctx.file, line: pos?.line ?? 1, column: pos?.column ?? 1, path, message, hint });
  };
}

/** The diagnostics come out in the order of the checks below (acceptance, scope, plan, ..., risks). */
export function checkCompleteness(task: TaskRecord, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = diagnosticsAt(ctx, out);
  checkAcceptanceCriteria(task, report);
  checkScope(task, report);
  checkPlan(task, report);
  checkPlanStepOutputs(task, report);
  checkDeliverables(task, report);
  checkValidation(task, report);
  checkRisks(task, report);
  return out;
}

function checkAcceptanceCriteria(task: TaskRecord, report: Report): void {
  if (!acceptanceEmpty(task.acceptance_criteria)) return;
  report(
    ['acceptance_criteria'],
    'E001',
    'error',
    task.acceptance_criteria === undefined ? 'acceptance_criteria is missing' : 'acceptance_criteria is empty',
    'list what must be true when the task is done under acceptance_criteria.must',
  );
}

/** `scope.in` is required (E001); an empty `scope.out` is only a warning. */
function checkScope(task: TaskRecord, report: Report): void {
  const scope = task.scope as Record<string, unknown> | undefined;
  if (isEmpty(scope?.in))
    report(
      ['scope', 'in'],
      'E001',
      'error',
      scope === undefined || scope === null ? 'scope is missing (scope.in is required)' : 'scope.in is empty',
      'list the files, modules or behaviours in scope',
    );
  if (isEmpty(scope?.out))
    report(
      ['scope', 'out'],
      'W_TASK_SCOPE_OUT',
      'warning',
      'scope.out is empty: nothing is explicitly out of scope',
      'list exclusions to prevent scope creep',
    );
}

/** A plan is required; one under its 1.0 name `implementation_plan` is accepted with a warning. */
function checkPlan(task: TaskRecord, report: Report): void {
  const plan = planOf(task);
  if (!plan || plan.length === 0) {
    report(
      ['plan'],
      'E001',
      'error',
      task.plan === undefined && task.implementation_plan === undefined ? 'plan is missing' : 'plan is empty',
      'add the plan steps (id, title, details, actor, inputs, outputs, definition_of_done)',
    );
  } else if (!Array.isArray(task.plan)) {
    report(
      ['implementation_plan'],
      'W_TASK_LEGACY_FIELD',
      'warning',
      '`implementation_plan` is the schema 1.0 name of `plan`',
      'rename it to `plan` when moving to schema 1.1',
    );
  }
}

/** Schema 1.1 requires every plan step to name its outputs. */
function checkPlanStepOutputs(task: TaskRecord, report: Report): void {
  if (taskSchemaVersion(task) !== '1.1' || !Array.isArray(task.plan)) return;
  task.plan.forEach((step, i) => {
    if (step && typeof step === 'object' && isEmpty((step as Record<string, unknown>).outputs)) {
      const id = (step as Record<string, unknown>).id ?? i + 1;
      report(
        ['plan', i, 'outputs'],
        'E001',
        'error',
        `plan step ${String(id)} has no outputs (schema 1.1 requires them)`,
        'list the files or artifacts the step produces',
      );
    }
  });
}

function checkDeliverables(task: TaskRecord, report: Report): void {
  if (!isEmpty(task.deliverables)) return;
  report(
    ['deliverables'],
    'E001',
    'error',
    task.deliverables === undefined ? 'deliverables is missing' : 'deliverables is empty',
    'list the files the task delivers',
  );
}

/** Validation commands: required by schema 1.1 (E001), only a warning for 1.0, which never required them. */
function checkValidation(task: TaskRecord, report: Report): void {
  const pipeline = pipelineOf(task);
  if (pipeline && pipeline.length > 0) return;
  if (taskSchemaVersion(task) === '1.1')
    report(
      ['validation', 'pipeline'],
      'E001',
      'error',
      'validation.pipeline is empty or missing (schema 1.1 requires it)',
      'add the commands that prove the task: [{command, description}]',
    );
  else
    report(
      ['validation'],
      'W_TASK_NO_VALIDATION',
      'warning',
      'no validation commands (validation.commands or validation.pipeline)',
      'schema 1.1 requires validation.pipeline',
    );
}

function checkRisks(task: TaskRecord, report: Report): void {
  if (isEmpty(task.risks))
    report(['risks'], 'W_TASK_RISKS', 'warning', 'risks is empty', 'list risks and their mitigations');
}
