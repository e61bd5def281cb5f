/// <reference lib="dom" />
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions, haveChromium } from '@st3/tooling/browser';
import type { GraphInput } from '@st3/schemas';
import {
  createAgentRunner,
  createFileRunStore,
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createValidator,
  createWorkspaceFiles,
  execute,
  priorOutcomes,
  startReviewServer,
  unifiedDiff,
} from '../src/index.js';
import { startFakeOpenAi } from './fake-openai.js';
import { makeWorkspace } from './workspace.js';

const CALC = `export function add(a: number, b: number): number {
  // TODO: return the sum
  throw new Error('TODO');
}

export function mul(a: number, b: number): number {
  // TODO: return the product
  throw new Error('TODO');
}
`;
const lines = (s: number, e: number) =>
  CALC.split('\n')
    .slice(s - 1, e)
    .join('\n');
const graph: GraphInput = {
  nodes: [
    { id: 'add', path: 'src/calc.ts', startLine: 1, endLine: 4, code: lines(1, 4) },
    { id: 'mul', path: 'src/calc.ts', startLine: 6, endLine: 9, code: lines(6, 9) },
  ],
  edges: [],
};

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe.skipIf(!haveChromium)('the review page in a real browser', () => {
  it('lists the queue; Approve writes the file; Reject then execute regenerates with the feedback; Edit applies', async () => {
    const ws = await makeWorkspace({ 'src/calc.ts': CALC });
    cleanup.push(ws.dispose);
    const server = await startFakeOpenAi((body) => {
      const prompt = body.messages[1]!.content;
      if (prompt.includes('lines 1-'))
        return '```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```';
      if (prompt.includes('use multiplication'))
        return '```ts\nexport function mul(a: number, b: number): number {\n  return a * b;\n}\n```';
      return '```ts\nexport function mul(a: number, b: number): number {\n  return a + b;\n}\n```';
    });
    cleanup.push(server.close);
    const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
    const runsDir = join(ws.root, '.st3', 'runs');
    /** One `st3 execute`: every result goes to review (threshold above any confidence). */
    const run = async (runId: string) => {
      const files = createWorkspaceFiles(ws.root);
      const prior = await priorOutcomes(runsDir, queue);
      const runner = createAgentRunner({
        agent: createOpenAiAgent({ baseUrl: server.url, model: 'coder' }),
        instruction: 'Implement the TODO.',
        files,
        validator: createValidator({ root: ws.root, files, gates: false }),
        runId,
        queue,
        reviewBelow: 1.01,
        graph,
        reviewerFeedback: Object.fromEntries(Object.entries(prior.feedback).map(([k, v]) => [k, v])),
      });
      return execute(graph, runner, {
        runId,
        store: createFileRunStore(runsDir),
        done: prior.done,
        backoff: { baseMs: 1 },
      });
    };
    const first = await run('run-1');
    expect(first.status, JSON.stringify(first.nodes)).toBe('succeeded');
    expect((await queue.list()).map((i) => i.nodeId).sort()).toEqual(['add', 'mul']);

    const files = createWorkspaceFiles(ws.root);
    const service = createReviewService({
      queue,
      files,
      validator: createValidator({ root: ws.root, files, gates: false }),
    });
    const review = await startReviewServer({ service, root: ws.root });
    cleanup.push(review.close);

    const { chromium: launcher } = await import('playwright-core');
    const browser = await launcher.launch(chromiumLaunchOptions());
    cleanup.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(review.url);
    await page.locator('#queue tbody tr').nth(1).waitFor();
    expect(await page.locator('#queue tbody tr').count()).toBe(2);
    await expect.poll(() => page.locator('#stats').textContent(), { timeout: 30_000 }).toContain('2 item(s)');

    const open = async (nodeFile: string, linesText: string) => {
      await page.locator('#queue tbody tr', { hasText: `${nodeFile}:${linesText}` }).click();
      await page.locator('#title', { hasText: `${nodeFile}:${linesText}` }).waitFor();
    };
    // Approve the add item: its change goes into the file.
    const addItem = (await queue.list()).find((i) => i.nodeId === 'add')!;
    await page.locator('#queue tbody tr', { hasText: addItem.id }).click();
    await page.locator('#title', { hasText: addItem.id }).waitFor();
    expect(await page.locator('#code .tok-kw').first().textContent()).toBe('export');
    expect(await page.locator('#diff td.add').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByRole('button', { name: 'Apply and approve' }).click();
    await expect.poll(async () => (await queue.get(addItem.id)).status, { timeout: 30_000 }).toBe('approved');
    expect(await readFile(join(ws.root, 'src/calc.ts'), 'utf8')).toContain('  return a + b;\n}\n\nexport function mul');

    // Reject the wrong mul with feedback; the next execute regenerates it with that feedback.
    const mulItem = (await queue.list()).find((i) => i.nodeId === 'mul')!;
    await page.locator('#queue tbody tr', { hasText: mulItem.id }).click();
    await page.locator('#title', { hasText: mulItem.id }).waitFor();
    await page.getByRole('button', { name: 'Reject', exact: true }).click();
    await page.locator('#dlg-reject textarea').fill('use multiplication, not addition');
    await page.getByRole('button', { name: 'Reject with feedback' }).click();
    await expect.poll(async () => (await queue.get(mulItem.id)).status, { timeout: 30_000 }).toBe('rejected');
    const before = server.requests.length;
    const second = await run('run-2');
    expect(second.nodes.add).toMatchObject({ status: 'succeeded', alreadyDone: expect.stringContaining('approved') });
    const regenerated = server.requests.slice(before);
    expect(regenerated).toHaveLength(1);
    expect(regenerated[0]!.body.messages[1]!.content).toContain(
      '## Reviewer feedback on an earlier version\n\nuse multiplication, not addition',
    );
    // The same item came back (one item per node), pending with the new code.
    expect(await queue.list()).toHaveLength(2);
    expect(await queue.get(mulItem.id)).toMatchObject({ status: 'pending', code: expect.stringContaining('a * b') });

    // Edit: the reviewer's code is validated and written.
    await page.reload();
    await open('src/calc.ts', '5-7');
    // A broken edit is refused with its reason and writes nothing.
    const unchanged = await readFile(join(ws.root, 'src/calc.ts'), 'utf8');
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page
      .locator('#dlg-edit textarea')
      .fill('export function mul(a: number, b: number): number {\n  return a *;\n}');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await page.locator('#toast.error', { hasText: 'E_REVIEW_INVALID_EDIT' }).waitFor();
    expect(await readFile(join(ws.root, 'src/calc.ts'), 'utf8')).toBe(unchanged);
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page
      .locator('#dlg-edit textarea')
      .fill('export function mul(a: number, b: number): number {\n  return Math.imul(a, b);\n}');
    await page.getByRole('button', { name: 'Save and apply' }).click();
    await expect.poll(async () => (await queue.get(mulItem.id)).status, { timeout: 30_000 }).toBe('approved');
    expect(await readFile(join(ws.root, 'src/calc.ts'), 'utf8')).toBe(
      'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport function mul(a: number, b: number): number {\n  return Math.imul(a, b);\n}\n',
    );
    await page.locator('#toast', { hasText: 'edited, validated and written' }).waitFor();

    // The one refused edit is logged by the browser itself (a 422 response); nothing else.
    expect(problems).toEqual([
      'Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
    ]);
    expect(requests.length).toBeGreaterThan(5);
    for (const url of requests) expect(new URL(url).hostname).toBe('127.0.0.1');
  }, 120_000);
  it('marks a rejected item that a later run regenerated and applied as superseded, naming the run', async () => {
    const ws = await makeWorkspace({ 'src/calc.ts': CALC });
    cleanup.push(ws.dispose);
    const server = await startFakeOpenAi(
      () => '```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```',
    );
    cleanup.push(server.close);
    const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
    const runsDir = join(ws.root, '.st3', 'runs');
    const one: GraphInput = { nodes: graph.nodes.slice(0, 1), edges: [] };
    const run = async (runId: string, reviewBelow: number) => {
      const files = createWorkspaceFiles(ws.root);
      const prior = await priorOutcomes(runsDir, queue);
      const runner = createAgentRunner({
        agent: createOpenAiAgent({ baseUrl: server.url, model: 'coder' }),
        instruction: 'Implement the TODO.',
        files,
        validator: createValidator({ root: ws.root, files, gates: false }),
        runId,
        queue,
        reviewBelow,
        graph: one,
        reviewerFeedback: prior.feedback,
      });
      return execute(one, runner, {
        runId,
        store: createFileRunStore(runsDir),
        done: prior.done,
        backoff: { baseMs: 1 },
      });
    };
    await run('run-1', 1.01);
    await queue.reject('r1', { feedback: 'not like that' });
    expect((await run('run-2', 0)).nodes.add!.change!.outcome).toBe('applied');

    const files = createWorkspaceFiles(ws.root);
    const review = await startReviewServer({ service: createReviewService({ queue, files }), root: ws.root });
    cleanup.push(review.close);
    const { chromium: launcher } = await import('playwright-core');
    const browser = await launcher.launch(chromiumLaunchOptions());
    cleanup.push(() => browser.close());
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(review.url);
    const row = page.locator('#queue tbody tr', { hasText: 'r1' });
    await row.locator('.badge.superseded').waitFor();
    expect(await row.locator('.badge').allTextContents()).toEqual(['rejected', 'superseded']);
    expect(await row.locator('.badge.superseded').getAttribute('title')).toMatch(
      /^superseded: its node was regenerated and applied by run-2 \(/,
    );
    await row.click();
    await page.locator('#meta', { hasText: 'applied by run-2' }).waitFor();
    expect(await page.locator('#meta').textContent()).toContain('feedback: not like that');
    // Its `applied` is run-2's write, not its own code: never "written to".
    expect(await page.locator('#checks').textContent()).not.toContain('written to');
    expect(await page.locator('#checks').textContent()).toContain('applied by run-2');
    expect(problems).toEqual([]);
  }, 120_000);

  it('marks an approved item whose code was reverted since as `st3 review list` does, never just "written to"', async () => {
    const ws = await makeWorkspace({ 'src/calc.ts': CALC });
    cleanup.push(ws.dispose);
    const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
    const added = lines(1, 4).replace("  // TODO: return the sum\n  throw new Error('TODO');", '  return a + b;');
    await queue.add({
      nodeId: 'add',
      file: 'src/calc.ts',
      startLine: 1,
      endLine: 3,
      code: added,
      confidence: 0.5,
      originalCode: lines(1, 4),
      patch: unifiedDiff('src/calc.ts', CALC, CALC.replace(lines(1, 4), added)),
    });
    const files = createWorkspaceFiles(ws.root);
    const review = await startReviewServer({ service: createReviewService({ queue, files }), root: ws.root });
    cleanup.push(review.close);
    await (
      await fetch(new URL('/api/review/items/r1/approve', review.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })
    ).json();
    expect(await readFile(join(ws.root, 'src/calc.ts'), 'utf8')).toContain('return a + b;');
    await writeFile(join(ws.root, 'src/calc.ts'), CALC); // reverted (git checkout)

    const { chromium: launcher } = await import('playwright-core');
    const browser = await launcher.launch(chromiumLaunchOptions());
    cleanup.push(() => browser.close());
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(review.url);
    const row = page.locator('#queue tbody tr', { hasText: 'r1' });
    await row.locator('.badge.superseded').waitFor();
    expect(await row.locator('.badge').allTextContents()).toEqual(['approved', 'reverted']);
    await row.click();
    await page.locator('#meta', { hasText: 'reverted since: will be generated again' }).waitFor();
    expect(await page.locator('#checks').textContent()).toMatch(/written to src\/calc\.ts at \S+ — reverted since/);
    expect(problems).toEqual([]);
  }, 120_000);
});
