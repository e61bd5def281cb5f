import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Violation } from '@st3/schemas';
import {
  categoryOfViolations,
  createScratchPool,
  createValidator,
  createWorkspaceFiles,
  replaceLines,
} from '../src/index.js';
import { makeWorkspace } from './workspace.js';

/** A real gate program: reports every line containing BAD (rule LINT1) or `as any` (rule TS2322) of the files it is given. */
const GATE = `import { readFileSync } from 'node:fs';
let bad = 0;
for (const f of process.argv.slice(2)) readFileSync(f, 'utf8').split('\\n').forEach((l, i) => {
  const c = l.indexOf('BAD');
  if (c >= 0) { bad++; console.log(f + ':' + (i + 1) + ':' + (c + 1) + ': LINT1 found BAD'); }
  const t = l.indexOf('as any');
  if (t >= 0) { bad++; console.log(f + ':' + (i + 1) + ':' + (t + 1) + ': TS2322 Type any is not assignable'); }
});
process.exit(bad ? 1 : 0);
`;
const quality = (command: string, strategy = 'text_violations') => `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: Lint
    execution: { command: ${command}, timeout_seconds: 60 }
    success: { exit_codes_ok: [0] }
    capabilities:
      file_types: [".ts"]
      supports_autofix: false
      parsing_strategy: ${strategy}
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+):(?P<col>\\d+): (?P<rule>\\w+) (?P<message>.*)$'
        severity_default: error
`;
const FILE = `export function a(x: number): number {\n  return x; // BAD old\n}\n\nexport function b(x: number): number {\n  return x;\n}\n`;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function validatorFor(command: string, strategy?: string) {
  const ws = await makeWorkspace({
    'src/f.ts': FILE,
    'gate.mjs': GATE,
    '.st3/config/quality.yaml': quality(command, strategy),
  });
  const pool = createScratchPool(ws.root, 1);
  cleanup.push(ws.dispose, pool.dispose);
  const files = createWorkspaceFiles(ws.root);
  return { ws, validator: createValidator({ root: ws.root, files, pool, env: { PATH: process.env.PATH } }) };
}
const change = (body: string) => ({
  path: 'src/f.ts',
  before: FILE,
  after: replaceLines(FILE, 5, 7, body),
  start: 5,
  end: 7,
  newEnd: 4 + body.split('\n').length,
});

