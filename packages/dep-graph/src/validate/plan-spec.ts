import { posix } from 'node:path';
import {
  diagnosticAt,
  loadFile,
  PlanSpecSchema,
  type AtomizedFile,
  type CheckContext,
  type Diagnostic,
  type Finding,
  type PlanSpec,
  type Result,
} from '@st3/schemas';
import type { PlanCheck, ValidationIssue } from './types.js';

/** A glob (`*` within a folder, `**` across folders, `?` one character) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${out}$`);
}

/** A task's glob as a pattern of atom paths, which never start with `./` (`./src/**` is `src/**`, as `--forbid` reads it). */
function taskPattern(glob: string): RegExp {
  let g = glob;
  while (g.startsWith('./')) g = g.slice(2);
  return globToRegExp(g);
}

/**
 * The `group` option of `validatePlan` from a plan: a file belongs to the first task whose `files`
 * match it; unclaimed files stay tasks of their own in the milestone of their folder.
 */
export function groupFromPlan(spec: PlanSpec): (file: AtomizedFile) => { task: string; milestone: string } {
  const rules = spec.milestones.flatMap((m) =>
    m.tasks.map((t) => ({ milestone: m.id, task: t.id, patterns: t.files.map(taskPattern) })),
  );
  return (file) => {
    const path = file.path.replace(/\\/g, '/');
    const rule = rules.find((r) => r.patterns.some((p) => p.test(path)));
    return rule ? { task: rule.task, milestone: rule.milestone } : { task: path, milestone: posix.dirname(path) };
  };
}

/**
 * Where each plan read by `loadPlanSpec` came from: the file and its positions, so that what is found
 * later about a task (its globs match nothing) points at the task's line in the plan file.
 */
const planSources = new WeakMap<PlanSpec, CheckContext>();

/**
 * What a plan claims that the atoms do not bear out, as located diagnostics (file:line:col in the plan
 * file when it was read by `loadPlanSpec`):
 * - an error at a task's `files` when the task gets no atom: its globs match no file, every file they match
 *   belongs to an earlier task (the first task whose globs match a file takes it), or its files hold no atom;
 * - an error at a milestone's `id` when none of its tasks gets an atom;
 * - a warning at a glob that matches no file, in a task that otherwise has atoms.
 */
export function planCoverage(spec: PlanSpec, files: readonly AtomizedFile[]): Diagnostic[] {
  const source = planSources.get(spec);
  const at: LocateFinding = (path, finding) => planDiagnostic(source, path, finding);
  const tasks = taskCoverage(spec, files);
  const example = files[0]?.path;
  return [
    ...tasks.flatMap((task) => taskCoverageDiagnostics(task, example, at)),
    ...milestoneCoverageDiagnostics(spec, tasks, at),
  ];
}

/** A finding at `path` of the plan, as a diagnostic. */
type LocateFinding = (path: (string | number)[], finding: Finding) => Diagnostic;

/** A finding at `path` of the plan: at its file:line:col when the plan's source is known, else at the path alone. */
function planDiagnostic(source: CheckContext | undefined, path: (string | number)[], finding: Finding): Diagnostic {
  return source
    ? diagnosticAt(source, path, finding)
    : {
        code: finding.code,
        severity: finding.severity ?? 'error',
        path,
        message: finding.message,
        ...(finding.hint !== undefined ? { hint: finding.hint } : {}),
      };
}

/** A task of the plan and what the atomized files give it. */
interface TaskCoverage {
  /** The index of the task's milestone in the plan. */
  mi: number;
  /** The index of the task in its milestone. */
  ti: number;
  id: string;
  globs: string[];
  patterns: RegExp[];
  /** Per glob: whether it matches a file (whichever task takes the file). */
  matched: boolean[];
  /** How many files the task takes. */
  files: number;
  /** How many atoms those files hold. */
  atoms: number;
  /** Earlier tasks that took files this task's globs match. */
  takenBy: Set<string>;
}

/**
 * Every task of the plan, in plan order, with the files and atoms it takes: a file goes to the first task
 * whose globs match it.
 */
function taskCoverage(spec: PlanSpec, files: readonly AtomizedFile[]): TaskCoverage[] {
  const tasks = spec.milestones.flatMap((m, mi) =>
    m.tasks.map((t, ti): TaskCoverage => ({
      mi,
      ti,
      id: t.id,
      globs: t.files,
      patterns: t.files.map(taskPattern),
      matched: t.files.map(() => false),
      files: 0,
      atoms: 0,
      takenBy: new Set<string>(),
    })),
  );
  for (const file of files) {
    const path = file.path.replace(/\\/g, '/');
    let owner: TaskCoverage | undefined;
    for (const task of tasks) {
      let hit = false;
      task.patterns.forEach((p, k) => {
        if (!p.test(path)) return;
        task.matched[k] = true;
        hit = true;
      });
      if (!hit) continue;
      if (!owner) owner = task;
      else task.takenBy.add(owner.id);
    }
    if (owner) {
      owner.files++;
      owner.atoms += file.atoms.length;
    }
  }
  return tasks;
}

