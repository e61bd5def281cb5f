import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A text-violations gate run by node: flags every line holding TODO (`file:line:col: message`), exit 1 when any. */
const TODO_LINT = `import { readFileSync } from 'node:fs';
let found = 0;
for (const file of process.argv.slice(2)) {
  readFileSync(file, 'utf8').split('\\n').forEach((line, i) => {
    const col = line.indexOf('TODO');
    if (col >= 0) { found++; console.log(file + ':' + (i + 1) + ':' + (col + 1) + ': todo-left ' + line.trim()); }
  });
}
process.exit(found > 0 ? 1 : 0);
`;

/** The todo gate's fixer: drops the word TODO (and the space after it) from the given files. */
const TODO_FIX = `import { readFileSync, writeFileSync } from 'node:fs';
for (const file of process.argv.slice(2)) writeFileSync(file, readFileSync(file, 'utf8').replace(/TODO ?/g, ''));
`;

/** A gate that takes its time: writes its pid to .slow-gate.pid, then ticks for SLOW_MS (default 60 s). */
const SLOW_GATE = `import { writeFileSync } from 'node:fs';
writeFileSync('.slow-gate.pid', String(process.pid));
setTimeout(() => process.exit(0), Number(process.env.SLOW_MS ?? 60000));
`;

/** A test command printing a jest JSON report: two passing tests and, with FAIL_TEST set, a failing one. */
const FAKE_TESTS = `const fail = !!process.env.FAIL_TEST;
const ok = (t) => ({ fullName: t, title: t, status: 'passed', failureMessages: [] });
const results = [ok('adds'), ok('subtracts')];
if (fail) results.push({ fullName: 'divides', title: 'divides', status: 'failed', failureMessages: ['expected 2, got 3'] });
console.log(JSON.stringify({
  numTotalTests: results.length,
  numPassedTests: 2,
  numFailedTests: fail ? 1 : 0,
  numPendingTests: 0,
  testResults: [{ name: 'test/math.test.js', assertionResults: results }],
}));
process.exit(fail ? 1 : 0);
`;

const QUALITY = `version: "1.1"
active_gates: [todo]
project_scope:
  include_globs: ["src/**/*.ts", "py/**/*.py"]
tests:
  command: [node, tools/fake-tests.mjs]
  format: jest
gates:
  todo:
    name: "No TODO"
    description: "Lines with TODO"
    execution:
      command: [node, tools/todo-lint.mjs]
      timeout_seconds: 60
    success:
      exit_codes_ok: [0]
    capabilities:
      file_types: [".ts", ".py"]
      supports_autofix: true
      fix: { command: [node, tools/todo-fix.mjs] }
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+):(?P<col>\\d+): (?P<rule>[a-z-]+) (?P<message>.*)$'
        severity_default: error
  slow:
    name: "Slow"
    description: "A gate that takes its time"
    execution:
      command: [node, tools/slow-gate.mjs]
      timeout_seconds: 120
      pass_files: none
    success:
      exit_codes_ok: [0]
    capabilities:
      file_types: [".ts"]
      supports_autofix: false
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<message>.*)$'
        severity_default: error
`;

const SOURCES: Record<string, string> = {
  'src/pricing.ts': `import { round } from './util.js';

export interface LineItem {
  sku: string;
  unitCents: number;
  quantity: number;
}

export function lineTotal(item: LineItem): number {
  if (item.quantity < 0) throw new RangeError('bad quantity');
  return round(item.unitCents * item.quantity);
}

export function orderTotal(items: LineItem[]): number {
  let total = 0;
  for (const item of items) total += lineTotal(item);
  return total;
}
`,
  'src/util.ts': `export function round(n: number): number {
  return Math.round(n);
}
`,
  'py/shop/cart.py': `def total(items):
    result = 0
    for item in items:
        if item.get("quantity", 0) > 0:
            result += item["price"] * item["quantity"]
    return result
`,
  'patterns/PATTERN_INDEX.yaml': `version: 1.0.0
metadata: { created: '2025-01-01', last_updated: '2025-01-01', total_patterns: 1, total_categories: 1 }
patterns:
- pattern_id: PAT-GREET-HELLO-001
  name: greet
  version: 1.0.0
  status: draft
  category: demo
  spec_path: patterns/specs/greet.pattern.yaml
  executor_path: patterns/executors/greet_executor.py
  test_path: patterns/tests/test_greet_executor.py
  example_dir: patterns/examples/greet/
`,
  'patterns/specs/greet.pattern.yaml': `# Pattern: Greet
pattern_id: "PAT-GREET-HELLO-001"
name: "greet"
intent: |
  Say hello to people.
inputs:
  names:
    type: "list"
    required: true
    min_items: 1
    items:
      type: "string"
execution_steps:
  - step_id: "S1_greet"
`,
  'tools/todo-lint.mjs': TODO_LINT,
  'tools/todo-fix.mjs': TODO_FIX,
  'tools/slow-gate.mjs': SLOW_GATE,
  'tools/fake-tests.mjs': FAKE_TESTS,
  '.st3/config/quality.yaml': QUALITY,
  '.gitignore': '.st3/cache/\n.st3/logs/\n.st3/state.json\n.slow-gate.pid\n',
};

export interface Workspace {
  dir: string;
  cleanup: () => Promise<void>;
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd: dir,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@e',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@e',
    },
  });

/**
 * A real workspace in a temp folder, committed to a fresh git repository: TypeScript and Python
 * sources, a quality config whose gates and tests are small node scripts, the first example task and
 * the standard of examples/, and a one-pattern registry.
 */
export async function makeWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-mcp-'));
  for (const [path, text] of Object.entries(SOURCES)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const task = 'tasks/TASK-0001-example-evidence.task.yaml';
  await mkdir(join(dir, 'tasks'), { recursive: true });
  await cp(join(repoRoot, 'examples', task), join(dir, task));
  await cp(join(repoRoot, 'examples/standards'), join(dir, 'standards'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export { git };