describe('validation of a generated change', () => {
  it('runs the gates in a scratch copy; violations that were there before do not count', async () => {
    const { ws, validator } = await validatorFor(JSON.stringify([process.execPath, 'gate.mjs']));
    const ok = await validator.validate(change('export function b(x: number): number {\n  return x * 2;\n}'));
    expect(ok).toMatchObject({
      ok: true,
      report: { parse: { ok: true }, gates: [{ id: 'lint', status: 'passed (pre-existing violations only)' }] },
    });
    expect(ok.score).toBeGreaterThan(0.8);
    const bad = await validator.validate(
      change('export function b(x: number): number {\n  return (x as any) + 1; // BAD new\n}'),
    );
    expect(bad.ok).toBe(false);
    expect(bad.failure!.category).toBe('type');
    expect(bad.failure!.message).toBe(
      'gate lint failed:\nsrc/f.ts:6:29: LINT1 found BAD\nsrc/f.ts:6:13: TS2322 Type any is not assignable',
    );
    // The workspace itself is never touched.
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(ws.root, 'src/f.ts'), 'utf8')).toBe(FILE);
  }, 60_000);

  it('a syntax error fails before any gate; a grossly oversized atom fails atomicity', async () => {
    const { validator } = await validatorFor(JSON.stringify([process.execPath, 'gate.mjs']));
    const broken = await validator.validate(change('export function b(x: number): number {\n  return x +;\n}'));
    expect(broken).toMatchObject({ ok: false, failure: { category: 'syntax' }, report: { parse: { ok: false } } });
    expect(broken.report.gates).toBeUndefined();
    const long = `export function b(x: number): number {\n${Array.from({ length: 40 }, (_, i) => `  x += ${i};`).join('\n')}\n  return x;\n}`;
    const huge = await validator.validate(change(long));
    expect(huge.ok).toBe(false);
    expect(huge.failure!.category).toBe('logic');
    expect(huge.failure!.message).toContain(
      'the new code is no longer an atom: 43 source lines (an atom has at most 15; the code replaced had 3)',
    );
    const branchy = `export function b(x: number): number {\n${Array.from({ length: 7 }, (_, i) => `  if (x > ${i}) x -= ${i};`).join('\n')}\n  return x;\n}`;
    const complex = await validator.validate(change(branchy));
    expect(complex.failure!.message).toMatch(
      /cyclomatic complexity 8 \(an atom stays below 3; the code replaced had 1\)/,
    );
    const fine = await validator.validate(
      change(`export function b(x: number): number {\n  if (x > 0) return x;\n  return -x;\n}`),
    );
    expect(fine).toMatchObject({ ok: true, report: { atomicity: { ok: true } } });
  }, 60_000);

  it('a gate that cannot run is "not measured": the change is not failed, but its score drops', async () => {
    const { validator } = await validatorFor('[st3-no-such-linter]');
    const r = await validator.validate(change('export function b(x: number): number {\n  return x * 2;\n}'));
    expect(r.ok).toBe(true);
    expect(r.report.gates).toEqual([
      { id: 'lint', status: 'error', violations: 0, messages: [expect.stringContaining('st3-no-such-linter')] },
    ]);
    expect(r.notMeasured).toEqual([expect.stringContaining('gate lint')]);
    expect(r.score).toBeLessThanOrEqual(2 / 3);
  }, 60_000);

  it('a gate failing before and after the change with nothing parsed is "not measured", never passed', async () => {
    // The same gate judged by its exit code alone: the old file already fails it (BAD old), so a
    // failure after the change says nothing about whether the change added a problem.
    const { validator } = await validatorFor(JSON.stringify([process.execPath, 'gate.mjs']), 'exit_code');
    const r = await validator.validate(
      change('export function b(x: number): number {\n  return (x as any) + 1; // BAD new\n}'),
    );
    expect(r.report.gates).toEqual([
      { id: 'lint', status: 'not measured', violations: 0, messages: [expect.stringContaining('no violation parsed')] },
    ]);
    expect(r.notMeasured).toEqual([expect.stringContaining('gate lint')]);
    expect(r.score).toBeLessThanOrEqual(2 / 3);
  }, 60_000);

  it('no quality.yaml, or gates turned off: the gates are "not measured" and count as not passed', async () => {
    const ws = await makeWorkspace({ 'src/f.ts': FILE });
    const pool = createScratchPool(ws.root, 1);
    cleanup.push(ws.dispose, pool.dispose);
    const files = createWorkspaceFiles(ws.root);
    const body = 'export function b(x: number): number {\n  return x * 2;\n}';
    for (const [validator, why] of [
      [createValidator({ root: ws.root, files, pool }), /no \.st3\/config\/quality\.yaml/],
      [createValidator({ root: ws.root, files, gates: false }), /turned off/],
    ] as const) {
      const r = await validator.validate(change(body));
      expect(r.ok).toBe(true);
      expect(r.report.gates).toEqual([
        { id: '*', status: 'not measured', violations: 0, messages: [expect.stringMatching(why)] },
      ]);
      expect(r.notMeasured).toEqual([expect.stringMatching(why)]);
      // parse 1, atomicity 1, gates not measured: 2 of 3, as with a gate that could not run.
      expect(r.score).toBeLessThanOrEqual(2 / 3);
    }
  }, 60_000);

  it("a file none of the workspace's gates takes: not measured either, not a failed attempt", async () => {
    const { validator } = await validatorFor(JSON.stringify([process.execPath, 'gate.mjs']));
    const py = 'def b(x):\n    return x\n';
    const r = await validator.validate({
      path: 'src/f.py',
      before: py,
      after: py.replace('x\n', 'x * 2\n'),
      start: 1,
      end: 2,
      newEnd: 2,
    });
    expect(r.ok).toBe(true);
    expect(r.report.gates).toEqual([
      expect.objectContaining({ id: '*', status: 'not measured', messages: [expect.stringContaining('src/f.py')] }),
    ]);
    expect(r.notMeasured).toEqual([expect.stringMatching(/no gate checks src\/f\.py \(lint: .*\.ts/)]);
    expect(r.score).toBeLessThanOrEqual(2 / 3);
  }, 60_000);

  it('classifies gate violations: syntax, then type, else logic', () => {
    const v = (rule: string, message: string): Violation =>
      ({ file: 'a', line: 1, col: 1, rule, message, severity: 'error', fixable: false }) as Violation;
    expect(categoryOfViolations([v('TS1005', "';' expected")])).toBe('syntax');
    expect(categoryOfViolations([v('E999', 'SyntaxError: invalid syntax')])).toBe('syntax');
    expect(categoryOfViolations([v('TS2345', 'Argument of type')])).toBe('type');
    expect(categoryOfViolations([v('arg-type', 'Argument 1 has incompatible type')])).toBe('type');
    expect(categoryOfViolations([v('F821', "undefined name 'x'")])).toBe('type');
    expect(categoryOfViolations([v('E501', 'line too long')])).toBe('logic');
  });
});
