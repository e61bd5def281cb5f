import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '@st3/fs';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { TRANSPORTS, workspaceSession } from './harness.js';

// A killed tool orphaned to an init that reaps late stays a zombie for a while: not running.
const alive = processAlive;

async function until(what: string, test: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(TRANSPORTS)('long work over %s: progress, concurrency, cancellation', (transport) => {
  const c = workspaceSession(transport, { heartbeatMs: 150 });
  const ws = c;
  const pidFile = () => join(ws.dir, '.slow-gate.pid');
  afterEach(async () => {
    delete process.env.SLOW_MS;
    await rm(pidFile(), { force: true });
  });

  it('a slow gate sends increasing progress notifications, and a quick call answers meanwhile', async () => {
    process.env.SLOW_MS = '1500';
    const seen: Progress[] = [];
    let slowDone = 0;
    const slow = c.client
      .callTool({ name: 'run_quality_gates', arguments: { scope: 'project', gates: ['slow'] } }, undefined, {
        onprogress: (p) => void seen.push(p),
        resetTimeoutOnProgress: true,
      })
      .then((r) => {
        slowDone = Date.now();
        return r as CallToolResult;
      });
    await until('the slow gate to start', () => existsSync(pidFile()));
    const quick = await c.client.callTool({ name: 'list_gates', arguments: {} });
    const quickDone = Date.now();
    expect(quick.isError ?? false).toBe(false);
    const result = await slow;
    expect(quickDone).toBeLessThan(slowDone);
    expect(result.isError ?? false).toBe(false);
    expect((result.structuredContent as { gates: { id: string; status: string }[] }).gates[0]).toMatchObject({
      id: 'slow',
      status: 'passed',
    });
    // a gate-start, heartbeats while the gate runs (one every 150 ms over 1.5 s), a gate-end
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
    expect(seen.some((p) => /^slow: running on/.test(p.message ?? ''))).toBe(true);
    expect(seen.some((p) => /still running/.test(p.message ?? ''))).toBe(true);
    expect(seen.some((p) => p.message === 'slow: passed')).toBe(true);
  });

  it('no progress notifications without a progress token', async () => {
    process.env.SLOW_MS = '300';
    const r = await c.client.callTool({ name: 'run_quality_gates', arguments: { scope: 'project', gates: ['slow'] } });
    expect(r.isError ?? false).toBe(false);
  });

  it('cancelling a call (notifications/cancelled) kills the gate process', async () => {
    process.env.SLOW_MS = '60000';
    const controller = new AbortController();
    const call = c.client.callTool(
      { name: 'run_quality_gates', arguments: { scope: 'project', gates: ['slow'] } },
      undefined,
      {
        signal: controller.signal,
      },
    );
    await until('the slow gate to start', () => existsSync(pidFile()));
    const pid = Number(await readFile(pidFile(), 'utf8'));
    expect(alive(pid)).toBe(true);
    controller.abort('the user changed their mind');
    await expect(call).rejects.toThrow();
    await until(`gate process ${pid} to end`, () => !alive(pid));
    // the server is still there for the next call
    expect((await c.client.callTool({ name: 'list_gates', arguments: {} })).isError ?? false).toBe(false);
    await until('the log of the cancelled call', () =>
      c.logs.some((l) => l.startsWith('run_quality_gates: E_INTERRUPTED')),
    );
  });
});
