import { resolve } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace, type Output } from '@st3/cli-kit';
import {
  CheckRegistry,
  groupFromPlan,
  loadPlanSpec,
  planCoverageCheck,
  planValidationJson,
  PLAN_COVERAGE_CHECK,
  validatePlanInputs,
  type PlanFileIssue,
  type PlanValidation,
} from '@st3/dep-graph';
import { errorFromDiagnostics, St3Error } from '@st3/schemas';
import { loadGraphInputs } from '../graph-inputs.js';

export const command = defineCommand({
  name: 'validate-plan',
  summary: 'validate a plan of atoms at four levels (atom, task, milestone, plan) with scored checks; exit 1 on errors',
  args: [{ name: 'inputs', description: 'source files or folders, or atoms.json', variadic: true }],
  options: {
    plan: {
      type: 'string',
      valueName: 'FILE',
      description:
        'tasks and milestones: {milestones: [{id, tasks: [{id, files: [globs]}]}]} (default: a task per file, a milestone per folder)',
    },
    check: { type: 'string', multiple: true, valueName: 'ID', description: 'run only this check (see --list-checks)' },
    global: {
      type: 'string',
      multiple: true,
      valueName: 'NAME',
      description: 'a name the runtime provides, for symbol resolution',
    },
    forbid: {
      type: 'string',
      multiple: true,
      valueName: 'FROM:TO',
      description:
        'files under folder (or file) FROM must not depend on files under TO, paths as atom ids write them; a rule matching no file fails',
    },
    'max-fan-in': {
      type: 'number',
      integer: true,
      min: 1,
      default: 25,
      description: 'report atoms more than N atoms depend on',
    },
    'max-fan-out': {
      type: 'number',
      integer: true,
      min: 1,
      default: 15,
      description: 'report atoms depending on more than N atoms',
    },
    all: { type: 'boolean', description: 'list passing results too' },
    'list-checks': { type: 'boolean', description: 'list the checks and exit' },
    tsconfig: {
      type: 'string',
      valueName: 'FILE',
      description: 'resolve tsconfig `paths` from FILE (default: the workspace tsconfig.json)',
    },
  },
  examples: [
    'st3 validate-plan atoms.json',
    'st3 validate-plan src py --plan plan.yaml',
    'st3 validate-plan atoms.json --forbid src/core:src/cli --global chrome --json',
    'st3 validate-plan --list-checks',
  ],
  async run({ values, args, common, io, usage }) {
    const positionals = args.inputs;
    const out = createOutput(io, common);
    const registry = new CheckRegistry();
    if (values['list-checks']) return listChecks(registry, out, common.json);
    for (const id of values.check ?? []) {
      if (!registry.get(id))
        throw new St3Error('E_GRAPH_OPTIONS', `unknown check "${id}"`, {
          hint: 'run "st3 validate-plan --list-checks"',
        });
    }
    const forbidden = parseForbidden(values.forbid ?? []);
    const ws = resolveWorkspace(io, common);
    const cwd = resolve(io.cwd, common.cwd ?? '.');
    const group = values.plan ? await readPlanFile(values.plan, cwd, registry, out) : undefined;
    const inputs = await loadGraphInputs(positionals, { cwd, root: ws.root, tsconfig: values.tsconfig, out, usage });
    // The plan file's own check runs whatever --check selects: its tasks are what the other checks group by.
    const only = values.check && values.plan ? [...values.check, PLAN_COVERAGE_CHECK] : values.check;
    // Files the atomizer skipped fail the plan: what was not atomized was not validated.
    const report = validatePlanInputs(inputs, positionals, {
      registry,
      ...(group ? { group } : {}),
      globals: values.global,
      forbidden,
      ...(only ? { only } : {}),
      includePassing: values.all === true,
      maxFanIn: values['max-fan-in'],
      maxFanOut: values['max-fan-out'],
    });
    // The warnings were printed on stderr as found; the document lists them too, as the validate_plan MCP tool does.
    const json = { ...planValidationJson(report), warnings: inputs.warnings };
    if (common.json) out.document(json);
    else printReport(report, out);
    return json.passed ? EXIT.ok : EXIT.problems;
  },
});

