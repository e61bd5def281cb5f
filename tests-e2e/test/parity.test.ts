import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, repoRoot, runSt3, withTempDir } from '../src/run-cli.js';

const suites = join(repoRoot, 'packages/scaffolder/parity-suites');

describe('st3 parity run', () => {
  // Output equivalence only: the speed verdict is a measurement, judged by `pnpm bench` (bench:parity-speed) and
  // by scaffold-parity-speed.test.ts on a template made slow on purpose; a loaded CI machine must not decide it.
  it('every built-in template passes its parity suite (v1 loose vs v2 schema-first)', async () => {
    const r = await runSt3(['parity', 'run', suites, '--no-speed', '--json']);
    const doc = json<{
      ok: boolean;
      suites: {
        name: string;
        ok: boolean;
        counts: Record<string, number>;
        cases: { id: string; category: string }[];
        timing: { ratio: { median: number } };
      }[];
    }>(r);
    const problems = doc.suites.flatMap((s) =>
      s.cases
        .filter((c) => c.category === 'fail' || c.category === 'regression')
        .map((c) => `${s.name}/${c.id}: ${c.category}`),
    );
    expect(problems).toEqual([]);
    expect(r.code).toBe(0);
    expect(doc.ok).toBe(true);
    const counts = Object.fromEntries(doc.suites.map((s) => [s.name, s.cases.length]));
    expect(counts.dto).toBe(10);
    for (const t of ['worker', 'tool', 'schema', 'service', 'generic', 'unit_test', 'integration_test'])
      expect(counts[t]).toBe(5);
    for (const t of ['research', 'planning', 'design', 'architecture', 'reference']) expect(counts[t]).toBe(3);
    expect(counts['edge-cases']).toBe(10);
    for (const s of doc.suites) expect(s.timing.ratio.median).toBeGreaterThan(0);
  });

  it('exits 1 with a diff when the two sides differ, and prints the categories', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'cases'));
      await writeFile(join(dir, 'suite.yaml'), 'name: stored\nrenderer: files\n');
      await writeFile(
        join(dir, 'cases', 'same.yaml'),
        'left:\n  a.py: "import b\\nimport a\\n"\nright:\n  a.py: "import a\\nimport b\\n"\n',
      );
      await writeFile(
        join(dir, 'cases', 'diff.yaml'),
        'left:\n  a.ts: "export const x = 1;\\n"\nright:\n  a.ts: "export const x = 2;\\n"\n',
      );
      const r = await runSt3(['parity', 'run', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(
        'FAIL        diff: a.ts: different at line 1: "export const x = 1;" vs "export const x = 2;"',
      );
      expect(r.stdout).toContain('+export const x = 2;');
      expect(r.stdout).toContain('PASS        same: equivalent (sort-imports-python)');
      expect(r.stdout).toMatch(/stored: 2 cases, 1 pass, 0 improvement, 0 regression, 1 fail/);
      const j = json(await runSt3(['parity', 'run', dir, '--json']));
      expect(j.counts).toEqual({ pass: 1, improvement: 0, regression: 0, fail: 1 });
    });
  });

  it('reports an invalid case file with its line (exit 2)', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'cases'));
      await writeFile(join(dir, 'cases', 'bad.yaml'), 'type: dto\nexpect: maybe\n');
      const r = await runSt3(['parity', 'run', dir, '--json']);
      expect(r.code).toBe(2);
      expect(json(r).error).toMatchObject({ code: 'E_CONFIG_INVALID', line: 2 });
    });
  });

  it('proves a template refactor equivalent (two template versions) and catches a real change', async () => {
    await withTempDir(async (dir) => {
      const original = await readFile(join(repoRoot, 'packages/scaffolder/templates/concrete/commit.txt.eta'), 'utf8');
      await mkdir(join(dir, 'ws/.st3/templates/concrete'), { recursive: true });
      await mkdir(join(dir, 'cases'));
      await writeFile(
        join(dir, 'suite.yaml'),
        'name: commit-refactor\nleft: { label: old, pipeline: v2 }\nright: { label: new, pipeline: v2, workspace: ws }\n',
      );
      await writeFile(
        join(dir, 'cases', 'feat.yaml'),
        'type: commit\nartifact_name: add parity\ncontext: { scope: parity, body: "Adds suites.", refs: ["#3"] }\n',
      );
      const refactored = original.replace('<%= it.name %>\n', '<%= it.name %>   \n');
      expect(refactored).not.toBe(original);
      await writeFile(join(dir, 'ws/.st3/templates/concrete/commit.txt.eta'), refactored);
      const same = await runSt3(['parity', 'run', dir, '--json']);
      expect(same.code).toBe(0);
      expect(json(same).cases[0]).toMatchObject({ category: 'pass', reason: 'equivalent (trailing-whitespace)' });
      await writeFile(
        join(dir, 'ws/.st3/templates/concrete/commit.txt.eta'),
        original.replace('Refs: ', 'References: '),
      );
      const changed = await runSt3(['parity', 'run', dir]);
      expect(changed.code).toBe(1);
      expect(changed.stdout).toContain('+References: #3');
    });
  });

  it('compares two files', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'a.ts'), "import { b, a } from 'x';\r\nexport {};\r\n");
      await writeFile(join(dir, 'b.ts'), "import { a, b } from 'x';\nexport {};\n");
      const r = await runSt3(['parity', 'compare', 'a.ts', 'b.ts', '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(json(r)).toMatchObject({ ok: true, kind: 'equivalent' });
      expect(json(r).rules.sort()).toEqual(['line-endings', 'sort-imports-ts']);
    });
  });

  it('compares bytes when a file is not UTF-8, and names a file it cannot read', async () => {
    await withTempDir(async (dir) => {
      // Decoded as UTF-8 both read "a\uFFFD": the bytes differ, so they are not identical.
      await writeFile(join(dir, 'l.bin'), Buffer.from([0x61, 0xfe, 0x0a]));
      await writeFile(join(dir, 'r.bin'), Buffer.from([0x61, 0xff, 0x0a]));
      const r = await runSt3(['parity', 'compare', 'l.bin', 'r.bin', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(json(r)).toMatchObject({ ok: false, kind: 'different', binary: { offset: 1 } });
      const text = await runSt3(['parity', 'compare', 'l.bin', 'r.bin'], { cwd: dir });
      expect(text.stdout).toContain('different bytes from offset 1 (line 1): not UTF-8 text');
      await mkdir(join(dir, 'folder'));
      const folder = await runSt3(['parity', 'compare', 'folder', 'r.bin', '--json'], { cwd: dir });
      expect(folder.code).toBe(3);
      expect(json(folder).error).toMatchObject({ code: 'E_FILE_READ', file: 'folder' });
      const missing = await runSt3(['parity', 'compare', 'l.bin', 'nope.bin', '--json'], { cwd: dir });
      expect(missing.code).toBe(2);
      expect(json(missing).error).toMatchObject({ code: 'E_FILE_NOT_FOUND', file: 'nope.bin' });
    });
  });
});
