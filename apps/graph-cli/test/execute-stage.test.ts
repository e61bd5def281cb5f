import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryIO } from '@st3/cli-kit';
import { copyWorkspace } from '@st3/executor';
import { executeStage } from '../src/index.js';

const examples = resolve(dirname(fileURLToPath(import.meta.url)), '../../../examples');

describe("st3 run's agent stage on the example workspace", () => {
  it('implements the TODO atoms with the example agent in a scratch copy, gated, and records the patch as evidence', async () => {
    const root = await mkdtemp(join(tmpdir(), 'st3-stage-'));
    try {
      await copyWorkspace(examples, root);
      const pricing = await readFile(join(root, 'src/pricing.ts'), 'utf8');
      const { io } = memoryIO({ cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
      const report = await executeStage.run({ root, io, dryRun: false, quiet: true });
      expect(report.ok, JSON.stringify(report, null, 2)).toBe(true);
      expect(report.summary).toMatch(
        /^2 TODO atom\(s\) to agent "example": 2 applied, 0 queued for review, 0 failed; validated with the workspace gates/,
      );
      expect(report.summary).toContain('evidence');
      const lines = (report.lines ?? []).join('\n');
      expect(lines).toMatch(
        /applied src\/pricing.ts:\d+-\d+ after 1 attempt\(s\).*gates tsc passed, eslint passed, pyright skipped/,
      );
      expect(lines).toMatch(/applied py\/shop\/tax.py:\d+-\d+ after 1 attempt\(s\).*gates .*pyright passed/);
      // The workspace keeps its TODOs: the agents worked on a scratch copy.
      expect(await readFile(join(root, 'src/pricing.ts'), 'utf8')).toBe(pricing);
      const index = JSON.parse(await readFile(join(root, '.st3/tasks/TASK-0002/evidence/index.json'), 'utf8'));
      const diff = index.entries.find((e: { type: string }) => e.type === 'diff');
      expect(diff).toBeDefined();
      expect(diff.description).toMatch(/^changes made by the agents in run run-/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 300_000);
});
