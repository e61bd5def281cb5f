// A task's folder counts only its agents' records of that task: a record copied from another task
// would pass this task on that task's figures, and a copy of an agent's file would count it twice.
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectTaskMetrics, loadTelemetryDir, recordTelemetry, telemetryFileName } from '../src/index.js';

const byId = <T extends { id: string }>(list: T[]): Record<string, T> => Object.fromEntries(list.map((c) => [c.id, c]));

describe('telemetry files that are not this task’s record of their agent', () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'st3-misfiled-'));
    await recordTelemetry({ dir: join(root, 'TASK-0001'), agent: 'coder', taskId: 'TASK-0001' }, (c) => {
      c.fileRead('src/a.ts', 10);
      c.prompt(800, 1000);
      c.jsonParse('agent', true);
      c.warn('warning', 'stale excerpt');
    });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("another task's record is an error (located at task_id), not counted for this task", async () => {
    await mkdir(join(root, 'TASK-0002'));
    await copyFile(join(root, 'TASK-0001/telemetry-coder.json'), join(root, 'TASK-0002/telemetry-coder.json'));
    const { metrics, errors } = await collectTaskMetrics(join(root, 'TASK-0002'), 'TASK-0002');
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'E_TELEMETRY_MISFILED',
        file: join(root, 'TASK-0002/telemetry-coder.json'),
        line: 4, // "task_id"
        column: 3,
        message: expect.stringContaining("agent coder's telemetry of TASK-0001, not of TASK-0002"),
      }),
    ]);
    const c = byId(metrics.criteria);
    for (const id of ['file_reads_per_agent', 'prompt_size_savings', 'json_parse_failures'])
      expect(c[id], id).toMatchObject({ status: 'not measured', value: null });
    expect(metrics.verdict).toBe('incomplete');
    // Its own folder reads it; a lower-case id is the same task.
    expect((await collectTaskMetrics(join(root, 'TASK-0001'), 'task-0001')).errors).toEqual([]);
  });

  it("a copy of an agent's file under another name is an error, the agent counted once", async () => {
    await copyFile(join(root, 'TASK-0001/telemetry-coder.json'), join(root, 'TASK-0001/telemetry-coder-old.json'));
    const { records, sources, errors } = await loadTelemetryDir(join(root, 'TASK-0001'), { taskId: 'TASK-0001' });
    expect(sources).toEqual(['telemetry-coder.json']);
    expect(records).toHaveLength(1);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'E_TELEMETRY_MISFILED',
        file: join(root, 'TASK-0001/telemetry-coder-old.json'),
        message: expect.stringContaining("holds agent coder's telemetry, whose file is telemetry-coder.json"),
      }),
    ]);
    // The seed named the file after the agent as is: `telemetry-{agent}.json` for agent "qa bot" is its file.
    await recordTelemetry({ dir: join(root, 'TASK-0003'), agent: 'qa bot', taskId: 'TASK-0003' }, (c) =>
      c.fileRead('src/a.ts', 1),
    );
    await rename(join(root, 'TASK-0003', telemetryFileName('qa bot')), join(root, 'TASK-0003/telemetry-qa bot.json'));
    expect(await loadTelemetryDir(join(root, 'TASK-0003'), { taskId: 'TASK-0003' })).toMatchObject({
      sources: ['telemetry-qa bot.json'],
      errors: [],
    });
  });

  it("recording into another task's record is refused and the file left as it is", async () => {
    await mkdir(join(root, 'TASK-0002'));
    const file = join(root, 'TASK-0002/telemetry-coder.json');
    await copyFile(join(root, 'TASK-0001/telemetry-coder.json'), file);
    const before = await readFile(file, 'utf8');
    await expect(
      recordTelemetry({ dir: join(root, 'TASK-0002'), agent: 'coder', taskId: 'TASK-0002' }, (c) =>
        c.fileRead('src/b.ts', 1),
      ),
    ).rejects.toMatchObject({ code: 'E_TELEMETRY_MISFILED', file });
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});