/** `--list-checks`: each check's id and description (with its level under --json). */
function listChecks(registry: CheckRegistry, out: Output, json: boolean): number {
  const checks = registry.list().map((c) => ({ id: c.id, level: c.level, description: c.description }));
  if (json) out.document({ checks });
  else for (const c of checks) out.line(`${c.id.padEnd(32)} ${c.description}`);
  return EXIT.ok;
}

/** The `--forbid FROM:TO` rules. */
function parseForbidden(rules: readonly string[]): { from: string; to: string }[] {
  return rules.map((rule) => {
    const [from, to, ...rest] = rule.split(':');
    if (!from || !to || rest.length > 0)
      throw new St3Error('E_USAGE', `--forbid expects FROM:TO, got "${rule}"`, {
        hint: 'e.g. --forbid src/core:src/cli',
      });
    return { from, to };
  });
}

/**
 * Reads the `--plan` file (`cwd`-relative) and registers its coverage check; returns how the plan groups
 * files into tasks and milestones. A plan that cannot be read is an error.
 */
async function readPlanFile(
  plan: string,
  cwd: string,
  registry: CheckRegistry,
  out: Output,
): Promise<ReturnType<typeof groupFromPlan>> {
  const spec = await loadPlanSpec(resolve(cwd, plan), plan);
  for (const w of spec.warnings) out.diagnostic(w);
  if (spec.errors.length > 0 || !spec.value)
    throw errorFromDiagnostics(spec.errors[0]?.code ?? 'E_SCHEMA', `cannot read the plan ${plan}`, spec.errors);
  const group = groupFromPlan(spec.value);
  // A task or milestone of the plan that gets no atom is an error at its line in the plan file.
  registry.register(planCoverageCheck(spec.value));
  return group;
}

/** The report for people: each issue (colored by severity), passing results, each level's verdict, the plan's. */
function printReport(report: PlanValidation, out: Output): void {
  for (const r of report.results) {
    for (const issue of r.issues) {
      const text = `${where(issue)}${issue.severity} [${r.check}] ${issue.message}${issue.hint ? ` (${issue.hint})` : ''}`;
      if (issue.severity === 'error') out.line(out.color.red(text));
      else if (issue.severity === 'warning') out.line(out.color.yellow(text));
      else out.info(text);
    }
    if (r.issues.length === 0) out.info(`ok [${r.check}] ${r.subject} ${r.score}`);
  }
  for (const l of report.levels) {
    // A level whose checks --check left out measured nothing: it is not checked, never a pass.
    if (l.checks === 0) {
      out.line(`${l.level.padEnd(9)} -     ${out.color.yellow('not checked')}  no ${l.level} check selected`);
      continue;
    }
    const verdict = l.passed ? out.color.green('pass') : out.color.red('FAIL');
    out.line(
      `${l.level.padEnd(9)} ${l.score.toFixed(3)} ${verdict}  ${l.checks} results, ${l.errors} errors, ${l.warnings} warnings`,
    );
  }
  out.line(
    `plan score ${report.score.toFixed(3)}: ${report.passed && report.skipped.length === 0 ? 'passed' : 'failed'}${notCovered(report)}`,
  );
}

/** What the plan's verdict does not cover: source files not atomized, levels no selected check ran on. */
function notCovered(report: PlanValidation): string {
  const { skipped } = report;
  const notChecked = report.levels.filter((l) => l.checks === 0).map((l) => l.level);
  const notes = [
    ...(skipped.length > 0
      ? [
          `${skipped.length} source file${skipped.length === 1 ? '' : 's'} not atomized, so not validated: ${skipped.map((s) => s.path).join(', ')}`,
        ]
      : []),
    ...(notChecked.length > 0
      ? [`not checked: ${notChecked.join(', ')} level${notChecked.length === 1 ? '' : 's'}`]
      : []),
  ];
  return notes.length > 0 ? ` (${notes.join('; ')})` : '';
}

function where(issue: PlanFileIssue): string {
  if (!issue.file) return issue.atom ? `${issue.atom}: ` : '';
  return `${issue.file}${issue.line ? `:${issue.line}${issue.column ? `:${issue.column}` : ''}` : ''}: `;
}
