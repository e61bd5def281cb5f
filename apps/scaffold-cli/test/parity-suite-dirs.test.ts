import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'st3-parity-dirs-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function st3(...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: root });
  const code = await runCli(cli, args, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

/** A suite of stored outputs with one case, whose two sides are equal or differ. */
async function suite(dir: string, name: string, same: boolean): Promise<void> {
  await put(`${dir}/suite.yaml`, `name: ${name}\nrenderer: files\n`);
  await put(
    `${dir}/cases/one.yaml`,
    `left:\n  a.ts: "export const x = 1;\\n"\nright:\n  a.ts: "export const x = ${same ? 1 : 2};\\n"\n`,
  );
}

describe('st3 parity run <folder of suites>: no suite folder left out unseen', () => {
  it('runs a suite that is a symbolic link to a folder (its failure fails the run)', async () => {
    await suite('suites/good', 'good', true);
    await suite('elsewhere/broken', 'broken', false);
    await symlink(join(root, 'elsewhere/broken'), join(root, 'suites/linked'));
    const r = await st3('parity', 'run', 'suites', '--json');
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; suites: { name: string; ok: boolean }[] };
    expect(doc.ok).toBe(false);
    expect(doc.suites.map((s) => [s.name, s.ok])).toEqual([
      ['good', true],
      ['broken', false],
    ]);
  });

  it('is E_FILE_NOT_FOUND naming a link in the folder of suites that points to nothing', async () => {
    await suite('suites/good', 'good', true);
    await symlink(join(root, 'gone'), join(root, 'suites/dangling'));
    const r = await st3('parity', 'run', 'suites', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      file: join(root, 'suites/dangling'),
    });
  });
});

describe('st3 parity run: a case the scaffolder cannot render is a suite error, not a verdict', () => {
  it('a case without `type` is E_CONFIG_INVALID at its file, before anything renders (was an "improvement")', async () => {
    await put('suite/suite.yaml', 'name: dto\nleft: { label: v1, pipeline: v1 }\nright: { label: v2, pipeline: v2 }\n');
    await put('suite/cases/notype.yaml', 'artifact_name: Money\nlanguage: ts\ncontext:\n  description: Money\n');
    const r = await st3('parity', 'run', 'suite', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'E_CONFIG_INVALID',
      file: join(root, 'suite/cases/notype.yaml'),
      line: 1,
    });
  });
});
