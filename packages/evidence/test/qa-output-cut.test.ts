// `st3 qa record -- <command>` whose output is larger than qa_output evidence may be (the review's
// ~17 MiB of tsc lines): the run is not measured, never the baseline, and no oversized log is left.
import { readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { processResult } from '@st3/process';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TASKS_CONFIG,
  initContext,
  qaRecordFailed,
  readContext,
  readQaRuns,
  runQa,
  type EvidenceWorkspace,
} from '../src/index.js';
import { EVIDENCE_LIMITS } from '../src/evidence/attach.js';
import { qaNotMeasured } from '../src/qa/measured.js';
import { keptOutput } from '../src/qa/output.js';
import { fixedClock, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

async function workspace(root: string): Promise<EvidenceWorkspace> {
  await mkdir(join(root, 'tasks'), { recursive: true });
  await writeFile(join(root, 'tasks/TASK-0061-qa.task.yaml'), completeTask('TASK-0061'));
  const ws = { root, config: DEFAULT_TASKS_CONFIG };
  await initContext(ws, 'TASK-0061', { worktree: 'skip', clock: fixedClock });
  return ws;
}

/** A node script printing ~17 MiB of tsc `--pretty false` error lines, exit 2 (as tsc with errors). */
const BIG_TSC = `
const line = (i) => \`src/file\${i % 100}.ts(\${(i % 500) + 1},5): error TS2322: Type 'string' is not assignable to type 'number'.\\n\`;
const out = []; let size = 0;
for (let i = 0; size < 17 * 1024 * 1024; i++) { const l = line(i); out.push(l); size += l.length; }
process.stdout.write(out.join(''), () => process.exit(2));
`;

describe('runQa: output over the qa_output limit', () => {
  it('~17 MiB of tsc lines: not measured (output cut), not the baseline, the kept log within the limit', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await writeFile(join(root, 'big-tsc.cjs'), BIG_TSC);
      const r = await runQa(ws, 'TASK-0061', {
        argv: [process.execPath, 'big-tsc.cjs'],
        command: 'tsc --noEmit --pretty false',
        kind: 'typecheck',
      });
      const limit = EVIDENCE_LIMITS.qa_output;
      expect(r.exitCode).toBe(2);
      expect(r.notMeasured).toMatch(new RegExp(`^output cut at ${limit} bytes \\(the command wrote \\d{8}\\)`));
      expect(r.notMeasured).toContain('--report FILE');
      expect(r.summary.headline).toBe(`not measured: ${r.notMeasured}`);
      // Never a count of the lines that happened to be kept.
      expect(r.summary.issues).toBeUndefined();
      expect(qaNotMeasured(r.summary)).toBe(r.notMeasured);
      expect(r.baseline).toBe(false);
      expect(qaRecordFailed(r)).toBe(true);
      expect((await readContext(ws, 'TASK-0061')).validation_baseline?.qa).toBeUndefined();
      expect(await readQaRuns(ws, 'TASK-0061')).toHaveLength(1);
      // The one log in qa/ is the attached evidence, within the limit.
      const qaDir = join(root, '.st3/tasks/TASK-0061/qa');
      const logs = (await readdir(qaDir)).filter((f) => f.endsWith('.log'));
      expect(logs).toHaveLength(1);
      const size = (await stat(join(qaDir, logs[0]!))).size;
      expect(size).toBeLessThanOrEqual(limit);
      expect(size).toBeGreaterThan(limit - 200);
      expect(r.evidence).toMatchObject({ type: 'qa_output', size });
    });
  }, 60_000);

  it('cut output of no format it can tell: E_QA_LOG_UNREADABLE naming the cut and where the kept log is', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const refused = runQa(ws, 'TASK-0061', {
        argv: [process.execPath, '-e', "process.stdout.write('hello world\\n'.repeat(1e6))"],
        command: 'hello',
      });
      await expect(refused).rejects.toMatchObject({
        code: 'E_QA_LOG_UNREADABLE',
        message: expect.stringContaining('(output cut at 10000000 bytes (the command wrote 12000000)'),
        hint: expect.stringMatching(/^pass --kind; .*its output is kept in .*\/qa\/run-.*\.log$/),
      });
      expect(await readQaRuns(ws, 'TASK-0061')).toEqual([]);
    });
  }, 60_000);
});

describe('keptOutput: a truncated run is cut whatever the limit', () => {
  const lines = 'a.ts(1,1): error TS1: x\n'.repeat(4);
  it('truncated by the runner, though within the limit: cut, at the runner cap', () => {
    const run = processResult({ stdout: lines, stdoutTruncated: true, truncated: true, stdoutBytes: 5000 });
    expect(keptOutput(run)).toEqual({
      text: lines,
      cut: expect.stringMatching(/^output cut at 96 bytes \(the command wrote 5000\)/),
    });
  });
  it('over the limit: cut at the last whole line within it; whole output within it: not cut', () => {
    const run = processResult({ stdout: lines, stdoutBytes: lines.length });
    expect(keptOutput(run, 50)).toEqual({
      text: 'a.ts(1,1): error TS1: x\n'.repeat(2),
      cut: expect.stringMatching(/^output cut at 50 bytes \(the command wrote 96\)/),
    });
    expect(keptOutput(run, 96)).toEqual({ text: lines });
  });
});
