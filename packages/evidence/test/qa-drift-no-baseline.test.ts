// `qa drift` of a task where one command has a baseline and another's runs measured nothing (so it
// has none): the first is still judged, the second is listed as not judged, and never as a pass.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TASKS_CONFIG,
  initContext,
  qaDrift,
  qaTaskDrift,
  recordQa,
  type EvidenceWorkspace,
} from '../src/index.js';
import { fixedClock, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const SAMPLE = '/tmp/qa-sample';
const fixture = (name: string) => readFile(new URL(`./fixtures/qa/${name}`, import.meta.url), 'utf8');

/** TASK-0061 with a measured vitest run (its baseline) and a tsc run that exited 2 with an empty log. */
async function workspace(root: string): Promise<EvidenceWorkspace> {
  await mkdir(join(root, 'tasks'), { recursive: true });
  await writeFile(join(root, 'tasks/TASK-0061-qa.task.yaml'), completeTask('TASK-0061'));
  const ws = { root, config: DEFAULT_TASKS_CONFIG };
  await initContext(ws, 'TASK-0061', { worktree: 'skip', clock: fixedClock });
  await writeFile(join(root, 'v.json'), (await fixture('vitest-10-passed.json')).replaceAll(SAMPLE, root));
  await writeFile(join(root, 'tsc.log'), '');
  await recordQa(ws, 'TASK-0061', { command: 'vitest run', exitCode: 0, durationMs: 1, log: 'v.json' });
  const tsc = await recordQa(ws, 'TASK-0061', {
    command: 'tsc -p b',
    kind: 'typecheck',
    exitCode: 2,
    durationMs: 1,
    log: 'tsc.log',
  });
  expect(tsc).toMatchObject({ baseline: false, notMeasured: expect.stringContaining('exited with code 2') });
  return ws;
}

describe('qa drift: a command without a baseline does not hide the others', () => {
  it('qaTaskDrift judges the command with a baseline and lists the other in noBaseline, with why', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const { reports, noBaseline } = await qaTaskDrift(ws, 'TASK-0061');
      expect(reports).toEqual([expect.objectContaining({ key: 'test:vitest run', regression: false })]);
      expect(noBaseline).toEqual([
        {
          key: 'typecheck:tsc -p b',
          current: expect.objectContaining({ exit_code: 2, headline: expect.stringMatching(/^not measured: /) }),
          reason: expect.stringMatching(/^not measured — its latest run measured nothing \(it exited with code 2/),
        },
      ]);
      // One command asked for: judged alone; the one without a baseline alone is E_QA_NO_BASELINE.
      const only = await qaTaskDrift(ws, 'TASK-0061', { key: 'test:vitest run' });
      expect(only).toMatchObject({ reports: [{ key: 'test:vitest run' }], noBaseline: [] });
      await expect(qaTaskDrift(ws, 'TASK-0061', { key: 'typecheck:tsc -p b' })).rejects.toMatchObject({
        code: 'E_QA_NO_BASELINE',
      });
    });
  });

  it('qaDrift, which has no place for it, still refuses rather than return a list without it', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await expect(qaDrift(ws, 'TASK-0061')).rejects.toMatchObject({
        code: 'E_QA_NO_BASELINE',
        message: expect.stringContaining('"typecheck:tsc -p b"'),
      });
    });
  });
});
