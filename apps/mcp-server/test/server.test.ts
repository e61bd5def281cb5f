import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSt3McpServer, TOOL_NAMES } from '../src/index.js';
import { copyExamples } from './workspace.js';

let ws: { dir: string; cleanup: () => Promise<void> };
let client: Client;
const logs: string[] = [];

beforeAll(async () => {
  ws = await copyExamples();
  await writeFile(join(ws.dir, 'py/shop/bad.py'), 'import os\n\n\ndef f(x):\n    return x\n');
  const server = createSt3McpServer({ root: ws.dir, log: (l) => logs.push(l) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'test', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
});

afterAll(async () => {
  await client?.close();
  await ws?.cleanup();
});

async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function texts(r: CallToolResult): string[] {
  return r.content.map((c) => (c.type === 'text' ? c.text : `<${c.type}>`));
}

function doc<T = any>(r: CallToolResult): T {
  expect(r.isError ?? false, texts(r).join('\n')).toBe(false);
  expect(r.content).toHaveLength(2);
  return JSON.parse(texts(r)[1]!) as T;
}

describe('st3 MCP server (in-memory transport)', () => {
  it('lists every tool with an input schema and read-only hints', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...TOOL_NAMES]);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.validate_files!.inputSchema.required).toEqual(['paths']);
    expect(byName.scaffold_artifact!.annotations?.readOnlyHint).toBe(false);
    expect(byName.atomize!.annotations?.readOnlyHint).toBe(true);
  });

  it('validate_files: valid config files and a located error in a broken one', async () => {
    const ok = doc(await call('validate_files', { paths: ['.st3/config'] }));
    expect(ok.ok).toBe(true);
    expect(ok.files.map((f: any) => f.file)).toContain('.st3/config/quality.yaml');
    await writeFile(join(ws.dir, 'broken.task.yaml'), 'schema_version: "1.1"\nid: [unclosed\n');
    const bad = await call('validate_files', { paths: ['broken.task.yaml'] });
    const verdict = doc(bad);
    expect(verdict.ok).toBe(false);
    const line = verdict.files[0].errors[0].line;
    expect(line).toBeGreaterThanOrEqual(2);
    expect(texts(bad)[0]).toContain(`0 valid, 1 invalid; first error: broken.task.yaml:${line}:`);
  });

  it('run_quality_gates: exactly two content items, summary then the gate-run JSON', async () => {
    const r = await call('run_quality_gates', { files: ['py/shop/bad.py'], gates: ['flake8'] });
    expect(r.content).toHaveLength(2);
    const [summary, json] = texts(r);
    const result = JSON.parse(json!);
    expect(summary).toBe(result.summary);
    expect(result.overall_pass).toBe(false);
    expect(r.isError).toBe(true);
    const flake8 = result.gates.find((g: any) => g.id === 'flake8');
    expect(flake8.violations).toContainEqual(
      expect.objectContaining({ file: 'py/shop/bad.py', line: 1, rule: 'F401' }),
    );
    // read-only: no baseline is written to .st3/state.json (the example workspace ships none)
    expect(existsSync(join(ws.dir, '.st3/state.json'))).toBe(false);
  });

  it('atomize: the atomize JSON of the sources', async () => {
    const r = await call('atomize', { paths: ['src/pricing.ts'], targetLoc: 5, maxLoc: 12 });
    const out = doc(r);
    expect(out.files).toHaveLength(1);
    const file = out.files[0];
    expect(file).toMatchObject({ path: 'src/pricing.ts', language: 'typescript' });
    expect(file.atoms.length).toBeGreaterThan(0);
    for (const a of file.atoms) expect(a.loc).toBeLessThanOrEqual(12 + 5);
    expect(texts(r)[0]).toMatch(/^1 file, \d+ functions?, \d+ atoms?/);
  });

  it('atomize rejects targetLoc above maxLoc as a tool error', async () => {
    const r = await call('atomize', { paths: ['src'], targetLoc: 30, maxLoc: 10 });
    expect(r.isError).toBe(true);
    expect(texts(r)[0]).toMatch(/^E_ATOMIZE_OPTIONS: /);
  });

  it('complexity: per-function complexity, filtered by max', async () => {
    const all = doc(await call('complexity', { paths: ['src', 'py/shop'] }));
    const fns = all.files.flatMap((f: any) => f.functions);
    expect(fns.length).toBeGreaterThan(3);
    const top = Math.max(...fns.map((f: any) => f.complexity));
    const over = doc(await call('complexity', { paths: ['src', 'py/shop'], max: top - 1 }));
    expect(over.over).toBeGreaterThan(0);
    expect(over.files.flatMap((f: any) => f.functions).every((f: any) => f.complexity > top - 1)).toBe(true);
  });

  it('dependency_graph: nodes, edges and waves; DOT and Mermaid exports', async () => {
    const r = await call('dependency_graph', { paths: ['src'] });
    const g = doc(r);
    expect(g.nodes.length).toBeGreaterThan(0);
    expect(g.waves.flat().sort()).toEqual(g.nodes.map((n: any) => n.id).sort());
    const wave = new Map<string, number>();
    g.waves.forEach((w: string[], i: number) => w.forEach((id) => wave.set(id, i)));
    for (const e of g.edges)
      if (!g.removedEdges.some((x: any) => x.from === e.from && x.to === e.to))
        expect(wave.get(e.from)!).toBeLessThan(wave.get(e.to)!);
    expect(texts(await call('dependency_graph', { paths: ['src'], format: 'dot' }))[1]).toMatch(/^digraph/);
    expect(texts(await call('dependency_graph', { paths: ['src'], format: 'mermaid' }))[1]).toMatch(
      /^(flowchart|graph)/,
    );
    await writeFile(
      join(ws.dir, 'g.json'),
      JSON.stringify({ nodes: [{ id: 'a' }, { id: 'b' }], edges: [{ from: 'a', to: 'b' }] }),
    );
    expect(doc(await call('dependency_graph', { paths: ['g.json'] })).waves).toEqual([['a'], ['b']]);
  });

  it('list_artifact_types and scaffold_artifact: dry run by default, writes only when asked', async () => {
    const types = doc(await call('list_artifact_types'));
    expect(types.types.map((t: any) => t.type)).toContain('dto');
    const args = { type: 'dto', name: 'McpOrder', context: { fields: [{ name: 'id', type: 'string' }] } };
    const dry = doc(await call('scaffold_artifact', args));
    expect(dry.dryRun).toBe(true);
    expect(dry.changes.length).toBeGreaterThan(0);
    expect(dry.changes.every((c: any) => c.action === 'create')).toBe(true);
    const target = join(ws.dir, dry.files[0].path);
    expect(existsSync(target)).toBe(false);
    expect(dry.files[0].content).toContain('McpOrder');
    const wrote = doc(await call('scaffold_artifact', { ...args, dryRun: false }));
    expect(wrote.written).toContain(dry.files[0].path);
    const written = await readFile(target, 'utf8');
    expect(written).toBe(wrote.files[0].content);
    // the same file as planned, but for the created= timestamp of the provenance header
    const body = (text: string) =>
      text
        .split('\n')
        .filter((_, i) => i !== 1)
        .join('\n');
    expect(body(written)).toBe(body(dry.files[0].content));
    const check = doc(await call('check_scaffolded', { paths: [dry.files[0].path] }));
    expect(check.files[0]).toMatchObject({ path: dry.files[0].path, status: 'current' });
  });

  it('scaffold_artifact: language py renders a Python file', async () => {
    const dry = doc(
      await call('scaffold_artifact', {
        type: 'dto',
        name: 'McpInvoice',
        context: { fields: [{ name: 'id', type: 'string' }] },
        language: 'py',
      }),
    );
    expect(dry.files[0].path).toMatch(/\.py$/);
  });

  it('scaffold_artifact: an unknown type is a tool error with code and hint', async () => {
    const r = await call('scaffold_artifact', { type: 'no-such-type', name: 'X', context: {} });
    expect(r.isError).toBe(true);
    expect(texts(r)[0]).toMatch(/^E_ARTIFACT_UNKNOWN: /);
  });

  it('task_show and task_validate', async () => {
    const shown = doc(await call('task_show', { id: 'TASK-0001' }));
    expect(shown.location.id).toBe('TASK-0001');
    expect(shown.task).toBeTruthy();
    const all = doc(await call('task_validate'));
    expect(all.checked).toBeGreaterThanOrEqual(1);
    const missing = await call('task_show', { id: 'TASK-9999' });
    expect(missing.isError).toBe(true);
    expect(texts(missing)[0]).toMatch(/^E_[A-Z_]+: /);
  });

  it('refuses paths that leave the workspace root', async () => {
    for (const [tool, args] of [
      ['validate_files', { paths: ['../outside.yaml'] }],
      ['atomize', { paths: ['/etc'] }],
      ['atomize', { paths: ['../**/*.ts'] }],
      ['run_quality_gates', { files: ['../x.py'] }],
      ['task_validate', { paths: ['../../x.task.yaml'] }],
      ['dependency_graph', { paths: ['src/../../x.json'] }],
    ] as const) {
      const r = await call(tool, args);
      expect(r.isError, tool).toBe(true);
      expect(texts(r)[0], tool).toMatch(/^E_PATH_ESCAPE: .*\nhint: /);
    }
    const outside = join(tmpdir(), `st3-mcp-outside-${process.pid}`);
    await mkdir(outside, { recursive: true });
    await symlink(outside, join(ws.dir, 'link-out'));
    const viaLink = await call('validate_files', { paths: ['link-out'] });
    expect(texts(viaLink)[0]).toMatch(/^E_PATH_ESCAPE/);
  });

  it('rejects arguments that do not match the input schema', async () => {
    const r = await call('atomize', { paths: [] });
    expect(r.isError).toBe(true);
    expect(texts(r)[0]).toMatch(/paths/);
    expect(logs.some((l) => l.startsWith('atomize: '))).toBe(true);
  });
});
