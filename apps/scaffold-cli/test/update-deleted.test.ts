import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

const FIELDS = 'fields=[{"name":"id","type":"string"}]';
const MAIN = 'src/dtos/user-profile.ts';
const ANSWERS = '.st3/scaffold/answers.json';

let root: string;
beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-deleted-'));
  mkdirSync(join(root, '.st3'));
  const r = await st3('scaffold', 'dto', 'UserProfile', '--set', FIELDS, '--no-interactive');
  expect(r.code, r.stderr).toBe(0);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function st3(...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: root });
  const code = await runCli(cli, args, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const editAnswers = (edit: (files: Record<string, Record<string, unknown>>) => void) => {
  const answers = JSON.parse(readFileSync(join(root, ANSWERS), 'utf8'));
  edit(answers.files);
  writeFileSync(join(root, ANSWERS), JSON.stringify(answers, null, 2));
};

describe('st3 scaffold update over a deleted generated file', () => {
  it('writes it again and says so; check is then clean (exit 0)', async () => {
    rmSync(join(root, MAIN));
    const r = await st3('scaffold', 'update');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^UPDATED +${MAIN} - restored: the file was gone`, 'm'));
    expect(existsSync(join(root, MAIN))).toBe(true);
    expect((await st3('scaffold', 'check')).code).toBe(0);
  });

  it('one it cannot write again is MISSING with the reason, exit 1 (never ok over a missing file)', async () => {
    rmSync(join(root, MAIN));
    editAnswers((files) => (files[MAIN]!.artifact_type = 'gone_type'));
    const r = await st3('scaffold', 'update', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: false, failed: true, counts: { missing: 1 } });
    expect(report.files[0].message).toMatch(/cannot be written again/);
  });
});

describe('answers.json keys written ./src/x.ts', () => {
  it('are the records of src/x.ts: check and update are clean, each file listed once', async () => {
    editAnswers((files) => {
      files[`./${MAIN}`] = files[MAIN]!;
      delete files[MAIN];
    });
    const check = await st3('scaffold', 'check', '--json');
    expect(check.code, check.stdout).toBe(0);
    expect(JSON.parse(check.stdout).files.map((f: { path: string }) => f.path)).toEqual([
      MAIN,
      'test/unit/user-profile.test.ts',
    ]);
    expect((await st3('scaffold', 'update')).code).toBe(0);
  });

  it('a key out of the workspace is a located config error (exit 2)', async () => {
    editAnswers((files) => {
      files[`../${MAIN}`] = files[MAIN]!;
      delete files[MAIN];
    });
    for (const verb of ['check', 'update']) {
      const r = await st3('scaffold', verb);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /E_CONFIG_INVALID .*answers\.json:\d+:\d+: .*"\.\.\/src\/dtos\/user-profile\.ts" is outside/,
      );
    }
  });
});
