import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSt3Error, RunStateSchema, type GraphInput } from '@st3/schemas';
import { createFileRunStore, execute, priorOutcomes, type FileRunStore } from '../src/index.js';

const graph: GraphInput = {
  nodes: ['a', 'b', 'c', 'd'].map((id) => ({ id })),
  edges: [
    { from: 'a', to: 'b' },
    { from: 'b', to: 'c' },
    { from: 'a', to: 'd' },
  ],
};

let dir: string;
let store: FileRunStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-exec-'));
  store = createFileRunStore(join(dir, '.st3', 'runs'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('durable runs', () => {
  it('saves the run state atomically and in the schema, ending with the final status', async () => {
    const r = await execute(graph, async (n) => ({ out: n.id }), { store, runId: 'run-1' });
    const text = await readFile(store.pathOf('run-1'), 'utf8');
    const saved = RunStateSchema.parse(JSON.parse(text));
    expect(saved.status).toBe('succeeded');
    expect(saved.nodes.c!.result).toEqual({ out: 'c' });
    expect(saved.stats).toMatchObject({ succeeded: 4 });
    expect(r.state.graphHash).toBe(saved.graphHash);
    // No temp files left behind.
    expect(await readdir(store.dir)).toEqual(['run-1.json']);
    expect(await store.list()).toEqual({
      runs: [{ id: 'run-1', status: 'succeeded', updatedAt: saved.updatedAt, nodes: 4 }],
      unreadable: [],
    });
  });

  it('lists a record it cannot read or that fails its schema as unreadable (located), never skips it', async () => {
    await execute(graph, async (n) => n.id, { store, runId: 'run-1' });
    const good = JSON.parse(await readFile(store.pathOf('run-1'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(store.dir, 'run-2.json'), '{"version": 1,\n  "id": ');
    await writeFile(
      join(store.dir, 'run-3.json'),
      JSON.stringify({ ...good, id: 'run-3', status: 'failed', nodes: 7 }),
    );
    const listing = await store.list();
    expect(listing.runs.map((r) => r.id)).toEqual(['run-1']);
    expect(listing.unreadable).toEqual([
      {
        id: 'run-2',
        file: store.pathOf('run-2'),
        code: 'E_PARSE',
        message: expect.stringMatching(/^run record .*run-2\.json is unreadable: /),
        line: 2,
        column: expect.any(Number),
        hint: expect.stringContaining('its status is unknown'),
      },
      expect.objectContaining({ id: 'run-3', file: store.pathOf('run-3'), code: 'E_SCHEMA', line: 1 }),
    ]);
  });

  it('a runs folder that cannot be listed is E_FILE_READ for the listing and the ledger, never "no runs"', async () => {
    // A link looping onto itself cannot be listed (ELOOP), as a folder of another user cannot (EACCES).
    await mkdir(join(dir, '.st3'), { recursive: true });
    await symlink(store.dir, store.dir);
    await expect(store.list()).rejects.toMatchObject({ code: 'E_FILE_READ', file: store.dir });
    // Taken for empty, every atom an earlier run applied would be generated and written again.
    await expect(priorOutcomes(store.dir)).rejects.toMatchObject({ code: 'E_FILE_READ', file: store.dir });
    // Nothing there at all is no run yet.
    expect(await priorOutcomes(join(dir, 'none'))).toMatchObject({ done: {} });
  });

  it('resumes an interrupted run without redoing the nodes that succeeded', async () => {
    const controller = new AbortController();
    const first = await execute(
      graph,
      async (n) => {
        if (n.id === 'b') {
          controller.abort();
          throw new Error('interrupted');
        }
        return n.id;
      },
      { store, runId: 'run-2', signal: controller.signal, concurrency: 1 },
    );
    expect(first.status).toBe('cancelled');
    const saved = await store.load('run-2');
    expect(saved.status).toBe('cancelled');
    expect(saved.nodes.a!.status).toBe('succeeded');

    const ran: string[] = [];
    const second = await execute(
      saved.graph,
      async (n) => {
        ran.push(n.id);
        return n.id;
      },
      { store, resume: saved },
    );
    expect(second.runId).toBe('run-2');
    expect(second.status).toBe('succeeded');
    expect(ran.sort()).toEqual(['b', 'c', 'd'].filter((id) => saved.nodes[id]!.status !== 'succeeded'));
    expect(ran).not.toContain('a');
    expect(second.nodes.a).toMatchObject({ status: 'succeeded', reused: true, result: 'a' });
    expect(second.stats.reused).toBeGreaterThanOrEqual(1);
    expect(second.nodes.b!.previousAttempts?.length).toBe(1);
    expect((await store.load('run-2')).status).toBe('succeeded');
  });

  it('resumes after a crash mid-run (state saved with nodes still "running")', async () => {
    // What a killed process leaves behind: a state file written while b was running.
    await execute(graph, async () => undefined, { store, runId: 'run-3' });
    const crashed = await store.load('run-3');
    crashed.status = 'running';
    crashed.nodes.b!.status = 'running';
    crashed.nodes.c!.status = 'pending';
    const ran: string[] = [];
    const r = await execute(crashed.graph, async (n) => void ran.push(n.id), { resume: crashed });
    expect(ran).toEqual(['b', 'c']);
    expect(r.status).toBe('succeeded');
  });

  it('refuses to resume with a different graph, and reports unknown run ids', async () => {
    const r = await execute(graph, async () => undefined, { store, runId: 'run-4' });
    const other = { ...graph, edges: [...graph.edges, { from: 'd', to: 'c' }] };
    await expect(execute(other, async () => undefined, { resume: r.state })).rejects.toSatisfy((e: unknown) =>
      isSt3Error(e, 'E_RUN_MISMATCH'),
    );
    await expect(store.load('nope')).rejects.toSatisfy((e: unknown) => isSt3Error(e, 'E_RUN_NOT_FOUND'));
    expect(() => store.pathOf('../escape')).toThrow(/invalid run id/);
  });
});
