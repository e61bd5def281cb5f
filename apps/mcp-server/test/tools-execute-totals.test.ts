import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ok, texts, TRANSPORTS, workspaceSession } from './harness.js';
import { TODO_AGENT, todoSource } from './todo-agent.js';

const TOTALS = '.st3/telemetry/execution-metrics.json';

const source = todoSource;
const AGENT = TODO_AGENT;
/** An agent that is down (exit 3): every attempt fails. */
const DOWN = 'process.exit(3);\n';

/**
 * An OpenAI-compatible server on 127.0.0.1 that answers every request with the `fifth` atom done and
 * reports 1000 prompt and 200 completion tokens (command agents report none).
 */
async function startUsageReportingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume().on('end', () => {
      const content = '```ts\nexport function fifth(n: number): number {\n  return n / 2;\n}\n```\n';
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'cmpl-1',
          object: 'chat.completion',
          model: 'fake',
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 },
        }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

let llm: { url: string; close(): Promise<void> };
beforeAll(async () => {
  llm = await startUsageReportingServer();
});
afterAll(async () => {
  await llm.close();
});

interface Totals {
  counters: { name: string; labels: Record<string, string>; value: number }[];
  histograms: { name: string; labels: Record<string, string>; count: number }[];
  lastRun?: { id: string; status: string; backend: string; costUsd?: number; precisionPercent?: number };
}

/** `name{k=v,...}` → value of the counters of a totals file. */
function counters(totals: Totals): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of totals.counters) {
    const labels = Object.entries(c.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out[`${c.name}{${labels}}`] = c.value;
  }
  return out;
}

const histogramCount = (totals: Totals, name: string, labels: Record<string, string>) =>
  totals.histograms.find((h) => h.name === name && JSON.stringify(h.labels) === JSON.stringify(labels))?.count;

