import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { repoRoot, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

const SKIP = new Set([
  'node_modules',
  '.turbo',
  '.mypy_cache',
  '.pytest_cache',
  '.benchmarks',
  'metrics',
  'scratch',
  'cache',
]);

function texts(r: CallToolResult): string[] {
  return r.content.map((c) => (c.type === 'text' ? c.text : `<${c.type}>`));
}

/** Spawns the BUILT `st3 mcp --cwd <dir>` and speaks JSON-RPC with it over stdio through the SDK client. */
async function withServer<T>(dir: string, fn: (client: Client, stderr: () => string) => Promise<T>): Promise<T> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [st3Bin, 'mcp', '--cwd', dir],
    cwd: repoRoot,
    stderr: 'pipe',
    env: { ...process.env, NO_COLOR: '1' } as Record<string, string>,
  });
  let err = '';
  transport.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const client = new Client({ name: 'st3-e2e', version: '1.0.0' });
  await client.connect(transport);
  try {
    return await fn(client, () => err);
  } finally {
    await client.close();
  }
}

const QUALITY = `version: "1.1"
active_gates: [todo]
project_scope:
  include_globs: ["src/**/*.ts"]
gates:
  todo:
    name: "No TODO"
    execution:
      command: [node, todo-lint.mjs]
      timeout_seconds: 60
    success:
      exit_codes_ok: [0]
    capabilities:
      file_types: [".ts"]
      supports_autofix: false
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+):(?P<line>\\d+): (?P<message>.*)$'
        severity_default: error
`;
const TODO_LINT = `import { readFileSync } from 'node:fs';
let n = 0;
for (const f of process.argv.slice(2))
  readFileSync(f, 'utf8').split('\\n').forEach((l, i) => { if (l.includes('TODO')) { n++; console.log(f + ':' + (i + 1) + ': todo left'); } });
process.exit(n > 0 ? 1 : 0);
`;

/** A committed git repository with one gate (a node script flagging TODO) and two sources. */
async function gateRepo(dir: string): Promise<void> {
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, '.st3/config/quality.yaml'), QUALITY);
  await writeFile(join(dir, 'todo-lint.mjs'), TODO_LINT);
  await writeFile(join(dir, 'src/a.ts'), 'export const a = 1;\n');
  await writeFile(join(dir, 'src/b.ts'), 'export const b = 2;\n');
  await writeFile(join(dir, '.gitignore'), '.st3/state.json\n.st3/logs/\n');
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@e',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@e',
      },
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
}

/** The gate section of state.json without its clock readings, the repository's HEAD written as "HEAD". */
async function gateState(dir: string): Promise<unknown> {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  const state = JSON.parse(await readFile(join(dir, '.st3/state.json'), 'utf8')) as { quality_gates?: unknown };
  return JSON.parse(JSON.stringify(state.quality_gates ?? null), (key, value: unknown) =>
    /(_at|time|timestamp|date)$/i.test(key) ? '<time>' : value === head ? 'HEAD' : value,
  );
}

describe('run_quality_gates over MCP keeps the baseline exactly as st3 gates does', () => {
  it('same state.json after a failing files run, then after a green project run', async () => {
    await withTempDir(async (root) => {
      const viaMcp = join(root, 'mcp');
      const viaCli = join(root, 'cli');
      await Promise.all([gateRepo(viaMcp), gateRepo(viaCli)]);
      for (const dir of [viaMcp, viaCli]) await writeFile(join(dir, 'src/b.ts'), 'export const b = 2; // TODO\n');
      await withServer(viaMcp, async (client) => {
        const failing = (await client.callTool({
          name: 'run_quality_gates',
          arguments: { files: ['src/b.ts'] },
        })) as CallToolResult;
        expect(failing.isError).toBe(true);
        const cli = await runSt3(['gates', '--files', 'src/b.ts', '--json', '--cwd', viaCli]);
        expect(cli.code).toBe(1);
        expect(await gateState(viaMcp)).toEqual(await gateState(viaCli));
        expect(JSON.stringify(await gateState(viaMcp))).toContain('src/b.ts');

        for (const dir of [viaMcp, viaCli]) await writeFile(join(dir, 'src/b.ts'), 'export const b = 2;\n');
        const green = (await client.callTool({
          name: 'run_quality_gates',
          arguments: { scope: 'project' },
        })) as CallToolResult;
        expect(green.isError ?? false).toBe(false);
        expect((await runSt3(['gates', '--scope', 'project', '--json', '--cwd', viaCli])).code).toBe(0);
        const [a, b] = [await gateState(viaMcp), await gateState(viaCli)];
        expect(a).toEqual(b);
        expect(a).toMatchObject({ baseline_sha: 'HEAD' });
        expect(JSON.stringify(a)).not.toContain('src/b.ts');
      });
    });
  });
});

