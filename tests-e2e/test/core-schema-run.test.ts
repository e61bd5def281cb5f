import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, repoRoot, runSt3, withTempDir } from '../src/run-cli.js';

describe('st3 schema', () => {
  it('exports the same JSON Schemas the package ships', async () => {
    await withTempDir(async (dir) => {
      const r = await runSt3(['schema', 'export', '--out', 'out', '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      const doc = json(r);
      expect(doc.ok).toBe(true);
      const written = (await readdir(join(dir, 'out'))).sort();
      const shipped = (await readdir(join(repoRoot, 'packages', 'schemas', 'json'))).sort();
      expect(written).toEqual(shipped);
      for (const name of written) {
        expect(await readFile(join(dir, 'out', name), 'utf8')).toBe(
          await readFile(join(repoRoot, 'packages', 'schemas', 'json', name), 'utf8'),
        );
      }
    });
  });

  it('defaults to .st3/schemas and lists kinds', async () => {
    await withTempDir(async (dir) => {
      expect((await runSt3(['schema', 'export'], { cwd: dir })).code).toBe(0);
      expect(await readdir(join(dir, '.st3', 'schemas'))).toContain('quality.schema.json');
      const list = await runSt3(['schema', 'list', '--json']);
      expect(json(list).kinds.map((k: { name: string }) => k.name)).toContain('task');
      const show = await runSt3(['schema', 'show', 'violation']);
      expect(JSON.parse(show.stdout).required).toEqual([
        'file',
        'line',
        'col',
        'rule',
        'message',
        'severity',
        'fixable',
      ]);
    });
  });

  it('rejects an unknown subcommand or kind with exit 2', async () => {
    expect((await runSt3(['schema', 'import'])).code).toBe(2);
    expect((await runSt3(['schema', 'show', 'nope'])).code).toBe(2);
  });
});

describe('st3 run', () => {
  it('validates the workspace config and lists every stage in order (JSON)', async () => {
    await withTempDir(async (dir) => {
      await cp(join(repoRoot, 'examples', '.st3'), join(dir, '.st3'), { recursive: true });
      const r = await runSt3(['run', '--json', '--only', 'config'], { cwd: dir });
      expect(r.code).toBe(0);
      const doc = json(r);
      expect(doc).toMatchObject({ ok: true, root: dir, workspace: 'ancestor' });
      expect(doc.stages).toHaveLength(1);
      expect(doc.stages[0]).toMatchObject({ stage: 'config', ok: true });
      expect(doc.stages[0].data.files.length).toBeGreaterThanOrEqual(4);
    });
  });

  it('runs the area stages after config, in order, each reported', async () => {
    await withTempDir(async (dir) => {
      await cp(join(repoRoot, 'examples', '.st3'), join(dir, '.st3'), { recursive: true });
      const r = await runSt3(['run', '--json', '--dry-run', '--cwd', dir]);
      const doc = json(r);
      expect(doc.stages.map((s: { stage: string }) => s.stage)).toEqual([
        'config',
        'scaffold',
        'gates',
        'atomize',
        'graph',
        'tasks',
        'execute',
        'metrics',
      ]);
      for (const s of doc.stages) expect(typeof s.summary).toBe('string');
      // No source file: the gates stage checked nothing, so it is skipped (said), never a pass.
      expect(doc.stages.find((s: { stage: string }) => s.stage === 'gates')).toMatchObject({
        ok: true,
        skipped: true,
        summary: expect.stringContaining('nothing was checked'),
      });
      expect(r.code).toBe(doc.ok ? 0 : 1);
    });
  }, 120_000);

  it('exits 2 with line:col when the workspace config is invalid', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3', 'config'), { recursive: true });
      await writeFile(join(dir, '.st3', 'config', 'artifacts.yaml'), 'artifact_types:\n  - type_id: 3\n');
      const r = await runSt3(['run', '--only', 'config'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('1 of 1 file(s) invalid');
      expect(r.stdout).toMatch(/artifacts\.yaml: \d+ error\(s\): 2:5 /);
    });
  });

  it('uses the repository examples/ when no .st3/ is found, and --cwd without .st3/ is an error', async () => {
    // Not under the system temp folder: a stray /tmp/.st3 (made by any tool) would count as a workspace.
    const dir = await mkdtemp(join(repoRoot, 'tests-e2e', '.tmp-run-'));
    try {
      const r = await runSt3(['run', '--only', 'config'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('using the example workspace');
      expect(r.stdout).toContain(join(repoRoot, 'examples'));
      const bad = await runSt3(['run', '--cwd', dir, '--json']);
      expect(bad.code).toBe(2);
      expect(json(bad)).toMatchObject({ ok: false, error: { code: 'E_CONFIG_INVALID' } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown stage name', async () => {
    const r = await runSt3(['run', '--only', 'deploy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown stage "deploy"');
  });
});
