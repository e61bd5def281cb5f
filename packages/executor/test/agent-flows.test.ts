import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphInput, RunState } from '@st3/schemas';
import {
  createAgentRunner,
  createCommandAgent,
  createFileRunStore,
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createValidator,
  createWorkspaceFiles,
  execute,
  priorOutcomes,
  sha256,
  unifiedDiff,
  type Agent,
} from '../src/index.js';
import { startFakeOpenAi } from './fake-openai.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A file of `n` small TODO functions f0..f(n-1), each an atom of 4 lines plus a blank line. */
function todoFile(n: number): string {
  return Array.from(
    { length: n },
    (_, i) => `export function f${i}(x: number): number {\n  // TODO: f${i}\n  throw new Error('TODO');\n}\n`,
  ).join('\n');
}
function todoGraph(n: number, path = 'src/many.ts'): GraphInput {
  const text = todoFile(n).split('\n');
  return {
    nodes: Array.from({ length: n }, (_, i) => ({
      id: `f${i}`,
      path,
      startLine: 1 + 5 * i,
      endLine: 4 + 5 * i,
      code: text.slice(5 * i, 5 * i + 4).join('\n'),
    })),
    edges: [],
  };
}
/** Implementation of f<i>: i+1 body lines, so every atom changes the file's length differently. */
const impl = (i: number) =>
  `export function f${i}(x: number): number {\n${Array.from({ length: i + 1 }, (_, k) => `  x += ${k};`).join('\n')}\n  return x;\n}`;

async function runWith(
  root: string,
  graph: GraphInput,
  agent: Agent,
  extra: Partial<Parameters<typeof createAgentRunner>[0]> = {},
) {
  const files = extra.files ?? createWorkspaceFiles(root);
  const runner = createAgentRunner({
    agent,
    instruction: 'Implement the TODO.',
    files,
    validator: createValidator({ root, files, gates: false }),
    runId: 'run-x',
    graph,
    ...extra,
  });
  const store = createFileRunStore(join(root, '.st3', 'runs'));
  const runId = extra.runId ?? 'run-x';
  const result = await execute(graph, runner, { runId, store, backoff: { baseMs: 1 }, concurrency: 8 });
  return { result, files, store };
}

describe('several atoms of one file at once', () => {
  it('all in flight together, answered in reverse order: every edit lands once, rebased over the others', async () => {
    const n = 6;
    const ws = await makeWorkspace({ 'src/many.ts': todoFile(n) });
    cleanup.push(ws.dispose);
    let inFlight = 0;
    let peak = 0;
    const server = await startFakeOpenAi(async (body) => {
      const i = Number(/function f(\d+)/.exec(body.messages[1]!.content)![1]);
      peak = Math.max(peak, ++inFlight);
      // Wait until all are in flight (or a while), then answer the last atom first.
      for (let t = 0; t < 100 && peak < n; t++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 30 * (n - i)));
      inFlight--;
      return `\`\`\`ts\n${impl(i)}\n\`\`\``;
    });
    cleanup.push(server.close);
    const { result, store } = await runWith(
      ws.root,
      todoGraph(n),
      createOpenAiAgent({ baseUrl: server.url, model: 'm' }),
    );
    expect(result.status).toBe('succeeded');
    expect(peak).toBe(n);
    const text = await readFile(join(ws.root, 'src/many.ts'), 'utf8');
    expect(text).toBe(Array.from({ length: n }, (_, i) => `${impl(i)}\n`).join('\n'));
    const saved = await store.load('run-x');
    const rebased = Object.values(saved.nodes).filter((s) => (s.change?.rebasedOver?.length ?? 0) > 0);
    expect(rebased.length).toBeGreaterThan(0);
    // The sha chain: each write's "before" is the previous write's "after"; the last one is the file.
    const changes = Object.values(saved.nodes).map((s) => s.change!);
    const afters = new Set(changes.map((c) => c.afterSha256));
    expect(changes.filter((c) => !afters.has(c.beforeSha256))).toHaveLength(1);
    expect(afters.has(sha256(text))).toBe(true);
  }, 60_000);
});

