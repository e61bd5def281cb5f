// `st3 execute` and the MCP `execute` tool on the same workspace: both resolve their settings, their
// graph and "nothing to run" with the same @st3/executor functions, so they reach the same outcome.
// One block per bug fixed: executor.yaml ignored by the tool, a resume losing its saved settings,
// onlyMatching on a {nodes, edges} graph, a green run of nothing, and confidence raised by gates that
// never ran.
import { cp, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMcp, failure, ok, type Connection } from '../src/mcp-client.js';
import { json, repoRoot, runSt3, type CliResult } from '../src/run-cli.js';

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
const EXECUTE = ['src/tax.ts', '--agent', 'example', '--only-matching', 'TODO', '--instruction', 'Implement the TODO'];
const TOOL_ARGS = { paths: ['src/tax.ts'], agent: 'example', onlyMatching: 'TODO', instruction: 'Implement the TODO' };

const dirs: string[] = [];
const connections: Connection[] = [];
afterAll(async () => {
  for (const c of connections) await c.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A workspace with the TODO stub, the example agent and `executor.yaml` (none when undefined); no quality.yaml. */
async function workspace(executorYaml: string | undefined, extra: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-exec-parity-'));
  dirs.push(dir);
  const files: Record<string, string> = {
    'src/tax.ts': TAX,
    '.st3/config/agents.yaml': AGENTS,
    'tools/flaky-agent.mjs': FLAKY,
    ...(executorYaml !== undefined ? { '.st3/config/executor.yaml': executorYaml } : {}),
    ...extra,
  };
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await cp(join(repoRoot, 'examples/tools/example-agent.mjs'), join(dir, 'tools/example-agent.mjs'));
  return dir;
}

const st3 = (cwd: string, ...args: string[]): Promise<CliResult> => runSt3(args, { cwd });

async function mcp(dir: string) {
  const c = await connectMcp(dir);
  connections.push(c);
  return c.client;
}

/** The one node of a run document (CLI `--json` or the tool's structuredContent). */
const onlyNode = <T>(nodes: Record<string, T>): T => {
  expect(Object.keys(nodes)).toHaveLength(1);
  return Object.values(nodes)[0]!;
};

const runOptions = async (dir: string, runId: string) =>
  (JSON.parse(await readFile(join(dir, '.st3/runs', `${runId}.json`), 'utf8')) as { options: Record<string, unknown> })
    .options;

describe('.st3/config/executor.yaml: the execute tool honours it as st3 execute does', () => {
  it('review_below 0.99 queues the change for review on both sides; the file is not changed', async () => {
    const config = 'version: 1\nreview_below: 0.99\n';
    const [a, b] = [await workspace(config), await workspace(config)];
    const cli = await st3(a, 'execute', ...EXECUTE, '--json');
    expect(cli.code, cli.stderr).toBe(0);
    expect(onlyNode(json(cli).nodes)).toMatchObject({ outcome: 'queued' });
    expect(await readFile(join(a, 'src/tax.ts'), 'utf8')).toBe(TAX);
    const tool = await ok(await mcp(b), 'execute', TOOL_ARGS);
    expect(onlyNode(tool.nodes as Record<string, { change: { outcome: string } }>).change.outcome).toBe('queued');
    expect(await readFile(join(b, 'src/tax.ts'), 'utf8')).toBe(TAX);
  }, 120_000);

  it('an invalid executor.yaml (review_below 7) is E_CONFIG_INVALID on both sides; nothing runs', async () => {
    const dir = await workspace('version: 1\nreview_below: 7\n');
    const cli = await st3(dir, 'execute', ...EXECUTE, '--json');
    expect(cli.code).toBe(2);
    expect(json(cli).error.code).toBe('E_CONFIG_INVALID');
    expect(await failure(await mcp(dir), 'execute', TOOL_ARGS)).toBe('E_CONFIG_INVALID');
    expect(await readFile(join(dir, 'src/tax.ts'), 'utf8')).toBe(TAX);
  }, 120_000);

  it('backend bullmq there: the tool refuses to run the nodes in its own process instead of ignoring it', async () => {
    const dir = await workspace('version: 1\nbackend: bullmq\nredis:\n  url: redis://127.0.0.1:1\n');
    const client = await mcp(dir);
    expect(await failure(client, 'execute', TOOL_ARGS)).toBe('E_BACKEND_OPTION');
    expect(await readFile(join(dir, 'src/tax.ts'), 'utf8')).toBe(TAX);
    await writeFile(join(dir, '.st3/config/executor.yaml'), 'version: 1\nbackend: bullmq\n');
    // The Redis URL is looked for as st3 execute looks for it: none is E_REDIS_URL on both sides.
    expect(await failure(client, 'execute', TOOL_ARGS)).toBe('E_REDIS_URL');
    const cli = await runSt3(['execute', ...EXECUTE, '--json'], { cwd: dir, env: { ST3_REDIS_URL: '' } });
    expect(json(cli).error.code).toBe('E_REDIS_URL');
  }, 120_000);
});

describe('resume: the execute tool keeps the saved run settings as st3 execute --resume does', () => {
  it('mode, concurrency, retries, timeout and backoff of the run survive its resume on both sides', async () => {
    const settings = { mode: 'waves', concurrency: 1, retries: 0, timeoutMs: 45_000, backoffMs: 10 };
    const resumed: Record<string, unknown>[] = [];
    for (const side of ['cli', 'mcp'] as const) {
      const dir = await workspace(undefined, { AGENT_DOWN: '' });
      const failed = await st3(
        dir,
        'execute',
        ...['src/tax.ts', '--agent', 'flaky', '--only-matching', 'TODO', '--instruction', 'Implement the TODO'],
        ...[
          '--mode',
          'waves',
          '--concurrency',
          '1',
          '--retries',
          '0',
          '--timeout',
          '45',
          '--backoff',
          '0.01',
          '--json',
        ],
      );
      expect(failed.code, failed.stderr).toBe(3);
      const runId = json(failed).runId as string;
      expect(await runOptions(dir, runId)).toMatchObject(settings);
      await unlink(join(dir, 'AGENT_DOWN'));
      if (side === 'cli') {
        const r = await st3(dir, 'execute', '--resume', runId, '--json');
        expect(r.code, r.stderr).toBe(0);
      } else {
        expect(await ok(await mcp(dir), 'execute', { resume: runId })).toMatchObject({ runId, status: 'succeeded' });
      }
      expect(await readFile(join(dir, 'src/tax.ts'), 'utf8')).toContain('Math.round');
      resumed.push(await runOptions(dir, runId));
    }
    expect(resumed[0]).toMatchObject(settings);
    expect(resumed[1]).toMatchObject(settings);
  }, 180_000);
});

describe('a {nodes, edges} graph with onlyMatching: both sides select its node by the code of its lines', () => {
  it('the TODO node of graph.json runs (dry) through st3 execute and the execute tool alike', async () => {
    const graph = { nodes: [{ id: 'tax', path: 'src/tax.ts', startLine: 1, endLine: 4 }], edges: [] };
    const dir = await workspace(undefined, { 'graph.json': JSON.stringify(graph) });
    const cli = await st3(
      dir,
      ...['execute', 'graph.json', '--agent', 'example', '--only-matching', 'TODO'],
      ...['--instruction', 'Implement the TODO', '--dry-run', '--json'],
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(Object.keys(json(cli).nodes)).toEqual(['tax']);
    const tool = await ok(await mcp(dir), 'execute', {
      paths: ['graph.json'],
      agent: 'example',
      onlyMatching: 'TODO',
      instruction: 'Implement the TODO',
      dryRun: true,
    });
    expect(tool).toMatchObject({ selected: 1, total: 1, status: 'succeeded' });
    expect(Object.keys(tool.nodes)).toEqual(['tax']);
    expect(tool.nodes.tax.change.outcome).toBe('dry-run');
    expect(await readFile(join(dir, 'src/tax.ts'), 'utf8')).toBe(TAX);
  }, 120_000);
});

describe('nothing to run is no success: E_EXEC_NOTHING (exit 2) on both sides', () => {
  it('an empty graph, and an --only-matching that matches no atom', async () => {
    const dir = await workspace(undefined, { 'empty.json': '{"nodes":[],"edges":[]}' });
    for (const args of [
      ['empty.json', '--run', 'true'],
      ['src', '--run', 'true', '--only-matching', 'NOMATCHXYZ'],
      ['empty.json', '--agent', 'example', '--instruction', 'x'],
    ]) {
      const r = await st3(dir, 'execute', ...args, '--json');
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(json(r).error.code).toBe('E_EXEC_NOTHING');
      const human = await st3(dir, 'execute', ...args);
      expect(human.code).toBe(2);
      expect(human.stdout).not.toContain('✓');
    }
    const client = await mcp(dir);
    expect(await failure(client, 'execute', { paths: ['empty.json'], instruction: 'x' })).toBe('E_EXEC_NOTHING');
    expect(await failure(client, 'execute', { ...TOOL_ARGS, paths: ['src'], onlyMatching: 'NOMATCHXYZ' })).toBe(
      'E_EXEC_NOTHING',
    );
  }, 120_000);
});

describe('checks that did not run never raise confidence', () => {
  it('no quality.yaml: the gates show as not measured and the change is not "high" (CLI and tool alike)', async () => {
    const [a, b] = [await workspace(undefined), await workspace(undefined)];
    const cli = await st3(a, 'execute', ...EXECUTE, '--json');
    expect(cli.code, cli.stderr).toBe(0);
    const node = onlyNode(json(cli).nodes as Record<string, { confidence: { level: string; score: number } }>);
    expect(node.confidence.level).not.toBe('high');
    const run = JSON.parse(await readFile(join(a, '.st3/runs', `${json(cli).runId}.json`), 'utf8'));
    const change = onlyNode(run.nodes as Record<string, { change: { validation: { gates: unknown[] } } }>).change;
    expect(change.validation.gates).toEqual([
      expect.objectContaining({ id: '*', status: 'not measured', messages: [expect.stringMatching(/quality\.yaml/)] }),
    ]);
    const tool = await ok(await mcp(b), 'execute', TOOL_ARGS);
    const toolChange = onlyNode(
      tool.nodes as Record<string, { change: typeof change & { confidence: unknown } }>,
    ).change;
    expect(toolChange.confidence).toEqual(node.confidence);
    expect(toolChange.validation.gates).toEqual(change.validation.gates);
  }, 120_000);

  it('--run --review on a node without a file: its code (the output) was not checked, so it is not "high"', async () => {
    const dir = await workspace(undefined, {
      'nofile.json': '{"nodes":[{"id":"n1"}],"edges":[]}',
      'nofile2.json': '{"nodes":[{"id":"n2"}],"edges":[]}',
    });
    const r = await st3(dir, 'execute', 'nofile.json', '--run', 'echo hello', '--review', '--json');
    expect(r.code, r.stderr).toBe(0);
    const [added] = json(r).review.added as { level: string; score: number; notMeasured?: string[] }[];
    expect(added!.level).not.toBe('high');
    expect(added!.score).toBeLessThan(0.7);
    expect(added!.notMeasured).toEqual([expect.stringContaining('no file')]);
    const human = await st3(dir, 'execute', 'nofile2.json', '--run', 'echo hello', '--review');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stderr).toMatch(/n2: not measured/);
  }, 120_000);
});
