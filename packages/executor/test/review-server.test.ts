import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approvedInFile,
  createReviewQueue,
  createReviewService,
  createWorkspaceFiles,
  startReviewServer,
  unifiedDiff,
} from '../src/index.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const FILE = 'def twice(x):\n    pass\n\n\ndef half(x):\n    pass\n';

async function setup() {
  const ws = await makeWorkspace({ 'py/m.py': FILE });
  cleanup.push(ws.dispose);
  const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
  const add = (nodeId: string, start: number, code: string, score: number) =>
    queue.add({
      nodeId,
      file: 'py/m.py',
      startLine: start,
      endLine: start + 1,
      code,
      confidence: score,
      originalCode: FILE.split('\n')
        .slice(start - 1, start + 1)
        .join('\n'),
      patch: unifiedDiff(
        'py/m.py',
        FILE,
        FILE.replace(
          FILE.split('\n')
            .slice(start - 1, start + 1)
            .join('\n'),
          code,
        ),
      ),
    });
  await add('twice', 1, 'def twice(x):\n    return 2 * x', 0.9);
  await add('half', 5, 'def half(x):\n    print(x)\n    return x / 2', 0.4);
  const service = createReviewService({ queue, files: createWorkspaceFiles(ws.root) });
  const server = await startReviewServer({ service, root: ws.root });
  cleanup.push(server.close);
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(new URL(path, server.url), {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> & { items?: { id: string }[] } };
  };
  return { ws, queue, server, call };
}

describe('review REST API', () => {
  it('lists with status, sort and search; shows an item with the code it replaces; reports statistics', async () => {
    const { call } = await setup();
    const all = await call('GET', '/api/review/queue');
    expect(all.json.items!.map((i) => i.id)).toEqual(['r2', 'r1']);
    expect((await call('GET', '/api/review/queue?sort=confidence')).json.items!.map((i) => i.id)).toEqual(['r2', 'r1']);
    expect((await call('GET', '/api/review/queue?q=twice')).json.items!.map((i) => i.id)).toEqual(['r1']);
    expect((await call('GET', '/api/review/queue?status=approved')).json.items).toEqual([]);
    expect((await call('GET', '/api/review/queue?status=done')).status).toBe(400);
    const item = await call('GET', '/api/review/items/r2');
    expect(item.json.item).toMatchObject({
      id: 'r2',
      original: 'def half(x):\n    pass',
      issues: [{ rule: 'python/print' }],
    });
    expect((await call('GET', '/api/review/statistics')).json.statistics).toMatchObject({
      total: 2,
      byStatus: { pending: 2 },
    });
  });

  it('actions change the file through the service; domain errors keep their code and an HTTP status', async () => {
    const { call, ws } = await setup();
    const { readFile } = await import('node:fs/promises');
    expect((await call('POST', '/api/review/items/r1/approve', { reviewer: 'ana' })).json.item).toMatchObject({
      status: 'approved',
      applied: { by: 'ana' },
    });
    expect(await readFile(join(ws.root, 'py/m.py'), 'utf8')).toContain('    return 2 * x\n');
    const again = await call('POST', '/api/review/items/r1/approve', {});
    expect([again.status, (again.json.error as { code: string }).code]).toEqual([409, 'E_REVIEW_TRANSITION']);
    const noFeedback = await call('POST', '/api/review/items/r2/reject', {});
    expect([noFeedback.status, (noFeedback.json.error as { code: string }).code]).toEqual([
      400,
      'E_REVIEW_FEEDBACK_REQUIRED',
    ]);
    expect((await call('POST', '/api/review/items/r9/approve', {})).status).toBe(404);
    const edit = await call('POST', '/api/review/items/r2/edit', { code: 'def half(x):\n    return x / 2' });
    expect(edit.json.item).toMatchObject({ status: 'approved', code: 'def half(x):\n    return x / 2' });
    expect(await readFile(join(ws.root, 'py/m.py'), 'utf8')).toBe(
      'def twice(x):\n    return 2 * x\n\n\ndef half(x):\n    return x / 2\n',
    );
    expect((await call('POST', '/api/review/items/r2/explode', {})).status).toBe(404);
  });

  it('refuses changes that are not JSON, and requests for another host', async () => {
    const { server } = await setup();
    const form = await fetch(new URL('/api/review/items/r1/approve', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'reviewer=x',
    });
    expect(form.status).toBe(400);
    const url = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: '/api/review/queue', headers: { host: 'evil.example:80' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    const page = await fetch(server.url);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('says of an approved item what `st3 review list --json` says: its code reverted since is not "held"', async () => {
    const { call, ws, queue } = await setup();
    const { readFile, writeFile } = await import('node:fs/promises');
    await call('POST', '/api/review/items/r1/approve', { reviewer: 'ana' });
    const held = await call('GET', '/api/review/items/r1');
    expect(held.json.item).toMatchObject({ status: 'approved', inFile: { status: 'held' } });
    // The approved code is reverted (git checkout): the next run generates the node again.
    expect(await readFile(join(ws.root, 'py/m.py'), 'utf8')).toContain('return 2 * x');
    await writeFile(join(ws.root, 'py/m.py'), FILE);
    const listed = await approvedInFile(join(ws.root, '.st3', 'runs'), queue, await queue.list(), { root: ws.root });
    expect(listed.r1).toMatchObject({ status: 'reverted' });
    const queueItems = (await call('GET', '/api/review/queue')).json.items as { id: string; inFile?: unknown }[];
    expect(queueItems.find((i) => i.id === 'r1')?.inFile).toEqual(listed.r1);
    expect(queueItems.find((i) => i.id === 'r2')).not.toHaveProperty('inFile');
    expect((await call('GET', '/api/review/items/r1')).json.item).toMatchObject({ inFile: listed.r1 });
  });
});
