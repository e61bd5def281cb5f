import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AtomizeOutputSchema, type Atom, type AtomizeOutput } from '@st3/schemas';
import { CheckRegistry, checkBalance, validatePlan, type PlanCheck } from '../src/index.js';

const load = (): AtomizeOutput =>
  AtomizeOutputSchema.parse(JSON.parse(readFileSync(new URL('./fixtures/atoms-small.json', import.meta.url), 'utf8')));
const options = { paths: { '@app/*': ['src/*'] }, baseUrl: '.' };

function atom(
  path: string,
  start: number,
  end: number,
  fields: Partial<Atom> & { defined?: string[]; used?: string[] },
): Atom {
  return {
    id: `${path}:${start}-${end}`,
    path,
    startLine: start,
    endLine: end,
    loc: end - start + 1,
    complexity: 1,
    kind: 'function',
    scope: ['module'],
    symbols: { defined: fields.defined ?? [], used: fields.used ?? [] },
    dependsOn: [],
    context: {},
    atomicity: { score: 1, atomic: true, violations: [] },
    ...fields,
  };
}

describe('validatePlan', () => {
  it('passes a clean plan at all four levels with scores', () => {
    const report = validatePlan(load(), options);
    expect(report.levels.map((l) => l.level)).toEqual(['atom', 'task', 'milestone', 'plan']);
    expect(report.results.filter((r) => !r.passed)).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.score).toBe(1);
    expect(report.levels.find((l) => l.level === 'atom')!.checks).toBe(2 * 10);
  });

  it('finds unresolved symbols, duplicate imports, naming, broken contracts, syntax and security problems', () => {
    const out = load();
    const area = out.files.find((f) => f.path === 'src/area.ts')!;
    area.imports.push({ module: './math.js', line: 3, named: [{ name: 'missing' }] });
    area.atoms.push(
      atom('src/area.ts', 14, 16, {
        name: 'Bad_name',
        defined: ['Bad_name'],
        used: ['undefinedThing', 'missing'],
        code: 'function Bad_name() {\n  return undefinedThing(;\n}',
      }),
    );
    out.files
      .find((f) => f.path === 'lib/main.py')!
      .atoms.push(
        atom('lib/main.py', 6, 7, {
          name: 'leak',
          defined: ['leak'],
          code: 'def leak():\n    password = "hunter2hunter2"; os.system("ls")',
        }),
      );
    const report = validatePlan(out, { ...options, globals: ['os'] });
    const byCheck = (id: string) =>
      report.results.filter((r) => r.check === id).flatMap((r) => r.issues.map((i) => `${i.severity} ${i.message}`));
    expect(report.passed).toBe(false);
    expect(byCheck('atom.syntax')).toEqual(['error syntax: "}" closes "(" opened on line 2']);
    expect(byCheck('task.symbol-resolution')).toEqual([
      'error "undefinedThing" is used but not defined, imported or a known global',
    ]);
    expect(byCheck('task.duplicate-imports')).toEqual(['warning "./math.js" is imported more than once']);
    expect(byCheck('task.naming')).toEqual(['warning function "Bad_name" is not camelCase']);
    expect(byCheck('task.public-contracts')).toEqual([
      'error "missing" is imported by src/area.ts but not defined in src/math.ts',
    ]);
    expect(byCheck('milestone.interfaces')).toEqual([
      'error src/area.ts imports "missing" from src/math.ts, which does not define it',
    ]);
    expect(byCheck('plan.security')).toEqual([
      'warning os-system: os.system runs a shell command',
      'error hardcoded-secret: a secret seems hard-coded',
    ]);
    const task = report.levels.find((l) => l.level === 'task')!;
    expect(task.passed).toBe(false);
    expect(task.score).toBeLessThan(1);
  });

  it('calls exec a shell command only when it comes from child_process, and takes local and package imports for what they are', () => {
    const file = (
      path: string,
      language: string,
      imports: AtomizeOutput['files'][number]['imports'],
      code: string,
    ) => ({
      path,
      language,
      loc: 3,
      functions: [],
      imports,
      atoms: [atom(path, 1, 3, { name: 'f', defined: ['f'], code })],
    });
    const out: AtomizeOutput = {
      files: [
        file('src/re.ts', 'typescript', [], 'function f(re: RegExp, b: string) {\n  return re.exec(`a${b}`);\n}'),
        file(
          'src/cp.ts',
          'typescript',
          [{ module: 'node:child_process', line: 1, named: [{ name: 'exec' }] }],
          'function f(d: string) {\n  exec(`ls ${d}`);\n}',
        ),
        file(
          'src/ns.ts',
          'typescript',
          [{ module: 'child_process', line: 1, namespace: 'cp' }],
          'function f(d: string) {\n  cp.execSync(`rm ${d}`);\n}',
        ),
        file(
          'py/mail.py',
          'python',
          [
            { module: 'email.base64mime', line: 1, namespace: 'email' },
            { module: 'email.quoprimime', line: 2, namespace: 'email' },
            { module: 'email.parser', line: 5, named: [{ name: 'Parser' }], local: true },
            { module: 'email.parser', line: 9, named: [{ name: 'Parser' }], local: true },
          ] as AtomizeOutput['files'][number]['imports'],
          'def f():\n    pass',
        ),
      ],
    };
    const report = validatePlan(out, { only: ['plan.security', 'task.duplicate-imports'] });
    const issues = report.results.flatMap((r) => r.issues.map((i) => `${i.file} ${i.message}`));
    expect(issues).toEqual([
      'src/cp.ts exec-interpolated: a shell command built by string interpolation (command injection)',
      'src/ns.ts exec-interpolated: a shell command built by string interpolation (command injection)',
    ]);
  });

  it('reports circular dependencies between tasks of a milestone and between milestones', () => {
    const out: AtomizeOutput = {
      files: [
        {
          path: 'm/a.ts',
          language: 'typescript',
          loc: 1,
          functions: [],
          imports: [
            { module: './b.js', named: [{ name: 'b' }] },
            { module: '../n/c.js', named: [{ name: 'c' }] },
          ],
          atoms: [atom('m/a.ts', 1, 1, { name: 'a', defined: ['a'], used: ['b', 'c'] })],
        },
        {
          path: 'm/b.ts',
          language: 'typescript',
          loc: 1,
          functions: [],
          imports: [{ module: './a.js', named: [{ name: 'a' }] }],
          atoms: [atom('m/b.ts', 1, 1, { name: 'b', defined: ['b'], used: ['a'] })],
        },
        {
          path: 'n/c.ts',
          language: 'typescript',
          loc: 1,
          functions: [],
          imports: [{ module: '../m/b.js', named: [{ name: 'b' }] }],
          atoms: [atom('n/c.ts', 1, 1, { name: 'c', defined: ['c'], used: ['b'] })],
        },
      ],
    };
    const report = validatePlan(out);
    const messages = report.results.flatMap((r) => r.issues.map((i) => `${r.check}: ${i.message}`));
    expect(messages).toContain(
      'milestone.circular-dependencies: circular dependency between tasks: m/a.ts → m/b.ts → m/a.ts',
    );
    expect(messages).toContain('plan.architecture: circular dependency between milestones: m → n → m');
    expect(messages.filter((m) => m.startsWith('plan.dependency-health: cycle cut'))).toHaveLength(1);
  });

  it('forbidden dependencies: rule paths as users write them, whole folders only, and a rule matching no file fails', () => {
    const architecture = (forbidden: { from: string; to: string }[]) =>
      validatePlan(load(), { ...options, forbidden })
        .results.filter((r) => r.check === 'plan.architecture')
        .flatMap((r) => r.issues.map((i) => `${i.severity}: ${i.message}`));
    // src/area.ts imports src/math.ts (a file-level edge of the fixture).
    const caught = architecture([{ from: 'src/area.ts', to: 'src/math.ts' }]);
    expect(caught.some((m) => m.startsWith('error: src/area.ts depends on src/math.ts'))).toBe(true);
    for (const spelled of [
      { from: './src/area.ts', to: './src/math.ts' },
      { from: 'src/area.ts/', to: 'src\\math.ts' },
    ])
      expect(architecture([spelled])).toEqual(
        caught.map((m) =>
          m.replace(
            '"src/area.ts must not depend on src/math.ts"',
            `"${spelled.from} must not depend on ${spelled.to}"`,
          ),
        ),
      );
    // A prefix of a name is not a folder; a misspelt folder checks nothing and says so.
    for (const rule of [
      { from: 'src/are', to: 'src/math.ts' },
      { from: 'src/kore', to: 'src' },
    ]) {
      const issues = architecture([rule]);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^error: the rule ".*" checks nothing: no file is under "src\/(are|kore)"$/);
    }
  });

  it('runs checks users register, and lets them replace or drop built-ins', () => {
    const noTodo: PlanCheck<'atom'> = {
      id: 'atom.no-todo',
      level: 'atom',
      description: 'no TODO left in code',
      run: ({ atom: a }) => (a.code?.includes('TODO') ? [{ severity: 'error', message: 'TODO left', atom: a.id }] : []),
    };
    const out = load();
    out.files[0]!.atoms[0]!.code = 'export const PI = 3.14159; // TODO';
    const registry = new CheckRegistry().register(noTodo);
    expect(registry.list('atom').map((c) => c.id)).toEqual(['atom.syntax', 'atom.atomicity', 'atom.no-todo']);
    const report = validatePlan(out, { ...options, registry });
    expect(report.results).toEqual([
      {
        check: 'atom.no-todo',
        level: 'atom',
        subject: 'src/math.ts:1-1',
        score: 0.75,
        passed: false,
        issues: [{ severity: 'error', message: 'TODO left', atom: 'src/math.ts:1-1' }],
      },
    ]);
    registry.unregister('atom.no-todo');
    expect(validatePlan(out, { ...options, registry }).passed).toBe(true);
    expect(
      validatePlan(out, { ...options, only: ['plan.security'], includePassing: true }).results.map((r) => r.check),
    ).toEqual(['plan.security']);
  });
});