/**
 * What is wrong with one task's coverage: a warning per glob that matches no file when the task has atoms,
 * else one error saying why it has none (`example`: a file path, to show what globs are relative to).
 */
function taskCoverageDiagnostics(task: TaskCoverage, example: string | undefined, at: LocateFinding): Diagnostic[] {
  const where = ['milestones', task.mi, 'tasks', task.ti, 'files'];
  const globs = task.globs.map((g) => `"${g}"`).join(', ');
  if (task.atoms > 0)
    return task.matched.flatMap((matched, k) =>
      matched
        ? []
        : [
            at([...where, k], {
              code: 'E_GRAPH_PLAN_INVALID',
              severity: 'warning',
              message: `"${task.globs[k]}" of task "${task.id}" matches no file`,
              hint: `no file matches "${task.globs[k]}"; remove it or correct the path`,
            }),
          ],
    );
  if (!task.matched.some(Boolean))
    return [
      at(where, {
        code: 'E_GRAPH_PLAN_INVALID',
        message: `task "${task.id}" matches no file`,
        hint: `no file matches ${globs}${example ? `; paths are relative to the folder st3 runs in, e.g. ${example}` : ''}`,
      }),
    ];
  if (task.files === 0)
    return [
      at(where, {
        code: 'E_GRAPH_PLAN_INVALID',
        message: `task "${task.id}" gets no file: every file ${globs} matches belongs to ${[...task.takenBy].map((t) => `task "${t}"`).join(', ')} above`,
        hint: 'a file belongs to the first task whose globs match it; narrow the earlier globs or remove this task',
      }),
    ];
  return [
    at(where, {
      code: 'E_GRAPH_PLAN_INVALID',
      message: `task "${task.id}" has no atom: ${task.files === 1 ? 'the file it gets holds' : `the ${task.files} files it gets hold`} no code`,
      hint: 'point the task at files with code, or remove it',
    }),
  ];
}

/** An error at each milestone none of whose tasks gets an atom. */
function milestoneCoverageDiagnostics(spec: PlanSpec, tasks: TaskCoverage[], at: LocateFinding): Diagnostic[] {
  const out: Diagnostic[] = [];
  spec.milestones.forEach((m, mi) => {
    const milestoneTasks = tasks.filter((t) => t.mi === mi);
    if (milestoneTasks.every((t) => t.atoms === 0))
      out.push(
        at(['milestones', mi, 'id'], {
          code: 'E_GRAPH_PLAN_INVALID',
          message: `milestone "${m.id}" has no atom: none of its tasks (${milestoneTasks.map((t) => `"${t.id}"`).join(', ')}) gets a file with code`,
          hint: 'correct the tasks reported with it, or remove the milestone',
        }),
      );
  });
  return out;
}

/** The id of `planCoverageCheck`. */
export const PLAN_COVERAGE_CHECK = 'plan.coverage';

/** A plan issue: a validation issue with the column of the plan file too. */
export interface PlanFileIssue extends ValidationIssue {
  column?: number;
}

/**
 * The `plan.coverage` check for a plan read from a file: every task and milestone of the plan gets atoms
 * (see `planCoverage`); a task or milestone that gets none is an error located in the plan file, so a
 * plan whose globs match nothing never passes. Register it with the plan: `registry.register(planCoverageCheck(spec))`.
 */
export function planCoverageCheck(spec: PlanSpec): PlanCheck<'plan'> {
  return {
    id: PLAN_COVERAGE_CHECK,
    level: 'plan',
    description: 'every task and milestone of the plan file matches files with atoms',
    run(plan) {
      const files = plan.tasks.flatMap((t) => t.files);
      return planCoverage(spec, files).map((d): PlanFileIssue => ({
        severity: d.severity,
        message: d.message,
        ...(d.file !== undefined ? { file: d.file } : {}),
        ...(d.line !== undefined ? { line: d.line } : {}),
        ...(d.column !== undefined ? { column: d.column } : {}),
        ...(d.hint !== undefined ? { hint: d.hint } : {}),
      }));
    },
  };
}

/** Reads a plan file (YAML or JSON) with line:column diagnostics; task and milestone ids must be unique. */
export async function loadPlanSpec(path: string, file = path): Promise<Result<PlanSpec>> {
  return loadFile(path, {
    file,
    schema: PlanSpecSchema,
    check(spec, ctx) {
      planSources.set(spec, ctx);
      const out: Diagnostic[] = [];
      const seen = new Set<string>();
      spec.milestones.forEach((m, i) => {
        m.tasks.forEach((t, j) => {
          if (seen.has(t.id)) {
            out.push(
              diagnosticAt(ctx, ['milestones', i, 'tasks', j, 'id'], {
                code: 'E_SCHEMA',
                message: `task id "${t.id}" is used twice`,
                hint: 'give every task a unique id',
              }),
            );
          }
          seen.add(t.id);
        });
      });
      return out;
    },
  });
}
