// The built `st3` against the built MCP server (official SDK client) on inputs the atomizer cannot take
// whole: both read them with loadGraphInputs of @st3/dep-graph, so they give the same verdict, error
// code and line:col. A source file that was skipped (binary, unknown language, unreadable) is not
// validated: validate-plan never passes with one, and graph/waves list it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectMcp, failure, texts, type Connection } from '../src/mcp-client.js';
import { json, runSt3, st3Bin, type CliResult } from '../src/run-cli.js';

const FILES: Record<string, string | Buffer> = {
  'src/a.ts': 'export function a(n: number): number {\n  return n + 1;\n}\n',
  'src/b.ts': "import { a } from './a.js';\n\nexport function b(): number {\n  return a(2);\n}\n",
  // A NUL byte: skipped as a binary file.
  'lib/bin.ts': Buffer.from('export const z = 1;\0\n'),
  'lib/c.ts': 'export function c(): number {\n  return 3;\n}\n',
  'foo.rb': 'puts 1\n',
  'notes.txt': 'hello\n',
  // A syntax error: atomized as far as it parses, with located warnings.
  'broken/x.ts': 'export function x(: number {\n  return 1;\n}\n',
  'd.json': '{"nodes":[{"id":"a"},{"id":"b"}],"edges":[{"from":"a","to":"b","from":"b"}]}',
  't.json': '{"nodes":[{"id":"a"}],\n "edges":[',
};

let dir = '';
let conn: Connection | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-graph-inputs-'));
  for (const [path, content] of Object.entries(FILES)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await mkdir(join(dir, '.st3'));
  conn = await connectMcp(dir);
});
afterAll(async () => {
  await conn?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const st3 = (...args: string[]): Promise<CliResult> => runSt3(args, { cwd: dir });
const TOOL = { graph: 'dependency_graph', waves: 'waves', 'validate-plan': 'validate_plan' } as const;

async function toolError(name: string, args: Record<string, unknown>) {
  expect(await failure(conn!.client, name, args)).toMatch(/^E_/);
  const r = (await conn!.client.callTool({ name, arguments: args })) as CallToolResult;
  return (JSON.parse(texts(r)[1]!) as { error: Record<string, unknown> }).error;
}

describe('graph inputs: the CLI and the MCP tools agree', () => {
  it('nothing atomizable (a .txt, a binary .ts): E_ATOMIZE_NO_FILES from every verb and tool', async () => {
    for (const verb of ['graph', 'waves', 'validate-plan'] as const)
      for (const input of ['notes.txt', 'lib/bin.ts']) {
        const cli = await st3(verb, input, '--json');
        expect(cli.code, `${verb} ${input}`).toBe(2);
        expect(json(cli).error.code).toBe('E_ATOMIZE_NO_FILES');
        expect((await toolError(TOOL[verb], { paths: [input] })).code).toBe('E_ATOMIZE_NO_FILES');
      }
  });

  it('validate-plan with a skipped file: failed (exit 1, isError), the same JSON document', async () => {
    for (const inputs of [['lib'], ['src', 'foo.rb']]) {
      const cli = await st3('validate-plan', ...inputs, '--json');
      expect(cli.code, cli.stdout + cli.stderr).toBe(1);
      const doc = json(cli);
      expect(doc).toMatchObject({ ok: false, passed: false });
      expect(doc.skipped).toHaveLength(1);
      const r = await call(conn!.client, 'validate_plan', { paths: inputs });
      expect(r.isError).toBe(true);
      expect(r.structuredContent).toEqual(doc);
      const text = await st3('validate-plan', ...inputs);
      expect(text.stdout).toContain(`failed (1 source file not atomized, so not validated: ${doc.skipped[0].path})`);
    }
  });

  it('validate-plan over a file with syntax errors: the same JSON document, its located warnings included', async () => {
    const cli = await st3('validate-plan', 'broken', '--json');
    const doc = json(cli);
    expect(doc.warnings.length).toBeGreaterThan(0);
    expect(doc.warnings[0]).toMatchObject({ file: 'broken/x.ts', line: 1 });
    const r = await call(conn!.client, 'validate_plan', { paths: ['broken'] });
    expect(r.isError).toBe(cli.code !== 0);
    expect(r.structuredContent).toEqual(doc);
  });

  it('graph and waves with a skipped file: the same graph and the same skipped list', async () => {
    const cli = json(await st3('graph', 'src', 'lib', '--json'));
    const tool = (await call(conn!.client, 'dependency_graph', { paths: ['src', 'lib'] })).structuredContent as any;
    expect(cli.skipped).toEqual([{ path: 'lib/bin.ts', reason: 'binary file (NUL bytes)' }]);
    expect(tool.skipped).toEqual(cli.skipped);
    expect(tool.nodes).toEqual(cli.nodes);
    expect(tool.edges).toEqual(cli.edges);
    const waves = json(await st3('waves', 'src', 'foo.rb', '--json'));
    const toolWaves = (await call(conn!.client, 'waves', { paths: ['src', 'foo.rb'] })).structuredContent as any;
    expect(waves.skipped).toHaveLength(1);
    expect(toolWaves.skipped).toEqual(waves.skipped);
    expect(toolWaves.waves).toEqual(waves.waves);
  });

  it('a JSON graph with a repeated key, or one that ends early: E_PARSE at the same line:col', async () => {
    for (const [input, line, column] of [
      ['d.json', 1, 64],
      ['t.json', 2, 10],
    ] as const)
      for (const verb of ['graph', 'waves'] as const) {
        const cli = await st3(verb, input, '--json');
        expect(cli.code).toBe(1);
        expect(json(cli).error).toMatchObject({ code: 'E_PARSE', file: input, line, column });
        expect(await toolError(TOOL[verb], { paths: [input] })).toMatchObject({ code: 'E_PARSE', line, column });
      }
  });
});

/** Runs the built `st3` as the user `nobody` (who cannot read a chmod 000 file, as root can). */
function st3AsNobody(cwd: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('runuser', ['-u', 'nobody', '--', process.execPath, st3Bin, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const asRoot = process.getuid?.() === 0 && existsSync('/usr/sbin/runuser');

describe.runIf(asRoot)('an unreadable source file (chmod 000, read as nobody)', () => {
  it('validate-plan does not pass; graph lists it', async () => {
    const ws = await mkdtemp(join(tmpdir(), 'st3-unreadable-'));
    try {
      await mkdir(join(ws, 'src'));
      await writeFile(join(ws, 'src/a.ts'), FILES['src/a.ts']!);
      await writeFile(join(ws, 'src/z.ts'), 'export const z = 1;\n');
      await chmod(ws, 0o755);
      await chmod(join(ws, 'src'), 0o755);
      await chmod(join(ws, 'src/z.ts'), 0o000);
      const text = await st3AsNobody(ws, 'validate-plan', 'src');
      expect(text.code, text.stdout + text.stderr).toBe(1);
      expect(text.stdout).toContain('failed (1 source file not atomized, so not validated: src/z.ts)');
      const doc = json(await st3AsNobody(ws, 'validate-plan', 'src', '--json'));
      expect(doc).toMatchObject({ ok: false, passed: false, skipped: [{ path: 'src/z.ts' }] });
      expect(doc.skipped[0].reason).toMatch(/EACCES/);
      const graph = await st3AsNobody(ws, 'graph', 'src', '--json');
      expect(graph.code).toBe(0);
      expect(json(graph).skipped).toEqual([{ path: 'src/z.ts', reason: expect.stringMatching(/EACCES/) }]);
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  });
});
