// One agent, one file: agent names that differ only in characters a file name cannot hold (`a b` and
// `a_b`, or two names in another script) were given the same telemetry file, and the second agent's
// figures were merged into the first one's (two agents judged as one, one of them gone).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectTaskMetrics, loadTelemetryDir, recordTelemetry, telemetryFileName } from '../src/index.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-agent-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readsOf = (agent: string, count: number) =>
  recordTelemetry({ dir, agent, taskId: 'TASK-0001' }, (c) => {
    for (let i = 0; i < count; i++) c.fileRead(`src/${agent}-${i}.ts`, 10);
  });

describe('telemetry file names', () => {
  it('are the agent name as is when it is safe, and different for different agents otherwise', () => {
    expect(telemetryFileName('implementer')).toBe('telemetry-implementer.json');
    expect(telemetryFileName('st3-tasks.v2_x')).toBe('telemetry-st3-tasks.v2_x.json');
    expect(telemetryFileName('a b')).toBe('telemetry-a%20b.json');
    expect(telemetryFileName('개발자')).toBe('telemetry-%EA%B0%9C%EB%B0%9C%EC%9E%90.json');
    const names = ['a b', 'a_b', 'a/b', 'a%20b', 'a%2520b', '개발자', '리뷰어', 'ü', '_', '%'];
    expect(new Set(names.map(telemetryFileName)).size).toBe(names.length);
  });

  it('two agents named in another script are two agents, each with its own reads', async () => {
    await readsOf('개발자', 3);
    await readsOf('리뷰어', 3);
    await readsOf('a b', 1);
    await readsOf('a_b', 2);
    expect((await readdir(dir)).filter((n) => n.startsWith('telemetry-')).sort()).toEqual(
      ['개발자', '리뷰어', 'a b', 'a_b'].map(telemetryFileName).sort(),
    );
    const { metrics, errors } = await collectTaskMetrics(dir, 'TASK-0001');
    expect(errors).toEqual([]);
    expect(metrics.measures!.agents.map((a) => [a.agent, a.file_reads])).toEqual([
      ['a b', 1],
      ['a_b', 2],
      ['개발자', 3],
      ['리뷰어', 3],
    ]);
  });

  it("a file written under the former name is still its agent's; another agent's figures are never added to it", async () => {
    await readsOf('a b', 2);
    // The name ST3 gave agent "a b"'s file before: telemetry-a_b.json.
    const legacy = join(dir, 'telemetry-a_b.json');
    await writeFile(legacy, await readFile(join(dir, telemetryFileName('a b')), 'utf8'));
    await rm(join(dir, telemetryFileName('a b')));
    expect(await loadTelemetryDir(dir, { taskId: 'TASK-0001' })).toMatchObject({
      sources: ['telemetry-a_b.json'],
      errors: [],
    });
    // Agent "a_b" writes to telemetry-a_b.json: it holds "a b"'s figures, which stay as they are.
    const before = await readFile(legacy, 'utf8');
    await expect(readsOf('a_b', 1)).rejects.toMatchObject({
      code: 'E_TELEMETRY_MISFILED',
      file: legacy,
      message: expect.stringContaining("is agent a b's telemetry, not a_b's"),
    });
    expect(await readFile(legacy, 'utf8')).toBe(before);
  });
});
