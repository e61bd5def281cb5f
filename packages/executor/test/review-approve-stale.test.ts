// Approving an item whose file changed since it was queued: its checks were made on another text, so
// the merge is validated again (real tsc gate) and refused when it no longer passes — nothing written.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createScratchPool,
  createValidator,
  createWorkspaceFiles,
  runAgentExecution,
} from '../src/index.js';
import { startFakeOpenAi } from './fake-openai.js';
import { makeWorkspace, qualityYaml, TSCONFIG } from './workspace.js';

const ONE = `export function one(x: number): number {
  // TODO: one
  throw new Error('TODO');
}

export function helper(x: number): number {
  return x + 1;
}
`;
/** The agent's answer: `one` calls `helper` of the same file (its `var`, a detected issue, keeps it below 1: queued). */
const ANSWER = '```ts\nexport function one(x: number): number {\n  var r = helper(x);\n  return r;\n}\n```';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function queuedItem() {
  const ws = await makeWorkspace({
    'src/one.ts': ONE,
    'tsconfig.json': TSCONFIG,
    '.st3/config/quality.yaml': qualityYaml(),
  });
  const server = await startFakeOpenAi(() => ANSWER);
  cleanup.push(ws.dispose, server.close);
  const graph = {
    nodes: [{ id: 'one', path: 'src/one.ts', startLine: 1, endLine: 4, code: ONE.split('\n\n')[0]! }],
    edges: [],
  };
  const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
  const run = await runAgentExecution({
    root: ws.root,
    graph,
    agent,
    instruction: 'x',
    runId: 'run-1',
    reviewBelow: 1,
  });
  expect(run.nodes.one!.change?.outcome).toBe('queued');
  const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
  expect((await queue.get('r1')).checks?.gates).toEqual([{ id: 'tsc', status: 'passed', violations: 0 }]);
  const files = createWorkspaceFiles(ws.root);
  const pool = createScratchPool(ws.root, 1);
  cleanup.push(() => pool.dispose());
  const service = createReviewService({ queue, files, validator: createValidator({ root: ws.root, files, pool }) });
  const path = join(ws.root, 'src/one.ts');
  return { queue, service, path };
}

describe('review approve of an item whose file changed since it was queued', () => {
  it('the merge no longer passes the gates (a name it uses was renamed): refused, nothing written', async () => {
    const env = await queuedItem();
    const renamed = ONE.replace('function helper', 'function helperRenamed');
    await writeFile(env.path, renamed);
    await expect(env.service.approve('r1')).rejects.toMatchObject({
      code: 'E_VALIDATION_FAILED',
      message: expect.stringMatching(/changed since it was queued.*TS2304/s),
      hint: expect.stringContaining('st3 review regenerate r1'),
    });
    expect(await readFile(env.path, 'utf8')).toBe(renamed);
    expect(await env.queue.get('r1')).toMatchObject({ status: 'pending' });
    expect((await env.queue.get('r1')).applied).toBeUndefined();
  }, 120_000);

  it('the merge still passes (an unrelated line added): written, with the checks made now', async () => {
    const env = await queuedItem();
    await writeFile(env.path, `${ONE}\nexport const k = 1;\n`);
    const item = await env.service.approve('r1');
    expect(item).toMatchObject({ status: 'approved', applied: { sha256: expect.any(String) } });
    expect(item.checks?.gates).toEqual([{ id: 'tsc', status: 'passed', violations: 0 }]);
    expect(await readFile(env.path, 'utf8')).toContain('var r = helper(x);');
    expect(await readFile(env.path, 'utf8')).toContain('export const k = 1;');
  }, 120_000);
});
