// What the verdict of st3 validate-plan covers: a file that does not parse fails the plan (atom.syntax, at the
// parser's line:column) even when its brackets balance, and a level none of whose checks --check selected is
// "not checked", never "pass".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'st3-validate-plan-verdicts-'));
  mkdirSync(join(dir, '.st3'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'py'));
  writeFileSync(join(dir, 'src/ok.ts'), 'export function ok(n: number): number {\n  return n + 1;\n}\n');
  // Syntax errors whose brackets all balance.
  writeFileSync(
    join(dir, 'src/calc.ts'),
    'export function h(x: number): number {\n  const y = = 2;\n  return x + y;\n}\n',
  );
  writeFileSync(join(dir, 'py/calc.py'), 'def g(a: int) -> int:\n    return a +\n');
  writeFileSync(join(dir, 'py/naming.py'), 'def badName(x: int) -> int:\n    return x + 1\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function st3(...argv: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: dir });
  const code = await runCli(cli, [...argv, '--no-color'], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('st3 validate-plan', () => {
  it('fails a file that does not parse, at the line and column of each syntax error', async () => {
    const r = await st3('validate-plan', 'src/calc.ts', 'py/calc.py');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('src/calc.ts:2:13: error [atom.syntax] syntax: Expression expected.');
    expect(r.stdout).toContain('py/calc.py:2:5: error [atom.syntax] syntax: syntax error near "return a +"');
    expect(r.stdout).toMatch(/^plan score \d\.\d{3}: failed$/m);
    const clean = await st3('validate-plan', 'src/ok.ts');
    expect(clean.code, clean.stdout).toBe(0);
  }, 60_000);

  it('says "not checked" of the levels --check left without a check, and counts them in no score', async () => {
    const r = await st3('validate-plan', 'py/naming.py', '--check', 'task.naming');
    expect(r.code, r.stderr).toBe(0);
    for (const level of ['atom', 'milestone', 'plan'])
      expect(r.stdout).toMatch(new RegExp(`^${level} +- +not checked  no ${level} check selected$`, 'm'));
    const task = /^task +(\d\.\d{3}) pass /m.exec(r.stdout);
    expect(task, r.stdout).not.toBeNull();
    expect(Number(task![1])).toBeLessThan(1);
    expect(r.stdout).toContain(`plan score ${task![1]}: passed (not checked: atom, milestone, plan levels)`);
    const json = await st3('validate-plan', 'py/naming.py', '--check', 'task.naming', '--json');
    const doc = JSON.parse(json.stdout) as { score: number; levels: { level: string; checks: number }[] };
    expect(doc.levels.filter((l) => l.checks === 0).map((l) => l.level)).toEqual(['atom', 'milestone', 'plan']);
    expect(doc.score).toBe(Number(task![1]));
  }, 60_000);
});
