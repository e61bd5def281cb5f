import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  attachEvidence,
  DEFAULT_TASKS_CONFIG,
  initContext,
  qaCoverage,
  recordQa,
  type EvidenceWorkspace,
} from '../src/index.js';
import { fixedClock, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

// tsc --pretty false of one error.
const TSC_LOG = "a/x.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.\n";

async function workspace(root: string): Promise<EvidenceWorkspace> {
  await mkdir(join(root, 'tasks'), { recursive: true });
  const pipeline =
    '    - id: val-001\n      command: tsc -p a --noEmit\n' + '    - id: val-002\n      command: tsc -p b --noEmit\n';
  await writeFile(join(root, 'tasks/TASK-0060-two.task.yaml'), completeTask('TASK-0060', pipeline));
  const ws = { root, config: DEFAULT_TASKS_CONFIG };
  await initContext(ws, 'TASK-0060', { worktree: 'skip', clock: fixedClock });
  return ws;
}

describe('QA coverage of runs that share a log (attachments dedupe by content)', () => {
  it('a command whose own run measured nothing is not covered by another command’s run with the same bytes', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      // tsc prints nothing when clean, and nothing on stdout when it crashes: both logs are empty.
      await writeFile(join(root, 'a.log'), '');
      await writeFile(join(root, 'b.log'), '');
      const a = await recordQa(ws, 'TASK-0060', {
        command: 'tsc -p a --noEmit',
        exitCode: 0,
        durationMs: 5,
        log: 'a.log',
        kind: 'typecheck',
      });
      const b = await recordQa(ws, 'TASK-0060', {
        command: 'tsc -p b --noEmit',
        exitCode: 2,
        durationMs: 5,
        log: 'b.log',
        kind: 'typecheck',
      });
      expect(b.evidence.id).toBe(a.evidence.id);
      expect(b.notMeasured).toBeDefined();
      const coverage = await qaCoverage(ws, 'TASK-0060');
      expect(coverage).toMatchObject({ expected: 2, covered: 1, uncovered: ['val-002'] });
      expect(coverage.commands[0]!.covered_by).toEqual([a.evidence.id]);
      expect(coverage.commands[1]).toMatchObject({
        covered_by: [],
        not_measured: [{ evidence_id: a.evidence.id, reason: expect.stringContaining('exited with code 2') }],
      });
    });
  });

  it('a QA run whose log was attached before as a plain log covers its command', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await writeFile(join(root, 'tsc.txt'), TSC_LOG);
      const log = await attachEvidence(ws, 'TASK-0060', { type: 'log', source: 'tsc.txt', description: 'tsc log' });
      const run = await recordQa(ws, 'TASK-0060', {
        command: 'tsc -p a --noEmit',
        exitCode: 1,
        durationMs: 5,
        log: 'tsc.txt',
      });
      // The same bytes: the run's evidence is the log attached before, still of type log.
      expect(run.evidence).toMatchObject({ id: log.entry.id, type: 'log' });
      const coverage = await qaCoverage(ws, 'TASK-0060');
      expect(coverage).toMatchObject({ expected: 2, covered: 1, uncovered: ['val-002'] });
      expect(coverage.commands[0]!.covered_by).toEqual([log.entry.id]);
    });
  });
});
