import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { json, repoRoot, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

/** A git repository with a text file, an empty folder, a README, a binary .js, one TS source and a broken Python file. */
function repo(dir: string): void {
  execFileSync('git', ['init', '-q'], { cwd: dir });
  for (const d of ['txt', 'empty', 'bin', 'src', 'cx2']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'txt/a.txt'), 'hello\n');
  writeFileSync(join(dir, 'README.md'), '# hi\n');
  writeFileSync(join(dir, 'bin/a.js'), Buffer.from([0x66, 0x00, 0x01, 0x02, 0x0a]));
  writeFileSync(join(dir, 'src/a.ts'), 'export function f(a: number): number {\n  return a > 0 ? a : 0;\n}\n');
  writeFileSync(
    join(dir, 'cx2/a.py'),
    'def f(a)\n    if a > 1:\n        if a > 2:\n            if a > 3:\n                return 1\n    return 0\n',
  );
}

describe('graph verbs: source paths with no source file are E_ATOMIZE_NO_FILES (exit 2), never a pass', () => {
  it('validate-plan, graph, waves and execute on a folder of text and on an empty folder', async () => {
    await withTempDir(async (dir) => {
      repo(dir);
      for (const args of [
        ['validate-plan', 'txt'],
        ['validate-plan', 'empty'],
        ['graph', 'empty'],
        ['waves', 'txt'],
        ['execute', 'empty', '--run', 'true'],
      ]) {
        const r = await runSt3([...args, '--json'], { cwd: dir });
        expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(2);
        expect(json(r)).toMatchObject({
          ok: false,
          error: {
            code: 'E_ATOMIZE_NO_FILES',
            message: `no source files matched ${args[1]}`,
            hint: 'files ignored by .gitignore are skipped',
          },
        });
      }
      const text = await runSt3(['validate-plan', 'txt'], { cwd: dir });
      expect(text.code).toBe(2);
      expect(text.stdout).not.toContain('passed');
      expect(text.stderr).toContain('E_ATOMIZE_NO_FILES no source files matched txt');
      // Files that are all skipped: the same error, saying so.
      const binary = await runSt3(['graph', 'bin/a.js', '--json'], { cwd: dir });
      expect(binary.code).toBe(2);
      expect(json(binary).error).toMatchObject({
        code: 'E_ATOMIZE_NO_FILES',
        message: 'no source file of bin/a.js could be atomized (1 skipped)',
      });
      // Sources still work.
      expect((await runSt3(['graph', 'src', '--json'], { cwd: dir })).code).toBe(0);
    });
  });

  it('validate-plan: files without a single atom are no verdict either (E_GRAPH_INPUT, exit 2)', async () => {
    await withTempDir(async (dir) => {
      repo(dir);
      writeFileSync(join(dir, 'src/blank.ts'), '');
      const r = await runSt3(['validate-plan', 'src/blank.ts', '--json'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(json(r).error).toMatchObject({ code: 'E_GRAPH_INPUT', message: expect.stringContaining('no atoms') });
    });
  });
});

describe('validate-plan --plan: a task whose globs match nothing fails the plan at its line in plan.yaml', () => {
  it('the located error, exit 1, in text and --json; a plan that matches passes', async () => {
    await withTempDir(async (dir) => {
      repo(dir);
      writeFileSync(
        join(dir, 'plan.yaml'),
        'milestones:\n  - id: M1\n    tasks:\n      - id: T1\n        files: ["nomatch/**"]\n',
      );
      const r = await runSt3(['validate-plan', 'src', '--plan', 'plan.yaml', '--all', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      const doc = json(r);
      expect(doc).toMatchObject({ ok: false, passed: false });
      const coverage = doc.results.find((x: { check: string }) => x.check === 'plan.coverage');
      expect(coverage).toMatchObject({ level: 'plan', passed: false });
      expect(coverage.issues).toEqual([
        {
          severity: 'error',
          file: 'plan.yaml',
          line: 5,
          column: 16,
          message: 'task "T1" matches no file',
          hint: 'no file matches "nomatch/**"; paths are relative to the folder st3 runs in, e.g. src/a.ts',
        },
        expect.objectContaining({ severity: 'error', file: 'plan.yaml', line: 2, column: 9 }),
      ]);
      const text = await runSt3(['validate-plan', 'src', '--plan', 'plan.yaml'], { cwd: dir });
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('plan.yaml:5:16: error [plan.coverage] task "T1" matches no file');
      expect(text.stdout).toContain('plan score');
      expect(text.stdout).toContain(': failed');
      // --check narrows the checks, not the plan file's own.
      const only = await runSt3(['validate-plan', 'src', '--plan', 'plan.yaml', '--check', 'task.naming'], {
        cwd: dir,
      });
      expect(only.code).toBe(1);
      writeFileSync(
        join(dir, 'good.yaml'),
        'milestones:\n  - id: M1\n    tasks:\n      - id: T1\n        files: ["src/**"]\n',
      );
      const good = await runSt3(['validate-plan', 'src', '--plan', 'good.yaml', '--json'], { cwd: dir });
      expect(good.code, good.stdout).toBe(0);
    });
  });
});

describe('st3 complexity: nothing measured, or a syntax error under --max, is never "no function above"', () => {
  it('a README only, a binary .js only: E_ATOMIZE_NO_FILES, exit 2', async () => {
    await withTempDir(async (dir) => {
      repo(dir);
      const md = await runSt3(['complexity', 'README.md', '--max', '0'], { cwd: dir });
      expect(md.code).toBe(2);
      expect(md.stdout).not.toContain('no function above');
      expect(md.stderr).toContain('E_ATOMIZE_NO_FILES');
      const bin = await runSt3(['complexity', 'bin', '--max', '0', '--json'], { cwd: dir });
      expect(bin.code).toBe(2);
      expect(json(bin).error.code).toBe('E_ATOMIZE_NO_FILES');
    });
  });

  it('--max: the syntax error is listed with its location and exits 1; without --max the JSON shows it', async () => {
    await withTempDir(async (dir) => {
      repo(dir);
      const r = await runSt3(['complexity', 'cx2', '--max', '2'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^cx2\/a\.py:1:1: E999 SyntaxError: /m);
      const j = await runSt3(['complexity', 'cx2', '--max', '2', '--json'], { cwd: dir });
      expect(j.code).toBe(1);
      expect(json(j)).toMatchObject({
        max: 2,
        over: 0,
        filesWithSyntaxErrors: 1,
        files: [{ path: 'cx2/a.py', diagnostics: [{ code: 'E_ATOMIZE_SYNTAX', severity: 'error', line: 1 }] }],
        skipped: [],
      });
      const plain = await runSt3(['complexity', 'cx2', '--json'], { cwd: dir });
      expect(plain.code).toBe(0);
      expect(json(plain).files[0].diagnostics[0]).toMatchObject({ code: 'E_ATOMIZE_SYNTAX', severity: 'warning' });
      // Skipped files are in the JSON too, next to the measured ones; a file not measured fails --max.
      const mixed = await runSt3(['complexity', 'src', 'bin', '--max', '5', '--json'], { cwd: dir });
      expect(mixed.code).toBe(1);
      expect(json(mixed)).toMatchObject({
        ok: false,
        over: 0,
        notMeasured: 1,
        filesWithSyntaxErrors: 0,
        skipped: [{ path: 'bin/a.js', reason: 'binary file (NUL bytes)' }],
      });
    });
  });
});

function texts(r: CallToolResult): string[] {
  return r.content.map((c) => (c.type === 'text' ? c.text : `<${c.type}>`));
}

describe('MCP complexity (built `st3 mcp`, official SDK client): the same verdicts', () => {
  it('isError with E_ATOMIZE_NO_FILES when nothing was measured; isError on a syntax error under max', async () => {
    await withTempDir(async (dir) => {
      repo(dir);
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [st3Bin, 'mcp', '--cwd', dir],
        cwd: repoRoot,
        stderr: 'pipe',
        env: { ...process.env, NO_COLOR: '1' } as Record<string, string>,
      });
      const client = new Client({ name: 'st3-e2e', version: '1.0.0' });
      await client.connect(transport);
      try {
        const call = async (args: Record<string, unknown>) =>
          (await client.callTool({ name: 'complexity', arguments: args })) as CallToolResult;
        for (const paths of [['README.md'], ['bin']]) {
          const none = await call({ paths, max: 0 });
          expect(none.isError, texts(none).join('\n')).toBe(true);
          expect(JSON.parse(texts(none)[1]!)).toMatchObject({ ok: false, error: { code: 'E_ATOMIZE_NO_FILES' } });
        }
        const broken = await call({ paths: ['cx2'], max: 2 });
        expect(broken.isError, texts(broken).join('\n')).toBe(true);
        expect(texts(broken)[0]).toContain('1 file with syntax errors');
        expect(broken.structuredContent).toMatchObject({
          over: 0,
          filesWithSyntaxErrors: 1,
          files: [{ path: 'cx2/a.py', diagnostics: [{ code: 'E_ATOMIZE_SYNTAX', severity: 'error', line: 1 }] }],
        });
        const measured = await call({ paths: ['cx2'] });
        expect(measured.isError ?? false).toBe(false);
        expect(measured.structuredContent).toMatchObject({ filesWithSyntaxErrors: 1 });
        // A matched file not measured fails max, as `st3 complexity --max` does.
        const mixed = await call({ paths: ['src', 'bin'], max: 5 });
        expect(mixed.isError, texts(mixed).join('\n')).toBe(true);
        expect(texts(mixed)[0]).toContain('1 file not measured');
        expect(mixed.structuredContent).toMatchObject({ over: 0, notMeasured: 1, passed: false });
        const clean = await call({ paths: ['src'], max: 5 });
        expect(clean.isError ?? false).toBe(false);
        expect(clean.structuredContent).toMatchObject({ over: 0, filesWithSyntaxErrors: 0 });
      } finally {
        await client.close();
      }
    });
  });
});

describe('st3 test: a run in which no test passed is no pass', () => {
  it('exits 1 when the runner reports no tests, or only skipped ones, with exit code 0', async () => {
    await withTempDir(async (dir) => {
      const report = (total: number, skipped: number) =>
        JSON.stringify({
          numTotalTests: total,
          numPassedTests: 0,
          numFailedTests: 0,
          numPendingTests: skipped,
          testResults: [],
        });
      for (const [total, skipped] of [
        [0, 0],
        [3, 3],
      ]) {
        const r = await runSt3(
          [
            'test',
            '--json',
            '--format',
            'jest',
            '--',
            process.execPath,
            '-e',
            `console.log('${report(total, skipped)}')`,
          ],
          { cwd: dir },
        );
        expect(r.code, r.stdout + r.stderr).toBe(1);
        expect(json(r)).toMatchObject({ ok: false, passed: 0, failed: 0, exit_code: 0 });
        expect(json(r).summary).toMatch(/^✗ no test passed: /);
      }
    });
  });
});
