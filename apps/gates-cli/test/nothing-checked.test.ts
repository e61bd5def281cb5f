// A gate run that checks nothing is no verdict: a project holding no file any gate takes is
// E_GATES_NO_FILES (exit 2), never "0/1 gates run · 1 skipped" with overall_pass true; `--files ''`
// names nothing and is a usage error, never read as "no files given" (the auto scope).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A committed git workspace whose one gate takes `.js` files and records each run outside it. */
function workspace(files: Record<string, string>): { dir: string; ran: () => boolean } {
  const dir = mkdtempSync(join(tmpdir(), 'st3-gates-nothing-'));
  const outside = mkdtempSync(join(tmpdir(), 'st3-gates-nothing-ran-'));
  dirs.push(dir, outside);
  const marker = join(outside, 'ran.txt');
  const tool = `require('fs').appendFileSync(${JSON.stringify(marker)}, process.argv.slice(1).join(' ') + '\\n')`;
  mkdirSync(join(dir, '.st3/config'), { recursive: true });
  writeFileSync(
    join(dir, '.st3/config/quality.yaml'),
    `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: "Lint"
    execution: {command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(tool)}]}
    success: {exit_codes_ok: [0]}
    capabilities: {file_types: [".js"], parsing_strategy: "exit_code"}
`,
  );
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  return { dir, ran: () => existsSync(marker) && readFileSync(marker, 'utf8').trim() !== '' };
}

async function gates(dir: string, ...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: dir });
  const code = await runCli(cli, ['gates', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('st3 gates over nothing', () => {
  it('--scope project on a project with no file a gate takes: E_GATES_NO_FILES, exit 2, no pass', async () => {
    const w = workspace({ 'README.md': '# docs only\n' });
    const r = await gates(w.dir, '--scope', 'project', '--no-state', '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('overall_pass');
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'E_GATES_NO_FILES',
      message: 'no file in the project is one a gate takes (lint: file types .js): nothing was checked',
    });
    expect(w.ran()).toBe(false);
  });

  it('the first run (auto, no baseline yet) on such a project: the same, in text', async () => {
    const w = workspace({ 'README.md': '# docs only\n' });
    const r = await gates(w.dir);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('passed');
    expect(r.stderr).toContain('E_GATES_NO_FILES');
    expect(existsSync(join(w.dir, '.st3/state.json'))).toBe(false);
  });

  it('--files "" and --files , name nothing: E_USAGE, exit 2, nothing run', async () => {
    const w = workspace({ 'src/a.js': 'x = 1\n' });
    for (const files of ['', ',']) {
      const r = await gates(w.dir, '--files', files, '--json');
      expect(r.code, files).toBe(2);
      expect(JSON.parse(r.stdout).error.code).toBe('E_USAGE');
      expect(JSON.parse(r.stdout).error.message).toContain('names no file (nothing was run)');
    }
    expect(w.ran()).toBe(false);
  });

  it('a project with a file the gate takes runs it as before (exit 0)', async () => {
    const w = workspace({ 'src/a.js': 'x = 1\n' });
    const r = await gates(w.dir, '--scope', 'project', '--no-state', '--json');
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout).overall_pass).toBe(true);
    expect(w.ran()).toBe(true);
  });
});
