// `st3 gates --scope branch --parent <no such branch>` exited 3 (E_GIT, "a tool or runtime failure"), or,
// with a main branch, silently checked the changes since main instead. A ref that names nothing is the
// user's input: exit 2 (E_USAGE) with a hint; a repository git cannot read stays E_GIT, exit 3.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const git = (dir: string, ...args: string[]) =>
  execFileSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  ).trim();

/** A git workspace on branch `feature`, one commit ahead of `main`, with one gate that passes any `.js` file. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-gates-parent-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.st3/config'), { recursive: true });
  writeFileSync(
    join(dir, '.st3/config/quality.yaml'),
    `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: "Lint"
    execution: {command: [${JSON.stringify(process.execPath)}, "-e", "0"]}
    success: {exit_codes_ok: [0]}
    capabilities: {file_types: [".js"], parsing_strategy: "exit_code"}
`,
  );
  writeFileSync(join(dir, 'a.js'), 'a;\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(dir, 'f.js'), 'f;\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'feature');
  return dir;
}

async function gates(dir: string, ...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: dir });
  const code = await runCli(cli, ['gates', ...args], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('st3 gates --parent', () => {
  it('a branch that does not exist: exit 2, E_USAGE, a hint to list the branches; never main instead', async () => {
    const dir = workspace();
    const r = await gates(dir, '--scope', 'branch', '--parent', 'no-such', '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(doc.error).toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('"no-such" (--parent)') });
    expect(doc.error.hint).toContain('git branch -a');
    const text = await gates(dir, '--scope', 'branch', '--parent', 'no-such');
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('git branch -a');
    expect((await gates(dir, '--scope', 'branch', '--parent', 'main', '--json')).code).toBe(0);
  });

  it('--parent without --scope branch is a usage error, not silently ignored', async () => {
    const dir = workspace();
    const r = await gates(dir, '--parent', 'main', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
  });

  it('a repository git cannot read (the parent commit object is gone) stays E_GIT, exit 3', async () => {
    const dir = workspace();
    const main = git(dir, 'rev-parse', 'main');
    rmSync(join(dir, '.git/objects', main.slice(0, 2), main.slice(2)));
    const r = await gates(dir, '--scope', 'branch', '--parent', 'main', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'E_GIT' } });
  });
});