describe('st3 mcp (built binary over stdio)', () => {
  it('initializes, lists the tools and answers tool calls', async () => {
    await withTempDir(async (dir) => {
      await cp(join(repoRoot, 'examples'), dir, { recursive: true, filter: (src) => !SKIP.has(basename(src)) });
      await writeFile(join(dir, 'py/shop/bad.py'), 'import os\n');
      // the Python profile (flake8 from the system) as the workspace's quality config
      await cp(join(dir, '.st3/config/quality-python.yaml'), join(dir, '.st3/config/quality.yaml'));
      await withServer(dir, async (client, stderr) => {
        expect(client.getServerVersion()).toMatchObject({ name: 'st3' });
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toEqual(
          expect.arrayContaining([
            'validate_files',
            'run_quality_gates',
            'atomize',
            'complexity',
            'dependency_graph',
            'scaffold_artifact',
            'list_artifact_types',
            'check_scaffolded',
            'task_show',
            'task_validate',
          ]),
        );

        const validated = (await client.callTool({
          name: 'validate_files',
          arguments: { paths: ['.st3/config/quality.yaml', 'tasks'] },
        })) as CallToolResult;
        expect(validated.isError ?? false).toBe(false);
        expect(JSON.parse(texts(validated)[1]!)).toMatchObject({ ok: true, summary: { invalid: 0 } });

        const gates = (await client.callTool({
          name: 'run_quality_gates',
          arguments: { files: ['py/shop/bad.py'], gates: ['flake8'] },
        })) as CallToolResult;
        expect(gates.content).toHaveLength(2);
        const run = JSON.parse(texts(gates)[1]!);
        expect(texts(gates)[0]).toBe(run.summary);
        expect(run.overall_pass).toBe(false);
        expect(run.gates[0].violations[0]).toMatchObject({ file: 'py/shop/bad.py', line: 1, rule: 'F401' });

        const atoms = (await client.callTool({
          name: 'atomize',
          arguments: { paths: ['src', 'py/shop/cart.py'] },
        })) as CallToolResult;
        const doc = JSON.parse(texts(atoms)[1]!);
        expect(doc.files.map((f: { path: string }) => f.path)).toEqual(
          expect.arrayContaining(['py/shop/cart.py', 'src/pricing.ts']),
        );
        expect(doc.files[0].atoms[0]).toHaveProperty('atomicity');

        const graph = (await client.callTool({
          name: 'dependency_graph',
          arguments: { paths: ['src'] },
        })) as CallToolResult;
        const g = JSON.parse(texts(graph)[1]!);
        expect(g.waves.length).toBeGreaterThan(0);
        expect(g.waves.flat()).toHaveLength(g.nodes.length);
        const mermaid = (await client.callTool({
          name: 'dependency_graph',
          arguments: { paths: ['src'], format: 'mermaid' },
        })) as CallToolResult;
        expect(JSON.parse(texts(mermaid)[1]!).export).toMatch(/^(flowchart|graph)/);
        expect(mermaid.structuredContent).toEqual(JSON.parse(texts(mermaid)[1]!));

        const escape = (await client.callTool({
          name: 'validate_files',
          arguments: { paths: ['../../etc/passwd'] },
        })) as CallToolResult;
        expect(escape.isError).toBe(true);
        expect(texts(escape)[0]).toMatch(/^E_PATH_ESCAPE: /);
        expect(JSON.parse(texts(escape)[1]!)).toMatchObject({ ok: false, error: { code: 'E_PATH_ESCAPE' } });

        expect(stderr()).toContain('serving');
      });
    });
  });

  it('a big waves run goes to a worker thread: cheap calls keep being answered meanwhile', async () => {
    await withTempDir(async (dir) => {
      await cp(join(repoRoot, 'examples'), dir, { recursive: true, filter: (src) => !SKIP.has(basename(src)) });
      // A seeded random graph whose analysis (cycles cut, waves, critical path) holds a thread for seconds.
      let seed = 1;
      const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
      const n = 12_000;
      const edges = Array.from({ length: n * 3 }, () => [Math.floor(random() * n), Math.floor(random() * n)])
        .filter(([a, b]) => a !== b)
        .map(([a, b]) => ({ from: `n${a}`, to: `n${b}`, type: 'call' }));
      const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
      await writeFile(join(dir, 'big.graph.json'), JSON.stringify({ nodes, edges }));
      await withServer(dir, async (client, stderr) => {
        await client.callTool({ name: 'list_artifact_types', arguments: {} });
        let done = false;
        const heavy = client
          .callTool({ name: 'waves', arguments: { paths: ['big.graph.json'] } }, undefined, { timeout: 120_000 })
          .finally(() => (done = true)) as Promise<CallToolResult>;
        let answered = 0;
        while (!done) {
          const r = await client.callTool({ name: 'list_artifact_types', arguments: {} });
          expect(r.isError ?? false).toBe(false);
          if (!done) answered++;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const result = await heavy;
        expect(result.isError ?? false).toBe(false);
        expect((result.structuredContent as { stats: { nodes: number } }).stats.nodes).toBe(n);
        expect(answered).toBeGreaterThanOrEqual(5);
        await expect.poll(stderr).toMatch(/waves: ok in \d+ ms \(worker thread\)/);
      });
    });
  }, 180_000);

  it('answers the calls received before the end of input, then exits 0 with only JSON-RPC on stdout', async () => {
    const messages = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'complexity', arguments: { paths: ['src'], max: 2 } },
      },
    ];
    const r = await runSt3(['mcp', '--cwd', join(repoRoot, 'examples'), '--quiet'], {
      input: messages.map((m) => JSON.stringify(m)).join('\n') + '\n',
    });
    expect(r.code).toBe(0);
    const replies = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(replies.map((m) => m.id)).toEqual([1, 2]);
    expect(replies[1].result.content).toHaveLength(2);
    expect(JSON.parse(replies[1].result.content[1].text)).toMatchObject({ max: 2 });
    expect(r.stderr).toBe('');
  });

  it('refuses a --cwd that does not exist, on stderr, with nothing on stdout', async () => {
    const r = await runSt3(['mcp', '--cwd', join(repoRoot, 'no-such-dir-for-mcp')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('E_FILE_NOT_FOUND');
  });
});