describe('a command agent answering with a unified diff', () => {
  it('refuses a diff that also touches a line outside the atom: every attempt fails, nothing is written', async () => {
    const ws = await makeWorkspace({ 'src/many.ts': `// header\n${todoFile(1)}` });
    cleanup.push(ws.dispose);
    const before = `// header\n${todoFile(1)}`;
    const after = before
      .replace('// header', '// header (generated)')
      .replace("  // TODO: f0\n  throw new Error('TODO');", '  return x + 1;');
    await writeFile(join(ws.root, 'answer.diff'), unifiedDiff('src/many.ts', before, after));
    await writeFile(
      join(ws.root, 'agent.mjs'),
      "import { readFileSync } from 'node:fs';\nlet s = '';\nfor await (const c of process.stdin) s += c;\nif (!s.includes('## The atom: src/many.ts lines 2-5')) process.exit(3);\nprocess.stdout.write(readFileSync('answer.diff', 'utf8'));\n",
    );
    await chmod(join(ws.root, 'agent.mjs'), 0o755);
    const graph = todoGraph(1);
    graph.nodes[0]!.startLine = 2;
    graph.nodes[0]!.endLine = 5;
    const agent = createCommandAgent({
      command: [process.execPath, 'agent.mjs'],
      cwd: ws.root,
      env: { PATH: process.env.PATH },
    });
    const { result } = await runWith(ws.root, graph, agent);
    expect(result.status).toBe('failed');
    expect(await readFile(join(ws.root, 'src/many.ts'), 'utf8')).toBe(before);
    expect(result.nodes.f0!.change).toBeUndefined();
    expect(result.nodes.f0!.error).toMatchObject({ code: 'E_AGENT_ANSWER', category: 'context' });
    expect(result.nodes.f0!.error!.message).toContain('outside the atom: line(s) 1 (the atom is lines 2-5)');
  }, 60_000);
});

describe('dry run', () => {
  it('writes nothing; the patch holds every change', async () => {
    const ws = await makeWorkspace({ 'src/many.ts': todoFile(2) });
    cleanup.push(ws.dispose);
    const agent: Agent = {
      name: 'fixed',
      kind: 'custom',
      generate: async (r) => ({ text: `\`\`\`ts\n${impl(Number(r.node.id.slice(1)))}\n\`\`\`` }),
    };
    const files = createWorkspaceFiles(ws.root, { dryRun: true });
    const { result } = await runWith(ws.root, todoGraph(2), agent, { files });
    expect(result.status).toBe('succeeded');
    expect(await readFile(join(ws.root, 'src/many.ts'), 'utf8')).toBe(todoFile(2));
    expect(Object.values(result.nodes).map((s) => s.change?.outcome)).toEqual(['dry-run', 'dry-run']);
    expect(await files.patch()).toBe(unifiedDiff('src/many.ts', todoFile(2), `${impl(0)}\n\n${impl(1)}\n`));
  }, 60_000);
});

describe('review closes the loop', () => {
  it('queues below the threshold; approve applies; a re-run skips applied, approved and waiting nodes', async () => {
    const ws = await makeWorkspace({ 'src/many.ts': todoFile(3) });
    cleanup.push(ws.dispose);
    const calls: string[] = [];
    const agent: Agent = {
      name: 'fixed',
      kind: 'custom',
      generate: async (r) => {
        calls.push(r.node.id);
        return { text: `\`\`\`ts\n${impl(Number(r.node.id.slice(1)))}\n\`\`\`` };
      },
    };
    const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
    const graph = todoGraph(3);
    // f1 and f2 are queued (threshold above any confidence); f0 is applied (threshold 0).
    const runsDir = join(ws.root, '.st3', 'runs');
    const first = await runWith(ws.root, { nodes: [graph.nodes[0]!], edges: [] }, agent, { queue, reviewBelow: 0 });
    expect(first.result.nodes.f0!.change!.outcome).toBe('applied');
    const second = await runWith(ws.root, { nodes: graph.nodes.slice(1), edges: [] }, agent, {
      queue,
      reviewBelow: 1.01,
      runId: 'run-2',
    });
    expect(second.result.nodes.f1!.change).toMatchObject({
      outcome: 'queued',
      reviewItem: expect.stringMatching(/^r\d$/),
    });
    expect((await queue.list()).map((i) => i.nodeId).sort()).toEqual(['f1', 'f2']);
    const unchanged = await readFile(join(ws.root, 'src/many.ts'), 'utf8');
    expect(unchanged).toContain('// TODO: f1');

    const files = createWorkspaceFiles(ws.root);
    const service = createReviewService({ queue, files });
    const f1 = (await queue.list()).find((i) => i.nodeId === 'f1')!;
    const approved = await service.approve(f1.id, { by: 'ana' });
    expect(approved).toMatchObject({ status: 'approved', applied: { by: 'ana' } });
    const text = await readFile(join(ws.root, 'src/many.ts'), 'utf8');
    expect(text).toContain(impl(1));
    expect(approved.applied!.sha256).toBe(sha256(text));

    // Re-run everything: nothing is generated again, nothing is queued twice.
    calls.length = 0;
    const prior = await priorOutcomes(runsDir, queue);
    expect(prior.done).toEqual({
      f0: 'applied by run-x',
      f1: expect.stringContaining('approved'),
      f2: expect.stringContaining('waiting for review'),
    });
    const store = createFileRunStore(runsDir);
    const again = await execute(
      graph,
      createAgentRunner({
        agent,
        instruction: 'x',
        files,
        validator: createValidator({ root: ws.root, files, gates: false }),
        runId: 'run-y',
        queue,
      }),
      {
        runId: 'run-y',
        store,
        done: prior.done,
      },
    );
    expect(again.status).toBe('succeeded');
    expect(calls).toEqual([]);
    expect(await queue.list()).toHaveLength(2);
  }, 60_000);
});