describe('atom.syntax on fragments', () => {
  it('does not count braces of atoms cut out of a class or block, but does for whole units', () => {
    const out = load();
    const file = out.files[0]!;
    file.atoms.push(
      atom('src/math.ts', 11, 12, {
        name: 'Holder',
        kind: 'class-field',
        strategy: 'by_class',
        scope: ['module', 'class Holder'],
        code: 'export class Holder {\n  value = 1;',
      }),
    );
    file.atoms.push(atom('src/math.ts', 13, 14, { name: 'broken', code: 'function broken() {\n  return 1;' }));
    const issues = validatePlan(out, { ...options, only: ['atom.syntax'] }).results.flatMap((r) =>
      r.issues.map((i) => `${i.atom} ${i.message}`),
    );
    expect(issues).toEqual(['src/math.ts:13-14 syntax: "{" is never closed']);
  });
});

describe('checkBalance', () => {
  it.each([
    ['const a = [1, (2)];', 'typescript', undefined],
    ['const s = "(";  // )', 'typescript', undefined],
    ['const r = /[(]"/g.test(x);', 'typescript', undefined],
    ['const t = `a ${f({})} (`;', 'typescript', undefined],
    ['f(1, 2', 'typescript', '"(" is never closed'],
    ['f(1]', 'typescript', '"]" closes "(" opened on line 1'],
    ['x = "abc\ny"', 'typescript', 'unterminated string starting with "'],
    ['s = """(\n"""\nf()', 'python', undefined],
    ['d = {"a": [1, 2}', 'python', '"}" closes "[" opened on line 1'],
  ])('%j (%s) → %s', (code, language, problem) => {
    expect(checkBalance(code, language)?.message).toBe(problem);
  });
});

