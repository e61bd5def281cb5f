import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';
import { git as sharedGit, writeFiles } from '../src/task-file.js';

/**
 * `st3 gates` end to end for issue 14: --dry-run plans, --fix, --new-only, init's .gitignore, 8 concurrent
 * runs merging their failures, and "tool not found" for a preset whose tool is not installed.
 */
const node = JSON.stringify(process.execPath);
/** A real (tiny) linter: every line containing BAD in the given files is a violation; fixable when it says BAD!. */
const TOOL = `const fs=require('fs');const out=[];for(const f of process.argv.slice(2))fs.readFileSync(f,'utf8').split('\\n').forEach((l,i)=>{if(l.includes('BAD'))out.push({path:f,row:i+1,code:'NO_BAD',text:'bad line',fix:l.includes('BAD!')?{safe:true}:null})});process.stdout.write(JSON.stringify(out));process.exit(out.length?1:0)`;
/** Its fixer: rewrites BAD! (the fixable kind) in the given files. */
const FIXER = `const fs=require('fs');for(const f of process.argv.slice(2))fs.writeFileSync(f,fs.readFileSync(f,'utf8').replace(/BAD!/g,'ok'))`;
const CONFIG = `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: Lint
    execution: { command: [${node}, tool.cjs] }
    capabilities:
      file_types: [".py"]
      parsing_strategy: json_violations
      scope_mode: files
      fix: { command: [${node}, fixer.cjs] }
      json_violations: { field_map: { file: path, line: row, rule: code, message: text }, fixable_when: fix/safe }
`;

const write = writeFiles;
const git = (dir: string, ...args: string[]): string => sharedGit(dir, ...args).trim();
function repo(dir: string, files: Record<string, string>): void {
  write(dir, { 'tool.cjs': TOOL, 'fixer.cjs': FIXER, '.st3/config/quality.yaml': CONFIG, ...files });
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
}
const state = (dir: string) => JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8')).quality_gates;

describe('st3 gates (issue 14)', () => {
  it('--dry-run --json prints each gate plan (mode, files, reason) and runs nothing', () =>
    withTempDir(async (dir) => {
      repo(dir, { 'a.py': 'ok\n', 'b.py': 'ok\n' });
      const r = await runSt3(['gates', '--dry-run', '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(json(r)).toMatchObject({
        scope: { kind: 'auto', mode: 'project', description: 'whole project (no baseline yet)' },
        gates: [{ id: 'lint', mode: 'project', files: ['a.py', 'b.py'], sound: true }],
      });
      expect(existsSync(join(dir, '.st3/state.json'))).toBe(false);
    }));

  it('--fix runs the fixers of failing gates, runs the gates again and reports what changed', () =>
    withTempDir(async (dir) => {
      repo(dir, { 'a.py': 'BAD!\nok\n', 'b.py': 'BAD\n', 'c.py': 'ok\n' });
      const plain = json(await runSt3(['gates', '--json', '--no-state'], { cwd: dir }));
      expect(plain.gates[0].violations.map((v: { fixable: boolean }) => v.fixable)).toEqual([true, false]);
      expect(readFileSync(join(dir, 'a.py'), 'utf8')).toBe('BAD!\nok\n');
      const r = await runSt3(['gates', '--fix', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      const doc = json(r);
      expect(doc.fix).toMatchObject({
        fixers: [{ gate: 'lint', files: 3, exit_code: 0 }],
        files_changed: ['a.py'],
        violations_before: 2,
        violations_after: 1,
        fixed: 1,
      });
      expect(readFileSync(join(dir, 'a.py'), 'utf8')).toBe('ok\nok\n');
      const text = await runSt3(['gates', '--fix', '--no-color'], { cwd: dir });
      expect(text.stdout).toContain('fix: 0 violations fixed in 0 files (lint)');
    }));

  it('--new-only reports violations on changed lines; pre-existing ones are counted and unchanged in SARIF', () =>
    withTempDir(async (dir) => {
      repo(dir, { 'a.py': 'BAD\nok\n' });
      // A feature branch, measured from its merge base with main (no baseline: HEAD is never the reference).
      git(dir, 'checkout', '-q', '-b', 'feature');
      write(dir, { 'a.py': 'BAD\nok\nBAD new\n' });
      const branch = ['--scope', 'branch', '--parent', 'main'];
      const r = await runSt3(['gates', '--new-only', ...branch, '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      const doc = json(r);
      expect(doc.gates[0].violations.map((v: { line: number }) => v.line)).toEqual([3]);
      expect(doc.gates[0].preexisting_violations.map((v: { line: number }) => v.line)).toEqual([1]);
      expect(doc.summary).toMatch(/· 1 pre-existing ·/);
      const sarif = JSON.parse(
        (await runSt3(['gates', '--new-only', ...branch, '--format', 'sarif', '--no-state'], { cwd: dir })).stdout,
      );
      expect(sarif.runs[0].results.map((x: { baselineState: string }) => x.baselineState)).toEqual([
        'new',
        'unchanged',
      ]);
      write(dir, { 'a.py': 'BAD\nok\nok now\n' });
      const held = await runSt3(['gates', '--new-only', ...branch], { cwd: dir });
      expect(held.code).toBe(0);
      expect(held.stdout).toContain('1 pre-existing');
    }));

  it('8 concurrent runs merge their failures in state.json: none is lost', () =>
    withTempDir(async (dir) => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 8; i++) files[`f${i}.py`] = i % 2 === 0 ? 'BAD\n' : 'ok\n';
      repo(dir, files);
      const runs = await Promise.all(
        Array.from({ length: 8 }, (_, i) => runSt3(['gates', '--files', `f${i}.py`, '--json'], { cwd: dir })),
      );
      expect(runs.map((r) => r.code)).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
      expect(state(dir).gates.lint.failed_files).toEqual(['f0.py', 'f2.py', 'f4.py', 'f6.py']);
      expect(state(dir).failed_files).toEqual(['f0.py', 'f2.py', 'f4.py', 'f6.py']);
      expect(state(dir).baseline_sha).toBeNull();
    }));

  it('init adds .st3/logs/ and .st3/state.json to .gitignore, creating it when needed', () =>
    withTempDir(async (dir) => {
      write(dir, { '.st3/.keep': '', 'pyproject.toml': '[tool.ruff]\n' });
      const r = await runSt3(['gates', 'init', '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(json(r).gitignore).toEqual({ added: ['.st3/logs/', '.st3/state.json'], created: true });
      expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('.st3/logs/\n.st3/state.json\n');
    }));

  it('a preset whose tool is not installed: "tool not found: eslint" with the install hint, exit 3', () =>
    withTempDir(async (dir) => {
      write(dir, { '.st3/.keep': '', 'a.js': 'export const a = 1;\n' });
      await runSt3(['gates', 'init', '--preset', 'eslint'], { cwd: dir });
      const r = await runSt3(['gates', '--json'], { cwd: dir, env: { PATH: dirname(process.execPath) } });
      expect(r.code).toBe(3);
      expect(json(r).gates[0].reason).toBe('tool not found: eslint (npm install --save-dev eslint)');
    }));
});
