import { cp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, failure, ok, workspaceSession } from './harness.js';
import { repoRoot } from './workspace.js';

// The execute tool resolves its settings, its graph and "nothing to run" with the @st3/executor
// functions `st3 execute` calls: executor.yaml, a resumed run's saved settings, onlyMatching on a
// {nodes, edges} graph, and an empty selection behave as in the CLI (tests-e2e/test/execute-mcp-parity
// compares both sides through the built binaries).

const TAX = `export function taxCents(cents: number, ratePercent: number): number {
  // TODO: implement
  throw new Error('not implemented');
}
`;
const AGENTS = `version: 1
default: example
agents:
  example:
    kind: command
    command: [node, tools/example-agent.mjs]
    timeout_seconds: 60
  flaky:
    kind: command
    command: [node, tools/flaky-agent.mjs]
    timeout_seconds: 60
`;
/** The example agent, down (exit 3) while AGENT_DOWN exists. */
const FLAKY = `import { existsSync } from 'node:fs';
if (existsSync('AGENT_DOWN')) process.exit(3);
await import('./example-agent.mjs');
`;
const ARGS = { agent: 'example', onlyMatching: 'TODO', instruction: 'Implement the TODO' };
const EXECUTOR_YAML = '.st3/config/executor.yaml';

describe('the execute tool: settings, graph and selection as st3 execute resolves them', () => {
  const c = workspaceSession('stdio', {
    setup: async (dir) => {
      await cp(join(repoRoot, 'examples/tools/example-agent.mjs'), join(dir, 'tools/example-agent.mjs'));
      await writeFile(join(dir, 'tools/flaky-agent.mjs'), FLAKY);
      await writeFile(join(dir, '.st3/config/agents.yaml'), AGENTS);
      await writeFile(
        join(dir, 'graph.json'),
        JSON.stringify({ nodes: [{ id: 'tax', path: 'src/graph-tax.ts', startLine: 1, endLine: 4 }], edges: [] }),
      );
      await writeFile(join(dir, 'empty.json'), '{"nodes":[],"edges":[]}');
    },
  });
  const file = (name: string) => join(c.dir, 'src', name);

  it("task: the instruction from the task file, and the run's patch attached to the task as diff evidence", async () => {
    await writeFile(file('task-tax.ts'), TAX);
    const { instruction: _none, ...args } = ARGS;
    const r = await ok(c.client, 'execute', { ...args, task: 'TASK-0001', paths: ['src/task-tax.ts'] });
    expect(r).toMatchObject({ ok: true, task: 'TASK-0001', evidence: expect.any(String) });
    const run = JSON.parse(await readFile(join(c.dir, '.st3/runs', `${r.runId}.json`), 'utf8'));
    expect(run.options).toMatchObject({ task: 'TASK-0001', instruction: expect.stringMatching(/^Task TASK-0001: /) });
    const listed = await ok(c.client, 'evidence_list', { id: 'TASK-0001' });
    expect(JSON.stringify(listed)).toContain(r.evidence);
    expect(JSON.stringify(listed)).toContain(`changes made by the agents in run ${r.runId}`);
    // neither an instruction nor a task: nothing says what the agent is to do
    expect(await failure(c.client, 'execute', { ...args, paths: ['src/task-tax.ts'] })).toBe('E_USAGE');
  });

  it('review_below of executor.yaml queues a change below it instead of applying it; an invalid file is refused', async () => {
    await writeFile(file('queued-tax.ts'), TAX);
    await writeFile(join(c.dir, EXECUTOR_YAML), 'version: 1\nreview_below: 0.999\n');
    try {
      const r = await ok(c.client, 'execute', { ...ARGS, paths: ['src/queued-tax.ts'] });
      const [node] = Object.values(r.nodes) as { change: { outcome: string; confidence: { score: number } } }[];
      expect(node!.change.outcome).toBe('queued');
      expect(node!.change.confidence.score).toBeLessThan(0.999);
      expect(await readFile(file('queued-tax.ts'), 'utf8')).toBe(TAX);
      await writeFile(join(c.dir, EXECUTOR_YAML), 'version: 1\nreview_below: 7\n');
      expect(await failure(c.client, 'execute', { ...ARGS, paths: ['src/queued-tax.ts'] })).toBe('E_CONFIG_INVALID');
      await writeFile(join(c.dir, EXECUTOR_YAML), 'version: 1\nbackend: bullmq\nredis:\n  url: redis://127.0.0.1:1\n');
      expect(await failure(c.client, 'execute', { ...ARGS, paths: ['src/queued-tax.ts'] })).toBe('E_BACKEND_OPTION');
      expect(await readFile(file('queued-tax.ts'), 'utf8')).toBe(TAX);
    } finally {
      await rm(join(c.dir, EXECUTOR_YAML), { force: true });
    }
  });

  it('resume keeps the saved mode, concurrency, retries, timeout and backoff', async () => {
    await writeFile(file('resumed-tax.ts'), TAX);
    await writeFile(join(c.dir, 'AGENT_DOWN'), '');
    const settings = { mode: 'waves', concurrency: 1, retries: 0, timeoutMs: 45_000, backoffMs: 10 };
    const first = await call(c.client, 'execute', {
      ...ARGS,
      agent: 'flaky',
      paths: ['src/resumed-tax.ts'],
      ...{ mode: 'waves', concurrency: 1, retries: 0, timeout: 45, backoff: 0.01 },
    });
    expect(first.isError).toBe(true);
    const { runId, status } = first.structuredContent as { runId: string; status: string };
    expect(status).toBe('failed');
    const saved = async () => (await ok(c.client, 'run_status', { id: runId })).run.options as Record<string, unknown>;
    expect(await saved()).toMatchObject(settings);
    await unlink(join(c.dir, 'AGENT_DOWN'));
    expect(await ok(c.client, 'execute', { resume: runId })).toMatchObject({ runId, status: 'succeeded' });
    expect(await saved()).toMatchObject({ ...settings, agent: 'flaky', via: 'mcp' });
  });

  it('onlyMatching selects the nodes of a {nodes, edges} graph by the code of their lines', async () => {
    await writeFile(file('graph-tax.ts'), TAX);
    const r = await ok(c.client, 'execute', { ...ARGS, paths: ['graph.json'], dryRun: true, reviewBelow: 0 });
    expect(r).toMatchObject({ selected: 1, total: 1, status: 'succeeded' });
    expect(r.nodes.tax.change.outcome).toBe('dry-run');
    expect(await readFile(file('graph-tax.ts'), 'utf8')).toBe(TAX);
  });

  it('a dry run says which change would have gone to review (none is queued, none is "would be applied")', async () => {
    await writeFile(file('graph-tax.ts'), TAX);
    const r = await call(c.client, 'execute', { ...ARGS, paths: ['graph.json'], dryRun: true, reviewBelow: 1 });
    expect(r.isError).toBeFalsy();
    const doc = r.structuredContent as { nodes: Record<string, { change: Record<string, unknown> }> };
    expect(doc.nodes.tax!.change).toMatchObject({
      outcome: 'dry-run',
      reviewReason: expect.stringMatching(/ below 1$/),
    });
    expect((r.content as { text: string }[])[0]!.text).toContain('0 would be applied, 1 would be queued for review');
    expect(await readFile(file('graph-tax.ts'), 'utf8')).toBe(TAX);
  });

  it('nothing to run is E_EXEC_NOTHING, not a green run: an empty graph, or onlyMatching matching no atom', async () => {
    expect(await failure(c.client, 'execute', { ...ARGS, paths: ['empty.json'] })).toBe('E_EXEC_NOTHING');
    expect(await failure(c.client, 'execute', { ...ARGS, paths: ['src'], onlyMatching: 'NOMATCHXYZ' })).toBe(
      'E_EXEC_NOTHING',
    );
  });
});
