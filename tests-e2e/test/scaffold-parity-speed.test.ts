import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, repoRoot, runSt3, withTempDir } from '../src/run-cli.js';

describe('st3 parity run: speed is a verdict', () => {
  it('fails a suite whose right side renders several times slower, exit 1, naming the ratio', async () => {
    await withTempDir(async (dir) => {
      // the right side's commit template burns CPU on every render: same output, much slower
      const original = await readFile(join(repoRoot, 'packages/scaffolder/templates/concrete/commit.txt.eta'), 'utf8');
      await mkdir(join(dir, 'ws/.st3/templates/concrete'), { recursive: true });
      await writeFile(
        join(dir, 'ws/.st3/templates/concrete/commit.txt.eta'),
        original.replace(/\*\/%>\n/, '*/%>\n<% let spin = 0; for (let i = 0; i < 300000; i++) spin += i % 7; %>\n'),
      );
      await mkdir(join(dir, 'cases'));
      await writeFile(
        join(dir, 'suite.yaml'),
        'name: slow-right\nleft: { label: old, pipeline: v2 }\nright: { label: new, pipeline: v2, workspace: ws }\n',
      );
      await writeFile(
        join(dir, 'cases', 'feat.yaml'),
        'type: commit\nartifact_name: add check\ncontext: { type: feat }\n',
      );
      const r = await runSt3(['parity', 'run', dir, '--samples', '200', '--json']);
      expect(r.code, r.stderr).toBe(1);
      const report = json(r);
      expect(report.counts).toEqual({ pass: 1, improvement: 0, regression: 0, fail: 0 });
      expect(report.speed).toMatchObject({ status: 'fail', thresholds: { median: 1.2, p95: 1.3 } });
      expect(report.speed.ratio.median).toBeGreaterThan(2);
      const text = await runSt3(['parity', 'run', dir, '--samples', '200']);
      expect(text.stdout).toMatch(
        /^speed: FAIL \(wall time, \d+ renders per side(, confirmed)?\): slower than allowed: median/m,
      );
      const skipped = json(await runSt3(['parity', 'run', dir, '--no-speed', '--json']));
      expect(skipped.speed).toMatchObject({ status: 'skipped', reason: '--no-speed' });
      expect(skipped.ok).toBe(true);
    });
  });
});
