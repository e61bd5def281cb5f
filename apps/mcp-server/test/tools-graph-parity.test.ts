// The graph tools read their inputs with the CLI's own function (loadGraphInputs of @st3/dep-graph), so
// they say what `st3 graph`, `st3 waves` and `st3 validate-plan` say: nothing atomizable is
// E_ATOMIZE_NO_FILES (never "0 nodes, no cycles"), a skipped source file fails a plan and is listed,
// a key repeated in a JSON graph is E_PARSE at its line:col. And atomize's summary is the CLI's
// (summarizeProject). The built CLI against the built server: tests-e2e/test/graph-inputs-parity.test.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { summarizeProject } from '@st3/atomizer';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, failure, ok, texts, TRANSPORTS, type Connection, type TransportKind } from './harness.js';
import { makeWorkspace, type Workspace } from './workspace.js';

const PROBLEMS: Record<string, string | Buffer> = {
  'probe/notes.txt': 'hello\n',
  // A NUL byte: the atomizer skips it as a binary file.
  'probe/lib/bin.ts': Buffer.from('export const z = 1;\0\n'),
  'probe/lib/c.ts': 'export function c(n: number): number {\n  return n > 0 ? n : -n;\n}\n',
  'probe/foo.rb': 'puts 1\n',
  'probe/d.json': '{"nodes":[{"id":"a"},{"id":"b"}],"edges":[{"from":"a","to":"b","from":"b"}]}',
  'probe/t.json': '{"nodes":[{"id":"a"}],\n "edges":[',
};

async function setup(dir: string): Promise<void> {
  for (const [path, content] of Object.entries(PROBLEMS)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** The JSON error document of a failed call. */
async function errorOf(client: Parameters<typeof failure>[0], name: string, args: Record<string, unknown>) {
  const r = (await call(client, name, args)) as CallToolResult;
  expect(r.isError).toBe(true);
  return (JSON.parse(texts(r)[1]!) as { error: { code: string; file?: string; line?: number; column?: number } }).error;
}

/**
 * The example workspace with the problem files, and a client on it. `offload: false` runs the handlers of
 * these sources on the event loop; with offload the worker threads run the built server (dist).
 */
function session(transport: TransportKind, offload: boolean) {
  let ws: Workspace | undefined;
  let conn: Connection | undefined;
  beforeAll(async () => {
    ws = await makeWorkspace();
    await setup(ws.dir);
    conn = await connect(transport, ws.dir, { offload });
  });
  afterAll(async () => {
    await conn?.close();
    await ws?.cleanup();
  });
  return {
    get client() {
      return conn!.client;
    },
  };
}

const SESSIONS: [TransportKind, boolean][] = [
  ...TRANSPORTS.map((t): [TransportKind, boolean] => [t, false]),
  ['stdio', true],
];

describe.each(SESSIONS)('graph tools read inputs as the CLI does, over %s (offload %s)', (transport, offload) => {
  const c = session(transport, offload);

  it('nothing atomizable: E_ATOMIZE_NO_FILES from dependency_graph, waves and validate_plan', async () => {
    for (const tool of ['dependency_graph', 'waves', 'validate_plan'])
      for (const paths of [['probe/notes.txt'], ['probe/lib/bin.ts']])
        expect(await failure(c.client, tool, { paths }), `${tool} ${paths[0]}`).toBe('E_ATOMIZE_NO_FILES');
  });

  it('validate_plan: a skipped source file fails the plan (isError), listed in skipped and in the summary', async () => {
    for (const [paths, skipped] of [
      [['probe/lib'], 'probe/lib/bin.ts'],
      [['src', 'probe/foo.rb'], 'probe/foo.rb'],
    ] as const) {
      const r = await call(c.client, 'validate_plan', { paths });
      expect(r.isError, texts(r)[0]).toBe(true);
      expect(r.structuredContent).toMatchObject({ ok: false, passed: false, skipped: [{ path: skipped }] });
      expect(texts(r)[0]).toContain(`failed`);
      expect(texts(r)[0]).toContain(`1 source file not atomized, so not validated: ${skipped}`);
    }
    const clean = await ok(c.client, 'validate_plan', { paths: ['probe/lib/c.ts'] });
    expect(clean).toMatchObject({ passed: true, skipped: [] });
  });

  it('dependency_graph and waves: the graph of the other files, the skipped ones listed and warned about', async () => {
    const g = await ok(c.client, 'dependency_graph', { paths: ['src', 'probe/lib'] });
    expect(g.skipped).toEqual([{ path: 'probe/lib/bin.ts', reason: 'binary file (NUL bytes)' }]);
    expect(g.warnings).toContainEqual(expect.objectContaining({ file: 'probe/lib/bin.ts', severity: 'warning' }));
    expect(g.stats.nodes).toBeGreaterThan(2);
    const w = await call(c.client, 'waves', { paths: ['src', 'probe/foo.rb'] });
    expect(w.isError ?? false).toBe(false);
    expect((w.structuredContent as { skipped: unknown[] }).skipped).toEqual([
      { path: 'probe/foo.rb', reason: expect.stringContaining('unknown language') },
    ]);
    expect(texts(w)[0]).toContain('1 source file not atomized, so not in the waves: probe/foo.rb');
  });

  it('a JSON graph with a repeated key, or that ends early: E_PARSE at its line:col', async () => {
    for (const tool of ['dependency_graph', 'waves'])
      expect(await errorOf(c.client, tool, { paths: ['probe/d.json'] })).toMatchObject({
        code: 'E_PARSE',
        file: 'probe/d.json',
        line: 1,
        column: 64,
      });
    expect(await errorOf(c.client, 'dependency_graph', { paths: ['probe/t.json'] })).toMatchObject({
      code: 'E_PARSE',
      line: 2,
      column: 10,
    });
  });

  it("atomize: the summary is the CLI's, with the most complex functions and the least atomic atoms", async () => {
    const r = await ok(c.client, 'atomize', { paths: ['src', 'py'] });
    expect(r.summary).toEqual(summarizeProject(r.files));
    expect(r.summary.topComplexity.length).toBeGreaterThan(0);
    expect(r.summary.topComplexity[0]).toMatchObject({ path: expect.any(String), line: expect.any(Number) });
    expect(Array.isArray(r.summary.worstAtoms)).toBe(true);
  });
});
