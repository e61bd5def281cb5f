import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample } from '../src/example.js';
import { json, runSt3 } from '../src/run-cli.js';

/** Files of the workspace, less git's own and the caches the gate tools keep (mypy, Python bytecode). */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const toolCache = /(^|\/)(\.git|\.mypy_cache|__pycache__|\.pytest_cache)(\/|$)/;
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((f) => !toolCache.test(f))
    .sort();
}

describe('st3 run on the example workspace (what pnpm start does)', () => {
  it('runs every stage green, and --dry-run writes nothing', async () => {
    const dir = await copyExample();
    try {
      const before = await listFiles(dir);
      const dry = await runSt3(['run', '--dry-run', '--json', '--cwd', dir]);
      const dryDoc = json(dry);
      expect(dryDoc.stages.map((s: { stage: string }) => s.stage)).toEqual([
        'config',
        'scaffold',
        'gates',
        'atomize',
        'graph',
        'tasks',
        'execute',
        'metrics',
      ]);
      // ST3 writes nothing on a dry run (the gate tools still keep their own caches).
      expect(await listFiles(dir)).toEqual(before);

      const r = await runSt3(['run', '--json', '--cwd', dir]);
      const doc = json(r);
      const failed = doc.stages
        .filter((s: { ok: boolean }) => !s.ok)
        .map((s: { stage: string; summary: string }) => `${s.stage}: ${s.summary}`);
      expect(failed).toEqual([]);
      expect(r.code).toBe(0);
      // The example agent implemented the TODO atoms in a scratch copy, validated with the gates.
      expect(doc.stages.find((s: { stage: string }) => s.stage === 'execute').summary).toMatch(
        /^2 TODO atom\(s\) to agent "example": 2 applied, 0 queued for review, 0 failed/,
      );
      expect(doc.ok).toBe(true);
      const gates = doc.stages.find((s: { stage: string }) => s.stage === 'gates');
      expect(gates.data.gates.map((g: { id: string; status: string }) => `${g.id}:${g.status}`)).toEqual([
        'tsc:passed',
        'eslint:passed',
        'pyright:passed',
      ]);
      const after = await listFiles(dir);
      expect(after).toContain('.st3/metrics/dashboard/index.html');
      // The run's own telemetry reaches the dashboard the metrics stage links.
      expect(after).toContain('.st3/telemetry/telemetry-st3-run.json');
      const dashboard = JSON.parse(await readFile(join(dir, '.st3/metrics/dashboard/dashboard.json'), 'utf8'));
      expect(dashboard.gateDurations.map((g: { label: string }) => g.label).sort()).toEqual([
        'eslint',
        'pyright',
        'tsc',
      ]);
      expect(dashboard.atomizer.files).toBeGreaterThan(0);
      // The tasks stage keeps the example task's context and telemetry: its five criteria are on the dashboard.
      // TASK-0002 is there too: the execute stage attached its patch as diff evidence (no telemetry: not measured).
      expect(dashboard.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(['TASK-0001', 'TASK-0002']);
      expect(dashboard.tasks[1].criteria[0]).toMatchObject({ value: null, status: 'not measured' });
      expect(dashboard.tasks[0].criteria.map((c: { id: string }) => c.id)).toEqual([
        'file_reads_per_agent',
        'repeated_warnings',
        'qa_artifact_coverage',
        'prompt_size_savings',
        'json_parse_failures',
      ]);
      expect(dashboard.tasks[0].criteria[0]).toMatchObject({ value: 1, target_met: true });
      expect(doc.stages.at(-1).summary).toContain('.st3/metrics/dashboard/index.html');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