describe('st3 mcp --http (built binary over Streamable HTTP)', () => {
  it('prints its URL, serves the tools on /mcp and stops on SIGINT with 130', async () => {
    await withTempDir(async (dir) => {
      await cp(join(repoRoot, 'examples'), dir, { recursive: true, filter: (src) => !SKIP.has(basename(src)) });
      const child = spawn(process.execPath, [st3Bin, 'mcp', '--cwd', dir, '--http', '--port', '0'], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      });
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      try {
        const url = await new Promise<string>((found, fail) => {
          const timer = setTimeout(() => fail(new Error(`no URL on stderr: ${stderr}`)), 20_000);
          child.stderr.on('data', (c: Buffer) => {
            stderr += c.toString();
            const m = /on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
            if (m) {
              clearTimeout(timer);
              found(m[1]!);
            }
          });
        });
        const client = new Client({ name: 'st3-e2e-http', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(url)));
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toContain('run_quality_gates');
        const r = (await client.callTool({
          name: 'validate_files',
          arguments: { paths: ['.st3/config/quality.yaml'] },
        })) as CallToolResult;
        expect(r.content).toHaveLength(2);
        expect(r.structuredContent).toMatchObject({ ok: true });
        await client.close();
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited).toBe(130);
      expect(stdout).toBe('');
    });
  });
});