describe('resume after a crash between checkpoint and write', () => {
  it('a checkpointed change already in the file is recognised; one not written yet is generated again, once', async () => {
    const ws = await makeWorkspace({ 'src/many.ts': todoFile(2) });
    cleanup.push(ws.dispose);
    const graph = todoGraph(2);
    const store = createFileRunStore(join(ws.root, '.st3', 'runs'));
    const written = `${impl(0)}\n\n${todoFile(2).split('\n').slice(5).join('\n')}`;
    await writeFile(join(ws.root, 'src/many.ts'), written);
    // The state a SIGKILL leaves: f0 checkpointed and written, f1 checkpointed but not written.
    const crashed = await execute(graph, async () => new Promise(() => undefined), {
      runId: 'run-c',
      signal: AbortSignal.timeout(50),
    });
    const state: RunState = JSON.parse(JSON.stringify(crashed.state));
    state.status = 'running';
    const change = (before: string, after: string) => ({
      file: 'src/many.ts',
      outcome: 'applying' as const,
      beforeSha256: sha256(before),
      afterSha256: sha256(after),
      diff: unifiedDiff('src/many.ts', before, after),
    });
    state.nodes.f0 = { status: 'running', attempts: [], change: change(todoFile(2), written) };
    state.nodes.f1 = { status: 'running', attempts: [], change: change(written, 'never written\n') };
    await store.save(state);

    const calls: string[] = [];
    const agent: Agent = {
      name: 'fixed',
      kind: 'custom',
      generate: async (r) => {
        calls.push(r.node.id);
        return { text: `\`\`\`ts\n${impl(Number(r.node.id.slice(1)))}\n\`\`\`` };
      },
    };
    const files = createWorkspaceFiles(ws.root);
    const runner = createAgentRunner({
      agent,
      instruction: 'x',
      files,
      validator: createValidator({ root: ws.root, files, gates: false }),
      runId: 'run-c',
      graph,
    });
    const resumed = await execute(graph, runner, { resume: await store.load('run-c'), store });
    expect(resumed.status).toBe('succeeded');
    expect(calls).toEqual(['f1']);
    expect(resumed.nodes.f0!.change!.outcome).toBe('applied');
    expect(await readFile(join(ws.root, 'src/many.ts'), 'utf8')).toBe(`${impl(0)}\n\n${impl(1)}\n`);
  }, 60_000);
});

describe('runAgentExecution', () => {
  it('writes the run record and .st3/runs/<id>.patch; a dry run writes only those; a re-run skips what was applied', async () => {
    const { runAgentExecution } = await import('../src/index.js');
    const ws = await makeWorkspace({ 'src/many.ts': todoFile(2) });
    cleanup.push(ws.dispose);
    const agent: Agent = {
      name: 'fixed',
      kind: 'custom',
      generate: async (r) => ({ text: `\`\`\`ts\n${impl(Number(r.node.id.slice(1)))}\n\`\`\`` }),
    };
    const graph = todoGraph(2);
    const dry = await runAgentExecution({
      root: ws.root,
      graph,
      agent,
      instruction: 'x',
      dryRun: true,
      runId: 'run-dry',
    });
    expect(dry.patchFile).toBe(join(ws.root, '.st3', 'runs', 'run-dry.patch'));
    expect(await readFile(dry.patchFile!, 'utf8')).toContain('+  x += 0;');
    expect(await readFile(join(ws.root, 'src/many.ts'), 'utf8')).toBe(todoFile(2));
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(ws.root, '.st3', 'review'))).toBe(false);

    const real = await runAgentExecution({ root: ws.root, graph, agent, instruction: 'x', runId: 'run-real' });
    expect(real.status).toBe('succeeded');
    expect(await readFile(join(ws.root, 'src/many.ts'), 'utf8')).toBe(`${impl(0)}\n\n${impl(1)}\n`);
    const again = await runAgentExecution({ root: ws.root, graph, agent, instruction: 'x', runId: 'run-again' });
    expect(again.alreadyDone).toEqual({ f0: 'applied by run-real', f1: 'applied by run-real' });
    expect(again.patchFile).toBeUndefined();
    expect(again.stats).toMatchObject({ reused: 2, attempts: 0 });
  }, 60_000);
});

