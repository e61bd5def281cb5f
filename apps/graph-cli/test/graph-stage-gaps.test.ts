import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryIO } from '@st3/cli-kit';
import { stage } from '../src/index.js';

// `st3 run`'s graph stage says what its graph leaves out or may get wrong: a graph without a file's
// atoms (or with a file half parsed) must not read as the whole workspace's.

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/index.js');
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-graph-gaps-'));
  mkdirSync(join(root, '.st3'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const write = (path: string, data: string | Buffer) => writeFileSync(join(root, path), data);
const fn = (name: string) => `export function ${name}(): number {\n  return 1;\n}\n`;

describe("st3 run's graph stage: what the graph leaves out is in the report", () => {
  it('a skipped file and a file with syntax errors are named, the summary says the graph is not complete', async () => {
    write('a.ts', fn('a'));
    write('blob.ts', Buffer.from([0, 1, 2, 0, 255]));
    write('bad.ts', 'export function broken( {\n  return 1 +;\n}\n');
    const report = await stage.run({ root, io: memoryIO().io, dryRun: true, quiet: true });
    expect(report.ok, JSON.stringify(report)).toBe(true);
    expect(report.summary).toMatch(/; not complete: 1 skipped, 1 with parse problems \(their edges may be missing\)$/);
    expect(report.lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^not in the graph: blob\.ts \(binary/),
        expect.stringMatching(/^parse problem: bad\.ts:2:\d+: /),
      ]),
    );
    expect(report.data).toMatchObject({ skipped: [{ path: 'blob.ts' }] });
  }, 60_000);

  it('a source it could not read fails the stage (run as "nobody": root reads everything)', () => {
    write('a.ts', fn('a'));
    write('secret.ts', fn('secret'));
    if (asRoot) {
      chownSync(root, NOBODY, NOBODY);
      for (const name of readdirSync(root)) chownSync(join(root, name), NOBODY, NOBODY);
    }
    chmodSync(join(root, 'secret.ts'), 0o000);
    const script = `const { stage } = await import(${JSON.stringify(`file://${DIST}`)});
      console.log(JSON.stringify(await stage.run({ root: ${JSON.stringify(root)}, dryRun: true, quiet: true, io: {} })));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: root },
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      ok: false,
      summary: expect.stringMatching(/; not complete: 1 source file\(s\) could not be read$/),
    });
    expect(report.lines[0]).toMatch(/^not in the graph: secret\.ts \(cannot read: EACCES/);
  });
});
