// validatePlanInputs on real sources, atomized by @st3/atomizer in a temp folder, as `st3 validate-plan` and the
// validate_plan MCP tool run it: a file that does not parse fails the plan (atom.syntax, at the parser's line and
// column), whether its brackets balance or not and whether it comes as sources or as `st3 atomize --json` output;
// and plan.dependency-health counts fan-in and fan-out the way the graph's edges point (`to` depends on `from`).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { atomizeSources, loadGraphInputs, validatePlanInputs, type PlanFileIssue } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-validate-sources-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** `st3 validate-plan <paths>` in `dir`, without printing. */
async function validate(dir: string, paths: string[], options: { maxFanIn?: number; maxFanOut?: number } = {}) {
  const inputs = await loadGraphInputs(paths, { cwd: dir, root: dir });
  return validatePlanInputs(inputs, paths, options);
}

/** Each issue of `check` as `file:line[:column] severity message`. */
function issuesOf(report: Awaited<ReturnType<typeof validate>>, check: string): string[] {
  return report.results
    .filter((r) => r.check === check)
    .flatMap((r) => r.issues as PlanFileIssue[])
    .map((i) => `${i.file}:${i.line}${i.column ? `:${i.column}` : ''} ${i.severity} ${i.message}`);
}

// Syntax errors whose brackets all balance: the light bracket scan alone sees nothing wrong in them.
const UNPARSABLE = {
  'src/calc.py': 'def f(x):\n    y = = 3\n    return x\n\n\ndef g(a):\n    return a +\n',
  'src/calc.ts':
    'export function h(x: number): number {\n  const y = = 2;\n  return x + y;\n}\nexport const z = 1 +;\n',
  'src/ok.ts': 'export function ok(n: number): number {\n  return n + 1;\n}\n',
};

describe('atom.syntax: the parse errors the atomizer recorded', () => {
  it('fail the plan at their line and column, each once, when the brackets balance', async () => {
    const dir = workspace(UNPARSABLE);
    const report = await validate(dir, ['src']);
    expect(issuesOf(report, 'atom.syntax')).toEqual([
      'src/calc.py:2:9 error syntax: syntax error near "="',
      'src/calc.py:7:5 error syntax: syntax error near "return a +"',
      'src/calc.ts:2:13 error syntax: Expression expected.',
      'src/calc.ts:5:21 error syntax: Expression expected.',
    ]);
    expect(report.passed).toBe(false);
    expect(report.levels.find((l) => l.level === 'atom')).toMatchObject({ passed: false, errors: 4 });
  }, 60_000);

  it('fail it too when the atoms come as `st3 atomize --json` output', async () => {
    const dir = workspace(UNPARSABLE);
    const atomized = await atomizeSources(['src'], dir);
    writeFileSync(join(dir, 'atoms.json'), JSON.stringify({ files: atomized.files, skipped: atomized.skipped }));
    const report = await validate(dir, ['atoms.json']);
    expect(issuesOf(report, 'atom.syntax')).toHaveLength(4);
    expect(report.passed).toBe(false);
  }, 60_000);

  it('a file that parses passes, modern syntax and bytes that are not UTF-8 (a warning, no line) included', async () => {
    const dir = workspace({
      'src/modern.py':
        'type Alias = list[int]\n\n\ndef first[T](xs: list[T]) -> T:\n    return xs[0]\n\n\n' +
        'def pick(v: object) -> object:\n    match v:\n        case {"a": 1}:\n            return f"{v!r:>{10}}"\n' +
        '        case _:\n            return None\n',
      // Latin-1, as its coding line says: valid Python, read by the atomizer with U+FFFD (and a warning).
      'src/latin.py': Buffer.from(
        '# -*- coding: latin-1 -*-\n# caf\xe9\n\ndef f(x: int) -> int:\n    return x + 1\n',
        'latin1',
      ),
      'src/ok.ts': UNPARSABLE['src/ok.ts'],
    });
    const report = await validate(dir, ['src']);
    expect(issuesOf(report, 'atom.syntax')).toEqual([]);
    expect(report.passed).toBe(true);
  }, 60_000);
});

describe('plan.dependency-health: fan-in and fan-out', () => {
  // `big` calls 20 functions (it depends on 20 atoms); `hub` is called by 20 functions (20 atoms depend on it).
  const many = Array.from({ length: 20 }, (_, i) => i);
  const FILES = {
    'deps.py':
      many.map((i) => `def u${i}(x: int) -> int:\n    return x + ${i}\n\n\n`).join('') +
      `def big(x: int) -> int:\n    return ${many.map((i) => `u${i}(x)`).join(' + ')}\n`,
    'hub.py':
      'def hub(x: int) -> int:\n    return x * 2\n\n\n' +
      many.map((i) => `def user${i}(x: int) -> int:\n    return hub(x) + ${i}\n\n\n`).join(''),
  };

  /** Each issue of plan.dependency-health as `<name of its atom>: message`. */
  const fanIssues = (report: Awaited<ReturnType<typeof validate>>) => {
    const names = new Map(report.built.graph.nodes.map((n) => [n.id, n.name]));
    return report.results
      .filter((r) => r.check === 'plan.dependency-health')
      .flatMap((r) => r.issues)
      .map((i) => `${String(names.get(i.atom ?? ''))}: ${i.severity} ${i.message}`);
  };

  it('an atom depending on more atoms than --max-fan-out is reported as such, and one that many depend on is not', async () => {
    const dir = workspace(FILES);
    const report = await validate(dir, ['deps.py', 'hub.py'], { maxFanIn: 25, maxFanOut: 15 });
    expect(fanIssues(report)).toEqual(['big: warning depends on 20 atoms (above 15)']);
  }, 60_000);

  it('an atom more atoms depend on than --max-fan-in is a hub', async () => {
    const dir = workspace(FILES);
    const report = await validate(dir, ['deps.py', 'hub.py'], { maxFanIn: 10, maxFanOut: 25 });
    expect(fanIssues(report)).toEqual(['hub: warning 20 atoms depend on this one (hub above 10)']);
  }, 60_000);
});

describe('only: levels none of whose checks ran', () => {
  it('measure nothing: they count in no score (the plan score is that of the levels checked)', async () => {
    // camelCase in Python: a task.naming warning, so the task level scores below 1.
    const dir = workspace({ 'src/naming.py': 'def badName(x: int) -> int:\n    return x + 1\n' });
    const inputs = await loadGraphInputs(['src'], { cwd: dir, root: dir });
    const report = validatePlanInputs(inputs, ['src'], { only: ['task.naming'] });
    const task = report.levels.find((l) => l.level === 'task')!;
    expect(task.score).toBeLessThan(1);
    expect(report.levels.filter((l) => l.checks === 0).map((l) => l.level)).toEqual(['atom', 'milestone', 'plan']);
    expect(report.score).toBe(task.score);
  }, 60_000);
});