describe('a re-run on a fresh atomization', () => {
  /** The graph `st3 execute src` builds: the atomizer's atoms, whose ids end with the digest of their code. */
  async function atomGraph(root: string, path: string): Promise<GraphInput> {
    const { atomizeSource } = await import('@st3/atomizer');
    const rec = await atomizeSource(await readFile(join(root, path), 'utf8'), path);
    if (!('atoms' in rec)) throw new Error(`not atomized: ${path}`);
    const atoms = rec.atoms.filter((a) => a.kind === 'function');
    return {
      nodes: atoms.map((a) => ({ id: a.id, path, startLine: a.startLine, endLine: a.endLine, code: a.code })),
      edges: [],
    };
  }

  it('skips the atoms an earlier run wrote or a reviewer approved, though their code (and so their id) changed', async () => {
    const { runAgentExecution } = await import('../src/index.js');
    const ws = await makeWorkspace({ 'src/many.ts': todoFile(3) });
    cleanup.push(ws.dispose);
    const asked: string[] = [];
    const agent: Agent = {
      name: 'fixed',
      kind: 'custom',
      generate: async (r) => {
        const i = Number(/export function f(\d+)/.exec(r.messages.at(-1)!.content)![1]);
        asked.push(`f${i}`);
        // f2's answer uses `var`, a detected issue: its confidence is lower and it goes to review.
        const code = i === 2 ? impl(2).replace('  x += 0;', '  var y = 0;\n  x += y;') : impl(i);
        return { text: `\`\`\`ts\n${code}\n\`\`\`` };
      },
    };
    const first = await runAgentExecution({
      root: ws.root,
      graph: await atomGraph(ws.root, 'src/many.ts'),
      agent,
      instruction: 'x',
      runId: 'run-1',
      // Without gates (not measured) a clean change scores about 0.85, f2 with its issue about 0.82.
      reviewBelow: 0.84,
      gates: false,
    });
    expect(first.status, JSON.stringify(first.nodes)).toBe('succeeded');
    expect(asked.sort()).toEqual(['f0', 'f1', 'f2']);
    const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
    const [item] = await queue.list();
    expect(item?.nodeId).toMatch(/^src\/many\.ts#L10-/);
    await createReviewService({ queue, files: createWorkspaceFiles(ws.root) }).approve(item!.id, {});

    // The atomizer now gives f0..f2 new ids (new code, new lines); none is generated again.
    asked.length = 0;
    const graph = await atomGraph(ws.root, 'src/many.ts');
    expect(graph.nodes.map((n) => n.id).filter((id) => first.nodes[id])).toEqual([]);
    const again = await runAgentExecution({
      root: ws.root,
      graph,
      agent,
      instruction: 'x',
      runId: 'run-2',
      gates: false,
    });
    expect(asked).toEqual([]);
    const why = Object.values(again.alreadyDone);
    expect(why.filter((w) => /^written by run-1 \(src\/many\.ts#L\d+-L\d+@\w+\)$/.test(w))).toHaveLength(2);
    expect(why.filter((w) => w === `written in review (${item!.id})`)).toHaveLength(1);
    expect(again.stats).toMatchObject({ reused: 3, attempts: 0 });
  }, 60_000);
});

describe('atoms with blank lines at their edges', () => {
  it('an answer without them does not glue the atom to its neighbours (atoms from the atomizer carry the blank line before them)', async () => {
    const ws = await makeWorkspace({ 'src/many.ts': todoFile(2) });
    cleanup.push(ws.dispose);
    const lines = todoFile(2).split('\n');
    // As the atomizer gives it: the blank line between the functions belongs to the second atom.
    const graph: GraphInput = {
      nodes: [{ id: 'f1', path: 'src/many.ts', startLine: 5, endLine: 9, code: lines.slice(4, 9).join('\n') }],
      edges: [],
    };
    const prompts: string[] = [];
    const agent: Agent = {
      name: 'fixed',
      kind: 'custom',
      generate: async (r) => {
        prompts.push(r.messages[1]!.content);
        return { text: `\`\`\`ts\n${impl(1)}\n\`\`\`` };
      },
    };
    const { result } = await runWith(ws.root, graph, agent);
    expect(result.status).toBe('succeeded');
    expect(prompts[0]).toContain('## The atom: src/many.ts lines 6-9');
    expect(await readFile(join(ws.root, 'src/many.ts'), 'utf8')).toBe(`${lines.slice(0, 5).join('\n')}\n${impl(1)}\n`);
  }, 60_000);
});