describe.each(TRANSPORTS)(
  'execute adds its runs to the execution metrics totals, as st3 execute does, over %s',
  (transport) => {
    const c = workspaceSession(transport, {
      setup: async (dir) => {
        for (const name of ['half', 'third', 'fifth', 'sixth'])
          await writeFile(join(dir, `src/${name}.ts`), source(name));
        await writeFile(join(dir, 'tools/agent.mjs'), AGENT);
        await writeFile(join(dir, 'tools/down-agent.mjs'), DOWN);
        await writeFile(
          join(dir, '.st3/config/agents.yaml'),
          `version: 1
default: halver
agents:
  halver: { kind: command, command: [node, tools/agent.mjs], timeout_seconds: 60 }
  down: { kind: command, command: [node, tools/down-agent.mjs], timeout_seconds: 60 }
  llm: { kind: openai, base_url: "${llm.url}", model: fake }
`,
        );
        // The price st3 execute reads for the cost metrics: USD 2 per million prompt tokens, 10 per million completion.
        await writeFile(
          join(dir, '.st3/config/executor.yaml'),
          'version: 1\nprices:\n  llm: { prompt_per_million: 2, completion_per_million: 10 }\n',
        );
      },
    });
    const totals = async () => JSON.parse(await readFile(join(c.dir, TOTALS), 'utf8')) as Totals;
    const args = (name: string, more: Record<string, unknown> = {}) => ({
      paths: [`src/${name}.ts`],
      instruction: 'Do the TODO',
      onlyMatching: 'TODO',
      reviewBelow: 0,
      ...more,
    });

    it('a run of a command agent: the run, its atom, its wave and their durations (no tokens: the agent reports none)', async () => {
      const run = await ok(c.client, 'execute', args('half'));
      expect(run.status).toBe('succeeded');
      const t = await totals();
      expect(counters(t)).toEqual({
        'st3_v2_runs_total{backend=local,status=succeeded}': 1,
        'st3_v2_atoms_generated_total{outcome=applied}': 1,
        'st3_v2_waves_executed_total{}': 1,
      });
      expect(histogramCount(t, 'st3_v2_atom_duration_seconds', { status: 'succeeded' })).toBe(1);
      expect(histogramCount(t, 'st3_v2_execution_time_seconds', { backend: 'local', status: 'succeeded' })).toBe(1);
      expect(histogramCount(t, 'st3_v2_confidence_score', {})).toBe(1);
      expect(t.lastRun).toMatchObject({ id: run.runId, status: 'succeeded', backend: 'local', precisionPercent: 100 });
      expect(t.lastRun?.costUsd).toBeUndefined();
      expect(run.warnings).toEqual([]);
    });

    it('a failed run adds its failures and retries by category, and a dry run counts too: the totals only grow', async () => {
      const failed = await call(c.client, 'execute', args('third', { agent: 'down', retries: 1, backoff: 0 }));
      expect(failed.isError).toBe(true);
      const r = failed.structuredContent as { runId: string; stats: Record<string, Record<string, number>> };
      const [category] = Object.keys(r.stats.failuresByCategory!);
      expect(r.stats.retriesByCategory).toEqual({ [category!]: 1 });
      await ok(c.client, 'execute', args('sixth', { dryRun: true }));
      const t = await totals();
      expect(counters(t)).toEqual({
        'st3_v2_runs_total{backend=local,status=succeeded}': 2,
        'st3_v2_runs_total{backend=local,status=failed}': 1,
        'st3_v2_atoms_generated_total{outcome=applied}': 1,
        'st3_v2_atoms_generated_total{outcome=dry-run}': 1,
        [`st3_v2_atoms_failed_total{category=${category}}`]: 1,
        [`st3_v2_retries_total{category=${category}}`]: 1,
        'st3_v2_waves_executed_total{}': 3,
      });
      expect(histogramCount(t, 'st3_v2_atom_duration_seconds', { status: 'failed' })).toBe(1);
    });

    it("an agent's token usage is counted, and its cost at the price of .st3/config/executor.yaml", async () => {
      const before = counters(await totals());
      const run = await ok(c.client, 'execute', args('fifth', { agent: 'llm' }));
      expect(run.status).toBe('succeeded');
      const t = await totals();
      const after = counters(t);
      expect(after['st3_v2_tokens_total{kind=prompt}']).toBe(1000);
      expect(after['st3_v2_tokens_total{kind=completion}']).toBe(200);
      // 1000 × 2 / 1e6 + 200 × 10 / 1e6
      expect(after['st3_v2_cost_usd_total{}']).toBeCloseTo(0.004, 12);
      expect(t.lastRun).toMatchObject({ id: run.runId, costUsd: expect.closeTo(0.004, 12) });
      expect(after['st3_v2_runs_total{backend=local,status=succeeded}']).toBe(
        before['st3_v2_runs_total{backend=local,status=succeeded}']! + 1,
      );
    });

    it('a totals file that cannot be written is a warning of the result: the run and its result stand', async () => {
      const file = join(c.dir, TOTALS);
      const kept = await readFile(file, 'utf8');
      await rm(file);
      await mkdir(file); // a folder where the file goes: the write fails
      try {
        await writeFile(join(c.dir, 'src/seventh.ts'), source('seventh'));
        const r = await call(c.client, 'execute', args('seventh'));
        expect(r.isError ?? false).toBe(false);
        const doc = r.structuredContent as { status: string; warnings: Record<string, unknown>[] };
        expect(doc.status).toBe('succeeded');
        expect(doc.warnings).toEqual([
          expect.objectContaining({
            code: expect.stringMatching(/^E_/),
            severity: 'warning',
            file: TOTALS,
            message: expect.stringContaining(`execution metrics of the run not saved to ${TOTALS}`),
          }),
        ]);
        expect(texts(r)[0]).toMatch(/; 1 warning$/);
        expect(await readFile(join(c.dir, 'src/seventh.ts'), 'utf8')).toContain('return n / 2;');
      } finally {
        await rm(file, { recursive: true });
        await writeFile(file, kept);
      }
    });
  },
);
