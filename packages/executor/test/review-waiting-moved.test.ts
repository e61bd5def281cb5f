// An atom whose change waits for review keeps its node from being generated again even when it moved
// (a statement added above it): atomized again it has a new id — other lines, the same code — and a re-run
// that generated and applied it would leave its item pending over code the file no longer has.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createWorkspaceFiles,
  runAgentExecution,
} from '../src/index.js';
import { startFakeOpenAi } from './fake-openai.js';
import { makeWorkspace } from './workspace.js';

const ATOM = "export function one(x: number): number {\n  // TODO: one\n  throw new Error('TODO');\n}";
const ANSWER = '```ts\nexport function one(x: number): number {\n  return x + 1;\n}\n```';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('a re-run over an atom waiting for review that moved', () => {
  it('skips it as waiting (recognised by its code), and the item can still be approved', async () => {
    const ws = await makeWorkspace({ 'src/one.ts': `${ATOM}\n` });
    const server = await startFakeOpenAi(() => ANSWER);
    cleanup.push(ws.dispose, server.close);
    const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
    const node = (start: number) => ({
      id: `src/one.ts#L${start}-L${start + 3}@same`,
      path: 'src/one.ts',
      startLine: start,
      endLine: start + 3,
      code: ATOM,
    });
    const run = (start: number, reviewBelow: number) =>
      runAgentExecution({
        root: ws.root,
        graph: { nodes: [node(start)], edges: [] },
        agent,
        instruction: 'x',
        gates: false,
        reviewBelow,
      });
    const first = await run(1, 1);
    expect(first.nodes[node(1).id]!.change?.outcome).toBe('queued');
    const path = join(ws.root, 'src/one.ts');
    const moved = `export const K = 2;\n\n${ATOM}\n`;
    await writeFile(path, moved);
    const asked = server.requests.length;

    const again = await run(3, 0);
    expect(server.requests.length).toBe(asked);
    expect(again.alreadyDone[node(3).id]).toBe('waiting for review (r1, pending)');
    expect(again.nodes[node(3).id]!.change).toBeUndefined();
    expect(await readFile(path, 'utf8')).toBe(moved);

    const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
    const service = createReviewService({ queue, files: createWorkspaceFiles(ws.root) });
    expect(await service.approve('r1')).toMatchObject({ status: 'approved' });
    expect(await readFile(path, 'utf8')).toBe(
      'export const K = 2;\n\nexport function one(x: number): number {\n  return x + 1;\n}\n',
    );
  }, 60_000);
});
