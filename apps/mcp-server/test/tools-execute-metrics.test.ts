import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, failure, ok, TRANSPORTS, workspaceSession } from './harness.js';
import { TODO_AGENT, todoSource } from './todo-agent.js';

const HALF = todoSource('half');
const AGENT = TODO_AGENT;
const AGENTS = `version: 1
default: halver
agents:
  halver:
    kind: command
    command: [node, tools/agent.mjs]
    timeout_seconds: 60
  flaky:
    kind: command
    command: [node, tools/flaky-agent.mjs]
    timeout_seconds: 60
`;
/** The same agent, down (exit 3) while AGENT_DOWN exists. */
const FLAKY = `import { existsSync } from 'node:fs';
if (existsSync('AGENT_DOWN')) process.exit(3);
await import('./agent.mjs');
`;

describe.each(TRANSPORTS)('execution, review and metrics tools over %s', (transport) => {
  const c = workspaceSession(transport, {
    setup: async (dir) => {
      await writeFile(join(dir, 'src/half.ts'), HALF);
      await writeFile(join(dir, 'tools/agent.mjs'), AGENT);
      await writeFile(join(dir, 'tools/flaky-agent.mjs'), FLAKY);
      await writeFile(join(dir, '.st3/config/agents.yaml'), AGENTS);
      const { createFileRunStore, createReviewQueue } = await import('@st3/executor');
      const queue = createReviewQueue(join(dir, '.st3/review'));
      await queue.add({
        nodeId: 'src/util.ts#L1-L3',
        file: 'src/util.ts',
        startLine: 1,
        endLine: 3,
        code: 'export function round(n: number): number {\n  return Math.round(n);\n}\n',
        confidence: 0.4,
      });
      await queue.add({
        nodeId: 'src/pricing.ts#L9-L12',
        file: 'src/pricing.ts',
        startLine: 9,
        endLine: 12,
        code: 'export const y = 2;\n',
        confidence: 0.6,
      });
      const now = new Date().toISOString();
      await createFileRunStore(join(dir, '.st3/runs')).save({
        version: 1,
        id: 'run-test-1',
        status: 'succeeded',
        createdAt: now,
        updatedAt: now,
        graphHash: 'x',
        graph: { nodes: [{ id: 'a' }], edges: [] },
        options: {},
        nodes: { a: { status: 'succeeded', attempts: [] } },
      });
    },
  });
  const ws = c;

  it('review_list, review_show, review_action through the review states', async () => {
    const list = await ok(c.client, 'review_list');
    expect(list.items).toHaveLength(2);
    const id = list.items.find((i: { nodeId: string }) => i.nodeId.startsWith('src/util.ts')).id as string;
    expect((await ok(c.client, 'review_list', { status: 'approved' })).items).toEqual([]);
    expect((await ok(c.client, 'review_show', { id })).item.file).toBe('src/util.ts');
    expect((await ok(c.client, 'review_action', { id, action: 'assign', reviewer: 'ana' })).item.status).toBe(
      'in_review',
    );
    expect(await failure(c.client, 'review_action', { id, action: 'assign' })).toBe('E_USAGE');
    expect((await ok(c.client, 'review_action', { id, action: 'reject', feedback: 'wrong' })).item.status).toBe(
      'rejected',
    );
    expect(await failure(c.client, 'review_action', { id, action: 'approve' })).toBe('E_REVIEW_TRANSITION');
    expect(await failure(c.client, 'review_show', { id: 'r999' })).toBe('E_REVIEW_NOT_FOUND');
    const item = JSON.parse(
      ((await c.client.readResource({ uri: `st3://review/items/${id}` })).contents[0] as { text: string }).text,
    );
    expect(item.status).toBe('rejected');
  });

  it('review_action edit: the code is validated, then written into the file and the item approved', async () => {
    const other = (await ok(c.client, 'review_list', { status: 'pending' })).items[0].id as string;
    await ok(c.client, 'review_action', { id: other, action: 'assign', reviewer: 'ana' });
    const code = `export function lineTotal(item: LineItem): number {
  if (item.quantity <= -1) throw new RangeError('bad quantity');
  return round(item.unitCents * item.quantity);
}`;
    const broken = await call(c.client, 'review_action', { id: other, action: 'edit', code: 'export function (' });
    expect(broken.isError).toBe(true);
    const edited = await ok(c.client, 'review_action', { id: other, action: 'edit', code });
    expect(edited.item.status).toBe('approved');
    expect(await readFile(join(c.dir, 'src/pricing.ts'), 'utf8')).toContain('item.quantity <= -1');
  });

  it('execute: the TODO atom goes to the agent, is validated with the gates and applied', async () => {
    const dry = await ok(c.client, 'execute', {
      paths: ['src/half.ts'],
      instruction: 'Do the TODO',
      onlyMatching: 'TODO',
      reviewBelow: 0,
      dryRun: true,
    });
    expect(dry.selected).toBe(1);
    expect(dry.patchFile).toMatch(/^\.st3\/runs\/.+\.patch$/);
    expect(await readFile(join(c.dir, 'src/half.ts'), 'utf8')).toBe(HALF);
    const run = await ok(c.client, 'execute', {
      paths: ['src/half.ts'],
      instruction: 'Do the TODO',
      onlyMatching: 'TODO',
      reviewBelow: 0,
    });
    expect(run.status).toBe('succeeded');
    expect(await readFile(join(c.dir, 'src/half.ts'), 'utf8')).toContain('return n / 2;');
    expect(await failure(c.client, 'execute', { paths: ['src'], instruction: 'x', agent: 'nobody' })).toMatch(/^E_/);
  });

  it('execute resume: a failed run continues with its saved graph, agent and instruction (st3 execute --resume)', async () => {
    await writeFile(join(c.dir, 'src/quarter.ts'), HALF.replace('half', 'quarter'));
    await writeFile(join(c.dir, 'AGENT_DOWN'), '');
    const failed = await call(c.client, 'execute', {
      paths: ['src/quarter.ts'],
      instruction: 'Do the TODO',
      agent: 'flaky',
      onlyMatching: 'TODO',
      reviewBelow: 0,
      retries: 0,
    });
    const first = failed.structuredContent as { runId: string; status: string };
    expect(failed.isError).toBe(true);
    expect(first.status).toBe('failed');
    expect(await readFile(join(c.dir, 'src/quarter.ts'), 'utf8')).toContain('return n;');
    await rm(join(c.dir, 'AGENT_DOWN'));
    // Held by another execution (as st3 execute holds it): a resume is refused at once, nothing runs twice.
    const { createFileRunStore } = await import('@st3/executor');
    const held = createFileRunStore(join(c.dir, '.st3/runs')).exclusive(first.runId, async () =>
      failure(c.client, 'execute', { resume: first.runId }),
    );
    expect(await held).toBe('E_LOCKED');
    expect(await failure(c.client, 'execute', { resume: first.runId, paths: ['src'] })).toBe('E_USAGE');
    const resumed = await ok(c.client, 'execute', { resume: first.runId });
    expect(resumed).toMatchObject({ runId: first.runId, status: 'succeeded', selected: 1 });
    expect(await readFile(join(c.dir, 'src/quarter.ts'), 'utf8')).toContain('return n / 2;');
    const saved = (await ok(c.client, 'run_status', { id: first.runId })).run.options as Record<string, unknown>;
    expect(saved).toMatchObject({ agent: 'flaky', instruction: 'Do the TODO', via: 'mcp' });
    expect(await failure(c.client, 'execute', { resume: 'run-nope' })).toBe('E_RUN_NOT_FOUND');
    expect(await failure(c.client, 'execute', {})).toBe('E_USAGE');
    expect(await failure(c.client, 'execute', { resume: 'run-test-1' })).toBe('E_USAGE');
  });

  it('review_action regenerate with an agent runs the node again at once (st3 review regenerate --agent)', async () => {
    const third = HALF.replace('half', 'third');
    await writeFile(join(c.dir, 'src/third.ts'), third);
    // A run whose change is queued for review (the threshold is above any confidence), as st3 execute makes it.
    const exec = await import('@st3/executor');
    const choice = await exec.chooseAgent(c.dir, process.env, { name: 'halver' });
    const code = third.trimEnd();
    const run = await exec.runAgentExecution({
      root: c.dir,
      graph: { nodes: [{ id: 'third', path: 'src/third.ts', startLine: 1, endLine: 4, code }], edges: [] },
      agent: choice.agent,
      instruction: 'Do the TODO',
      reviewBelow: 1.01,
      gates: false,
      saveOptions: choice.saved,
    });
    expect(run.nodes.third!.change!.outcome).toBe('queued');
    const queued = (await ok(c.client, 'review_list', { status: 'pending' })).items.find(
      (i: { file?: string }) => i.file === 'src/third.ts',
    ) as { id: string };
    expect(await failure(c.client, 'review_action', { id: queued.id, action: 'approve', agent: 'halver' })).toBe(
      'E_USAGE',
    );
    const r = await ok(c.client, 'review_action', {
      id: queued.id,
      action: 'regenerate',
      feedback: 'divide, do not return n',
      reviewer: 'ana',
      agent: 'halver',
    });
    expect(r.regenerated).toBe(true);
    expect(r.item).toMatchObject({ id: queued.id, status: 'pending', code: expect.stringContaining('return n / 2;') });
    // The regeneration is a run of its own, recorded with the item it regenerated.
    const runs = (await ok(c.client, 'run_status')).runs as { id: string }[];
    const options = await Promise.all(
      runs.map(async (r) => (await ok(c.client, 'run_status', { id: r.id })).run.options as Record<string, unknown>),
    );
    expect(options.filter((o) => o.regenerated === queued.id)).toEqual([
      expect.objectContaining({ agent: 'halver', instruction: 'Do the TODO' }),
    ]);
    // Still queued: the file changes only when a reviewer approves.
    expect(await readFile(join(c.dir, 'src/third.ts'), 'utf8')).toContain('TODO divide');
    const later = await ok(c.client, 'review_action', { id: queued.id, action: 'regenerate', feedback: 'again' });
    expect(later).toMatchObject({ regenerated: false, item: { status: 'needs_regeneration' } });
  });

  it('review_action regenerate whose agent gives no usable code is a failed call saying why, the code kept', async () => {
    const fourth = HALF.replace('half', 'fourth');
    await writeFile(join(c.dir, 'src/fourth.ts'), fourth);
    const exec = await import('@st3/executor');
    const choice = await exec.chooseAgent(c.dir, process.env, { name: 'halver' });
    const graph = {
      nodes: [{ id: 'fourth', path: 'src/fourth.ts', startLine: 1, endLine: 4, code: fourth.trimEnd() }],
    };
    const run = await exec.runAgentExecution({
      root: c.dir,
      graph: { ...graph, edges: [] },
      agent: choice.agent,
      instruction: 'Do the TODO',
      reviewBelow: 1.01,
      gates: false,
      saveOptions: choice.saved,
    });
    expect(run.nodes.fourth!.change!.outcome).toBe('queued');
    const queued = (await ok(c.client, 'review_list', { status: 'pending' })).items.find(
      (i: { file?: string }) => i.file === 'src/fourth.ts',
    ) as { id: string; code: string };
    await writeFile(join(c.dir, 'AGENT_DOWN'), '');
    try {
      const down = await call(c.client, 'review_action', {
        id: queued.id,
        action: 'regenerate',
        feedback: 'again',
        agent: 'flaky',
      });
      expect(down.isError).toBe(true);
      expect(down.structuredContent).toMatchObject({
        ok: false,
        regenerated: false,
        error: { code: 'E_AGENT_COMMAND' },
        item: { id: queued.id, status: 'needs_regeneration', code: queued.code },
      });
    } finally {
      await rm(join(c.dir, 'AGENT_DOWN'));
    }
  });

  it('run_status: the recorded runs, and one run in full', async () => {
    const all = await ok(c.client, 'run_status');
    expect(all.runs.map((r: { id: string }) => r.id)).toContain('run-test-1');
    const one = await ok(c.client, 'run_status', { id: 'run-test-1' });
    expect(one.run.nodes.a.status).toBe('succeeded');
  });

  it('telemetry_record then metrics_collect: the five criteria of a task, written to metrics.json', async () => {
    // An unknown task (no context) is refused, and nothing is written (as `st3 telemetry record`).
    expect(await failure(c.client, 'telemetry_record', { id: 'TASK-0001', agent: 'x', warning: 'w' })).toBe(
      'E_CONTEXT_NOT_FOUND',
    );
    expect(existsSync(join(ws.dir, '.st3/tasks/TASK-0001'))).toBe(false);
    // Earlier tests of this workspace leave .st3/runs and agents.yaml uncommitted: the tree is dirty by design.
    await ok(c.client, 'task_init_context', { id: 'TASK-0001', allowPreexistingDirty: true });
    // Several events of each kind in one call (the batch arguments)...
    const rec = await ok(c.client, 'telemetry_record', {
      id: 'TASK-0001',
      agent: 'implementer',
      fileReads: [{ path: 'src/util.ts' }],
      prompts: [{ bytes: 800, baselineBytes: 1000 }],
      jsonParses: [{ source: 'agent', ok: true }],
      commands: [{ command: 'pnpm test -- -t "adds two"', exitCode: 0, durationMs: 5 }],
    });
    expect(rec).toMatchObject({ ok: true, task_id: 'TASK-0001', agent: 'implementer' });
    expect(rec.file).toBe('.st3/tasks/TASK-0001/telemetry-implementer.json');
    expect(rec.recorded).toMatchObject({ fileReads: 1, prompts: 1, jsonParses: 1, commands: 1, warnings: 0 });
    expect(rec.events).toEqual([
      expect.stringMatching(/^file read src\/util\.ts \(\d+ bytes\)$/),
      'command "pnpm test -- -t "adds two"" exit 0 in 5 ms',
      'prompt of 800 bytes (baseline 1000)',
      'JSON parse ok (agent)',
    ]);
    const written = JSON.parse(await readFile(join(ws.dir, rec.file), 'utf8'));
    expect(JSON.stringify(written)).toContain('"adds two"');
    // ...or one event with the flags of the CLI, checked as the CLI checks them.
    expect(
      await ok(c.client, 'telemetry_record', {
        id: 'TASK-0001',
        agent: 'implementer',
        fileRead: ['src/pricing.ts'],
        bytes: 10,
      }),
    ).toMatchObject({ events: ['file read src/pricing.ts (10 bytes)'], recorded: { fileReads: 1 } });
    expect(await failure(c.client, 'telemetry_record', { id: 'TASK-0001', agent: 'x', bytes: 3 })).toBe('E_USAGE');
    expect(await failure(c.client, 'telemetry_record', { id: 'TASK-0001', agent: 'x' })).toBe('E_USAGE');
    expect(
      await failure(c.client, 'telemetry_record', { id: 'TASK-0001', agent: 'x', fileRead: ['../../etc/passwd'] }),
    ).toBe('E_PATH_ESCAPE');
    // No QA artifact for the context's validation commands: the pilot fails, isError as `st3 metrics collect` exits 1.
    const collected = await call(c.client, 'metrics_collect', { id: 'TASK-0001' });
    expect(collected.isError).toBe(true);
    const r = collected.structuredContent as { metrics: { agents: string[]; criteria: { id: string }[] } };
    expect(r).toMatchObject({ ok: false, verdict: 'fail', task_id: 'TASK-0001' });
    expect(r.metrics.agents).toContain('implementer');
    expect(r.metrics.criteria.map((x: { id: string }) => x.id)).toEqual(
      expect.arrayContaining([
        'file_reads_per_agent',
        'repeated_warnings',
        'qa_artifact_coverage',
        'prompt_size_savings',
        'json_parse_failures',
      ]),
    );
  });

  it('metrics_compare: deltas and regressions between two rollups', async () => {
    const { rollup } = await import('@st3/telemetry');
    const { collectTaskMetrics } = await import('@st3/telemetry');
    const { metrics } = await collectTaskMetrics(join(ws.dir, '.st3/tasks/TASK-0001'), 'TASK-0001');
    const doc = rollup([metrics]);
    await writeFile(join(ws.dir, 'base.json'), JSON.stringify(doc));
    await writeFile(join(ws.dir, 'cur.json'), JSON.stringify(doc));
    const r = await ok(c.client, 'metrics_compare', { baseline: 'base.json', current: 'cur.json' });
    expect(r.regressions).toEqual([]);
    expect(await failure(c.client, 'metrics_compare', { baseline: 'nope.json', current: 'cur.json' })).toMatch(/^E_/);
  });
});
