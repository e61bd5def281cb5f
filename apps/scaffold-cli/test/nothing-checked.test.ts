// `scaffold check` over nothing generated is no verdict (E_SCAFFOLD_NO_FILES, exit 2), never
// "0 generated file(s)" with ok true; `scaffold update` with nothing recorded does nothing and says why (exit 0).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-nothing-'));
  mkdirSync(join(root, '.st3'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'plain.ts'), 'export const a = 1;\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function st3(...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: root });
  const code = await runCli(cli, args, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const RECORDED = '.st3/scaffold/answers.json';

describe('st3 scaffold check: no generated file is no verdict', () => {
  it('a workspace with no generated file: E_SCAFFOLD_NO_FILES, exit 2, no "0 generated file(s)"', async () => {
    const r = await st3('scaffold', 'check');
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('generated file(s)');
    expect(r.stderr).toContain('E_SCAFFOLD_NO_FILES no generated file in the workspace');
    expect(r.stderr).toContain('nothing was checked');
  });

  it('an empty folder, --json: the error document naming it, not {"ok": true, "files": []}', async () => {
    mkdirSync(join(root, 'empty'));
    const r = await st3('scaffold', 'check', 'empty', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: false,
      error: { code: 'E_SCAFFOLD_NO_FILES', message: expect.stringMatching(/^no generated file in empty: /) },
    });
  });

  it('a generated file is checked as before (exit 0)', async () => {
    const made = await st3(
      'scaffold',
      'dto',
      'UserProfile',
      '--set',
      'fields=[{"name":"id","type":"string"}]',
      '--json',
    );
    expect(made.code, made.stderr).toBe(0);
    const r = await st3('scaffold', 'check', '--json');
    expect(r.code, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout).counts.current).toBeGreaterThan(0);
  });
});

describe('st3 scaffold update: nothing recorded says so', () => {
  it('no recorded file: exit 0, and the output says nothing was updated and why', async () => {
    const r = await st3('scaffold', 'update');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      `no recorded file: nothing to update — files scaffolded by ST3 are recorded in ${RECORDED}`,
    );
    const j = await st3('scaffold', 'update', 'src', '--json');
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({
      ok: true,
      files: [],
      note: `no recorded file under src: nothing to update — files scaffolded by ST3 are recorded in ${RECORDED}`,
    });
  });
});
