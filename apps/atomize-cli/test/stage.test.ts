import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO } from '@st3/cli-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, stage } from '../src/index.js';

const dirs: string[] = [];
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

  it('lists its two verbs lazily', () => {
    expect(Object.keys(cli.commands)).toEqual(['atomize', 'complexity']);
  });
});
