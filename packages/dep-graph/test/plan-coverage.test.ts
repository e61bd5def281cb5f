import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomizeOutputSchema, type AtomizeOutput, type PlanSpec } from '@st3/schemas';
import {
  CheckRegistry,
  groupFromPlan,
  loadPlanSpec,
  planCoverage,
  planCoverageCheck,
  PLAN_COVERAGE_CHECK,
  validatePlan,
} from '../src/index.js';

// src/math.ts (3 atoms), src/area.ts (4), src/index.ts (1), lib/util.py (1), lib/main.py (1)
const load = (): AtomizeOutput =>
  AtomizeOutputSchema.parse(JSON.parse(readFileSync(new URL('./fixtures/atoms-small.json', import.meta.url), 'utf8')));
const options = { paths: { '@app/*': ['src/*'] }, baseUrl: '.' };

const dir = mkdtempSync(join(tmpdir(), 'st3-plan-coverage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function plan(name: string, yaml: string): Promise<PlanSpec> {
  writeFileSync(join(dir, name), yaml);
  const spec = await loadPlanSpec(join(dir, name), name);
  expect(spec.errors).toEqual([]);
  return spec.value!;
}

function validate(spec: PlanSpec, output = load()) {
  const registry = new CheckRegistry().register(planCoverageCheck(spec));
  return validatePlan(output, { ...options, registry, group: groupFromPlan(spec) });
}

describe('a plan file whose tasks match nothing never passes', () => {
  it('a task whose globs match no file, and its milestone, are errors at their line:col in the plan file', async () => {
    const spec = await plan(
      'plan.yaml',
      [
        'milestones:',
        '  - id: M1',
        '    tasks:',
        '      - id: T1',
        '        files: ["nomatch/**"]',
        '  - id: M2',
        '    tasks:',
        '      - id: T2',
        '        files: ["src/*.ts"]',
        '',
      ].join('\n'),
    );
    expect(planCoverage(spec, load().files)).toEqual([
      {
        code: 'E_GRAPH_PLAN_INVALID',
        severity: 'error',
        file: 'plan.yaml',
        line: 5,
        column: 16,
        path: ['milestones', 0, 'tasks', 0, 'files'],
        message: 'task "T1" matches no file',
        hint: 'no file matches "nomatch/**"; paths are relative to the folder st3 runs in, e.g. src/math.ts',
      },
      expect.objectContaining({
        severity: 'error',
        file: 'plan.yaml',
        line: 2,
        column: 9,
        message: 'milestone "M1" has no atom: none of its tasks ("T1") gets a file with code',
      }),
    ]);
    const report = validate(spec);
    expect(report.passed).toBe(false);
    const result = report.results.find((r) => r.check === PLAN_COVERAGE_CHECK);
    expect(result).toMatchObject({ level: 'plan', subject: 'plan', passed: false });
    expect(result!.issues[0]).toEqual({
      severity: 'error',
      file: 'plan.yaml',
      line: 5,
      column: 16,
      message: 'task "T1" matches no file',
      hint: expect.stringContaining('no file matches "nomatch/**"'),
    });
    expect(report.levels.find((l) => l.level === 'plan')).toMatchObject({ passed: false, errors: 2 });
  });

  it('the plan of the issue: one task, globs matching nothing, fails even though every other check passes', async () => {
    const spec = await plan(
      'only.yaml',
      'milestones:\n  - id: M1\n    tasks:\n      - id: T1\n        files: ["nomatch/**"]\n',
    );
    const report = validate(spec);
    expect(report.passed).toBe(false);
    expect(report.results.flatMap((r) => r.issues.filter((i) => i.severity === 'error'))).toHaveLength(2);
  });

  it('a task whose files all belong to an earlier task gets no file: an error naming that task', async () => {
    const spec = await plan(
      'shadow.yaml',
      [
        'milestones:',
        '  - id: M',
        '    tasks:',
        '      - id: all',
        '        files: ["src/**"]',
        '      - id: math',
        '        files:',
        '          - src/math.ts',
        '',
      ].join('\n'),
    );
    expect(planCoverage(spec, load().files)).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 8,
        column: 11,
        message: 'task "math" gets no file: every file "src/math.ts" matches belongs to task "all" above',
      }),
    ]);
    expect(validate(spec).passed).toBe(false);
  });

  it('a task whose files hold no atom is an error too', async () => {
    const spec = await plan(
      'empty.yaml',
      'milestones:\n  - id: M\n    tasks:\n      - id: code\n        files: ["src/**"]\n      - id: blank\n        files: ["lib/empty.py"]\n',
    );
    const output = load();
    output.files.push({ ...output.files.find((f) => f.path === 'lib/util.py')!, path: 'lib/empty.py', atoms: [] });
    expect(planCoverage(spec, output.files).map((d) => [d.severity, d.line, d.message])).toEqual([
      ['error', 7, 'task "blank" has no atom: the file it gets holds no code'],
    ]);
  });

  it('a glob matching nothing in a task that has atoms is a warning at the glob; the plan passes', async () => {
    const spec = await plan(
      'stale.yaml',
      'milestones:\n  - id: M\n    tasks:\n      - id: T\n        files: ["src/**", "gone/*.ts"]\n',
    );
    expect(planCoverage(spec, load().files)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 5,
        column: 27,
        message: '"gone/*.ts" of task "T" matches no file',
        hint: 'no file matches "gone/*.ts"; remove it or correct the path',
      }),
    ]);
    const report = validate(spec);
    const coverage = validatePlan(load(), {
      ...options,
      registry: new CheckRegistry([planCoverageCheck(spec)]),
      group: groupFromPlan(spec),
    });
    expect(coverage.passed).toBe(true);
    expect(coverage.results[0]!.issues.map((i) => i.severity)).toEqual(['warning']);
    expect(report.results.some((r) => r.check === PLAN_COVERAGE_CHECK && !r.passed)).toBe(false);
  });

  it('a plan whose every task gets atoms has nothing to say', async () => {
    const spec = await plan(
      'good.yaml',
      'milestones:\n  - id: M\n    tasks:\n      - id: ts\n        files: ["src/*.ts"]\n      - id: py\n        files: ["lib/**"]\n',
    );
    expect(planCoverage(spec, load().files)).toEqual([]);
  });

  it('globs written with a leading ./ match as atom paths write them (as --forbid reads its paths)', async () => {
    const spec = await plan(
      'dot.yaml',
      'milestones:\n  - id: M\n    tasks:\n      - id: ts\n        files: ["./src/*.ts"]\n      - id: py\n        files: ["././lib/**"]\n',
    );
    expect(planCoverage(spec, load().files)).toEqual([]);
    const group = groupFromPlan(spec);
    expect(load().files.map((f) => `${f.path} ${group(f).task}`)).toEqual(
      expect.arrayContaining(['src/math.ts ts', 'lib/util.py py']),
    );
    expect(validate(spec).passed).toBe(true);
  });

  it('a plan built in code (not read from a file) gets the same errors, without a position', () => {
    const spec: PlanSpec = { milestones: [{ id: 'M', tasks: [{ id: 'T', files: ['nowhere/*.ts'] }] }] };
    const found = planCoverage(spec, load().files);
    expect(found.map((d) => [d.severity, d.file, d.line, d.message])).toEqual([
      ['error', undefined, undefined, 'task "T" matches no file'],
      ['error', undefined, undefined, 'milestone "M" has no atom: none of its tasks ("T") gets a file with code'],
    ]);
  });
});
