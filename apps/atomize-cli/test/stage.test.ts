import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryIO } from '@st3/cli-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, stage } from '../src/index.js';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/index.js');
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const dirs: string[] = [];

/** Hands the tree to "nobody" so that only what the test locks is out of its reach. */
function chownTree(dir: string): void {
  chownSync(dir, NOBODY, NOBODY);
  for (const e of readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory()) chownTree(join(dir, e.name));
    else chownSync(join(dir, e.name), NOBODY, NOBODY);
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-atomize-stage-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.st3'));
  return dir;
}

describe('atomize stage of st3 run', () => {
  it('atomizes the workspace and reports counts', async () => {
    const root = workspace();
    writeFileSync(join(root, 'a.ts'), 'export function f(a: number): number {\n  return a > 0 ? a : 0;\n}\n');
    writeFileSync(join(root, 'b.py'), 'def g(x):\n    return x\n');
    const report = await stage.run({ root, io: memoryIO().io, dryRun: true, quiet: true });
    expect(report).toMatchObject({
      stage: 'atomize',
      ok: true,
      summary: expect.stringMatching(/^2 files, 2 functions, \d+ atoms/),
    });
    expect(report.lines?.[0]).toContain('most complex: f in a.ts (2)');
  });

  it('is skipped (ok) when there is nothing to atomize', async () => {
    const report = await stage.run({ root: workspace(), io: memoryIO().io, dryRun: true, quiet: true });
    expect(report).toMatchObject({ ok: true, skipped: true });
  });

  it('lists the files it skipped, in the summary too (a file that is no source is not hidden)', async () => {
    const root = workspace();
    writeFileSync(join(root, 'a.ts'), 'export function f(a: number): number {\n  return a;\n}\n');
    writeFileSync(join(root, 'blob.ts'), Buffer.from([0, 1, 2, 0, 255]));
    const report = await stage.run({ root, io: memoryIO().io, dryRun: true, quiet: true });
    expect(report).toMatchObject({
      ok: true,
      summary: expect.stringMatching(/^1 files, .*; 1 skipped \(not atomizable\)$/),
    });
    expect(report.lines?.[0]).toMatch(/^skipped blob\.ts: .*binary/);
  });

  it('with every source skipped, says so: not "no sources found"', async () => {
    const root = workspace();
    writeFileSync(join(root, 'blob.ts'), Buffer.from([0, 1, 2, 0, 255]));
    const report = await stage.run({ root, io: memoryIO().io, dryRun: true, quiet: true });
    expect(report.skipped).toBeUndefined();
    expect(report.summary).toMatch(/^0 files, .*; 1 skipped/);
  });

  it('fails when a folder or file could not be read (run as "nobody": root reads everything)', () => {
    const root = workspace();
    writeFileSync(join(root, 'a.ts'), 'export function f(a: number): number {\n  return a;\n}\n');
    mkdirSync(join(root, 'locked'));
    writeFileSync(join(root, 'locked/l.ts'), 'export const l = 1;\n');
    writeFileSync(join(root, 'secret.ts'), 'export const s = 1;\n');
    if (asRoot) chownTree(root);
    chmodSync(join(root, 'locked'), 0o000);
    chmodSync(join(root, 'secret.ts'), 0o000);
    try {
      const script = `const { stage } = await import(${JSON.stringify(`file://${DIST}`)});
        console.log(JSON.stringify(await stage.run({ root: ${JSON.stringify(root)}, dryRun: true, quiet: true, io: {} })));`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: root },
        ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      });
      expect(run.status, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report).toMatchObject({ ok: false, summary: expect.stringMatching(/; 2 could not be read$/) });
      expect(report.lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^skipped locked: cannot list this folder \(EACCES\)/),
          expect.stringMatching(/^skipped secret\.ts: .*EACCES/),
        ]),
      );
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
      chmodSync(join(root, 'secret.ts'), 0o644);
    }
  });

  it('lists its two verbs lazily', () => {
    expect(Object.keys(cli.commands)).toEqual(['atomize', 'complexity']);
  });
});