describe('plans from a plan file', () => {
  it('groups files into tasks and milestones by globs; unclaimed files stay their own tasks', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { groupFromPlan, globToRegExp, loadPlanSpec } = await import('../src/index.js');
    expect(globToRegExp('src/**/*.ts').test('src/a/b/c.ts')).toBe(true);
    expect(globToRegExp('src/**/*.ts').test('src/c.ts')).toBe(true);
    expect(globToRegExp('src/*.ts').test('src/a/c.ts')).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'st3-plan-'));
    writeFileSync(
      join(dir, 'plan.yaml'),
      'milestones:\n  - id: geometry\n    tasks:\n      - id: shapes\n        files: [src/math.ts, src/area.ts]\n',
    );
    const spec = await loadPlanSpec(join(dir, 'plan.yaml'), 'plan.yaml');
    expect(spec.errors).toEqual([]);
    const report = validatePlan(load(), {
      ...options,
      group: groupFromPlan(spec.value!),
      includePassing: true,
      only: ['milestone.circular-dependencies'],
    });
    expect(report.results.map((r) => r.subject).sort()).toEqual(['geometry', 'lib', 'src']);
    writeFileSync(
      join(dir, 'dup.yaml'),
      'milestones:\n  - id: m\n    tasks:\n      - id: t\n        files: [a]\n      - id: t\n        files: [b]\n',
    );
    expect((await loadPlanSpec(join(dir, 'dup.yaml'), 'dup.yaml')).errors).toEqual([
      expect.objectContaining({ file: 'dup.yaml', line: 6, message: 'task id "t" is used twice' }),
    ]);
  });
});
