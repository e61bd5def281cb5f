// A rejected item whose node a later `st3 execute` regenerated, validated and applied keeps its status
// (it was rejected), but `st3 review list|show` say it is superseded and by which run, so the list never
// implies the node's code is the rejected one. Through the built st3-graph binary against a fake server.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { st3Graph as st3 } from './run-bin.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../../packages/executor/test/fake-openai.js';

const TODO = "export function one(x: number): number {\n  // TODO: one\n  throw new Error('TODO');\n}\n";
const FIRST = '```ts\nexport function one(x: number): number {\n  return x + 2;\n}\n```';
const SECOND = '```ts\nexport function one(x: number): number {\n  return x + 1;\n}\n```';

let server: FakeOpenAi | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('st3 review list of a rejected item whose node a later run applied', () => {
  it('marks it superseded by that run (text and JSON, list and show); the reviewer feedback stays', async () => {
    server = await startFakeOpenAi((_body, index) => (index === 0 ? FIRST : SECOND));
    const dir = await mkdtemp(join(tmpdir(), 'st3-review-superseded-'));
    dirs.push(dir);
    await mkdir(join(dir, 'src'), { recursive: true });
    await mkdir(join(dir, '.st3'), { recursive: true });
    await writeFile(join(dir, 'src/one.ts'), TODO);
    const agent = ['--agent-url', server.url, '--agent-model', 'm', '--instruction', 'Implement it.'];
    expect((await st3(dir, ['execute', 'src', ...agent, '--review-below', '1'])).code).toBe(0);
    expect((await st3(dir, ['review', 'reject', 'r1', '--feedback', 'add one, not two'])).code).toBe(0);
    // Before any run: rejected and nothing more (the next run regenerates it).
    expect((await st3(dir, ['review', 'list'])).stdout).not.toContain('superseded');
    expect(JSON.parse((await st3(dir, ['review', 'list', '--json'])).stdout).items[0]).not.toHaveProperty(
      'supersededBy',
    );

    const second = await st3(dir, ['execute', 'src', ...agent, '--review-below', '0', '--json']);
    expect(second.code, second.stderr).toBe(0);
    const runId = (JSON.parse(second.stdout) as { runId: string }).runId;
    expect(await readFile(join(dir, 'src/one.ts'), 'utf8')).toContain('return x + 1;');

    const items = JSON.parse((await st3(dir, ['review', 'list', '--json'])).stdout).items;
    expect(items).toEqual([
      expect.objectContaining({
        id: 'r1',
        status: 'rejected',
        feedback: 'add one, not two',
        code: expect.stringContaining('x + 2'),
        supersededBy: { runId, at: expect.any(String), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      }),
    ]);
    const line = new RegExp(`^r1 +rejected .* — superseded: its node was regenerated and applied by ${runId} \\(`, 'm');
    expect((await st3(dir, ['review', 'list'])).stdout).toMatch(line);
    const show = await st3(dir, ['review', 'show', 'r1']);
    expect(show.stdout).toMatch(line);
    expect(show.stdout).toContain('feedback: add one, not two');
    expect(JSON.parse((await st3(dir, ['review', 'show', 'r1', '--json'])).stdout).item.supersededBy).toMatchObject({
      runId,
    });
    // Nothing is left to decide on it, and the hint says so (not "the next run regenerates it").
    const approve = await st3(dir, ['review', 'approve', 'r1']);
    expect(approve.code).toBe(2);
    expect(approve.stderr).toContain(
      `nothing is left to decide on r1: superseded: its node was regenerated and applied by ${runId}`,
    );
  }, 120_000);
});
