// The same operation through the built `st3` binary and through the MCP tools (official SDK client):
// the same verdict, the same error code and hint, the same files left behind. One block per bug fixed:
// tsconfig `paths` in the graph tools, a stale atom id in atom_context, an unreadable telemetry file and
// an unknown task in metrics_collect.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connectMcp, failure, ok, texts, type Connection } from '../src/mcp-client.js';
import { json, repoRoot, runSt3, type CliResult } from '../src/run-cli.js';
import { git } from '../src/task-file.js';

/** Runs the BUILT `st3` binary in `cwd`. */
const st3 = (cwd: string, ...args: string[]): Promise<CliResult> => runSt3(args, { cwd });
/** The one JSON document of `--json` (read loosely, as test documents are). */
const doc = <T = any>(r: CliResult): T => json<T>(r);

/** The JSON error document of a failed tool call. */
async function toolError(client: Client, name: string, args: Record<string, unknown>) {
  const code = await failure(client, name, args);
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const error = (JSON.parse(texts(r)[1]!) as { error: { code: string; message: string; hint?: string } }).error;
  expect(error.code).toBe(code);
  return error;
}

async function write(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** A temp workspace made by `setup`, and an MCP server on it with an SDK client over stdio. */
function session(setup: (dir: string) => Promise<void>) {
  let dir = '';
  let conn: Connection | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'st3-parity-'));
    await setup(dir);
    conn = await connectMcp(dir);
  });
  afterAll(async () => {
    await conn?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get client() {
      return conn!.client;
    },
  };
}

/** A command agent answering each atom with its own code (the prompt on stdin, the answer on stdout). */
const ECHO_AGENT = `let prompt = '';
for await (const chunk of process.stdin) prompt += chunk;
const m = /^## The atom: \\S+ lines \\d+-\\d+\\n\\n(\`{3,})(\\w*)\\n([\\s\\S]*?)\\n\\1$/m.exec(prompt);
if (!m) process.exit(2);
process.stdout.write('\`\`\`' + m[2] + '\\n' + m[3] + '\\n\`\`\`\\n');
`;

/** src/app imports src/lib through the tsconfig alias `@lib/*`: the only edge between the two folders. */
const ALIASED: Record<string, string> = {
  'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }\n',
  // The same alias under another name, for `--tsconfig` / `tsconfig` (the root one is removed for that test).
  'config/tsconfig.alias.json':
    '{\n  // comments are allowed\n  "compilerOptions": { "baseUrl": "..", "paths": { "@lib/*": ["src/lib/*"] } },\n}\n',
  'src/lib/util.ts': `export function helper(n: number): number {
  return n + 1;
}
`,
  'src/app/main.ts': `import { helper } from '@lib/util';

export function main(): number {
  return helper(1);
}
`,
  '.st3/config/agents.yaml': `version: 1
default: echo
agents:
  echo:
    kind: command
    command: [node, tools/echo-agent.mjs]
    timeout_seconds: 60
`,
  'tools/echo-agent.mjs': ECHO_AGENT,
};

type Edge = { from: string; to: string; type: string };
const edgeKeys = (edges: Edge[]) => edges.map((e) => `${e.from} -> ${e.to} (${e.type})`).sort();
const failedChecks = (report: { results: { check: string; passed: boolean }[] }) =>
  report.results
    .filter((r) => !r.passed)
    .map((r) => r.check)
    .sort();

describe('tsconfig paths: st3 graph/waves/validate-plan/execute and their MCP tools resolve the same imports', () => {
  const w = session((dir) => write(dir, ALIASED));

  it('validate-plan and validate_plan both fail a forbidden dependency made through a paths alias', async () => {
    const cli = await st3(w.dir, 'validate-plan', 'src', '--forbid', 'src/app:src/lib', '--json');
    expect(cli.code, cli.stderr).toBe(1);
    const cliReport = doc(cli);
    expect(cliReport.passed).toBe(false);
    const r = await call(w.client, 'validate_plan', { paths: ['src'], forbid: [{ from: 'src/app', to: 'src/lib' }] });
    expect(r.isError).toBe(true);
    const mcpReport = r.structuredContent as typeof cliReport;
    expect(mcpReport.passed).toBe(false);
    expect(failedChecks(mcpReport)).toEqual(failedChecks(cliReport));
    expect(failedChecks(mcpReport)).toContain('plan.architecture');
    expect(mcpReport.score).toBe(cliReport.score);
  });

  it('a plan task matching no file fails the plan on both sides (plan.coverage); an empty folder is no verdict', async () => {
    await write(w.dir, {
      'plan.yaml': 'milestones:\n  - id: M1\n    tasks:\n      - id: T1\n        files: ["nomatch/**"]\n',
    });
    const cli = await st3(w.dir, 'validate-plan', 'src', '--plan', 'plan.yaml', '--json');
    expect(cli.code, cli.stderr).toBe(1);
    const r = await call(w.client, 'validate_plan', { paths: ['src'], plan: 'plan.yaml' });
    expect(r.isError, texts(r).join('\n')).toBe(true);
    const mcpReport = r.structuredContent as { results: { check: string; passed: boolean }[] };
    expect(failedChecks(mcpReport), texts(r).join('\n')).toEqual(failedChecks(doc(cli)));
    expect(failedChecks(mcpReport)).toContain('plan.coverage');
    await mkdir(join(w.dir, 'empty-src'));
    await writeFile(join(w.dir, 'empty-src/blank.ts'), '');
    const none = await st3(w.dir, 'validate-plan', 'empty-src', '--json');
    expect(none.code).toBe(2);
    const error = await toolError(w.client, 'validate_plan', { paths: ['empty-src'] });
    expect(error.code).toBe(doc(none).error.code);
  });

  it('waves and graph: the alias is an edge on both sides (two waves, not one)', async () => {
    const cliWaves = doc(await st3(w.dir, 'waves', 'src', '--json'));
    const mcpWaves = await ok(w.client, 'waves', { paths: ['src'] });
    expect(cliWaves.waves).toHaveLength(2);
    expect(mcpWaves.waves).toEqual(cliWaves.waves);
    expect(mcpWaves.waves[0]).toEqual([expect.stringMatching(/^src\/lib\/util\.ts#/)]);

    const cliGraph = doc(await st3(w.dir, 'graph', 'src', '--json'));
    const mcpGraph = await ok(w.client, 'dependency_graph', { paths: ['src'] });
    expect(edgeKeys(mcpGraph.edges)).toEqual(edgeKeys(cliGraph.edges));
    expect(edgeKeys(mcpGraph.edges)).toContainEqual(
      expect.stringMatching(/^src\/lib\/util\.ts#\S+ -> src\/app\/main\.ts#/),
    );
  });

  it('execute: the run graph of st3 execute and of the execute tool hold the same alias edges', async () => {
    const cli = await st3(
      w.dir,
      'execute',
      'src',
      '--agent',
      'echo',
      '--instruction',
      'keep it',
      '--dry-run',
      '--json',
    );
    expect(cli.code, cli.stderr).toBe(0);
    const cliRun = doc(cli);
    const mcpRun = await ok(w.client, 'execute', { paths: ['src'], instruction: 'keep it', dryRun: true });
    expect(mcpRun.stats.waves).toBe(2);
    expect(mcpRun.stats.waves).toBe(cliRun.stats.waves);
    const saved = async (id: string) =>
      JSON.parse(await readFile(join(w.dir, '.st3/runs', `${id}.json`), 'utf8')) as { graph: { edges: Edge[] } };
    const cliEdges = edgeKeys((await saved(cliRun.runId)).graph.edges);
    expect(cliEdges.length).toBeGreaterThan(0);
    expect(edgeKeys((await saved(mcpRun.runId)).graph.edges)).toEqual(cliEdges);
  });

  it('--tsconfig and the tsconfig argument: another file is read alike, a missing one is E_FILE_NOT_FOUND on both', async () => {
    await rm(join(w.dir, 'tsconfig.json'));
    try {
      // Without the root tsconfig the alias is external: one wave on both sides.
      expect(doc(await st3(w.dir, 'waves', 'src', '--json')).waves).toHaveLength(1);
      expect((await ok(w.client, 'waves', { paths: ['src'] })).waves).toHaveLength(1);
      const alias = 'config/tsconfig.alias.json';
      const cli = doc(await st3(w.dir, 'waves', 'src', '--tsconfig', alias, '--json'));
      const mcp = await ok(w.client, 'waves', { paths: ['src'], tsconfig: alias });
      expect(cli.waves).toHaveLength(2);
      expect(mcp.waves).toEqual(cli.waves);
      const cliPlan = await st3(
        w.dir,
        'validate-plan',
        'src',
        '--forbid',
        'src/app:src/lib',
        '--tsconfig',
        alias,
        '--json',
      );
      expect(cliPlan.code).toBe(1);
      const mcpPlan = await call(w.client, 'validate_plan', {
        paths: ['src'],
        forbid: [{ from: 'src/app', to: 'src/lib' }],
        tsconfig: alias,
      });
      expect(mcpPlan.isError).toBe(true);
      expect(failedChecks(mcpPlan.structuredContent as never)).toEqual(failedChecks(doc(cliPlan)));

      const missing = await st3(w.dir, 'waves', 'src', '--tsconfig', 'nope.json', '--json');
      expect(missing.code).toBe(2);
      expect(doc(missing).error.code).toBe('E_FILE_NOT_FOUND');
      expect(await failure(w.client, 'waves', { paths: ['src'], tsconfig: 'nope.json' })).toBe('E_FILE_NOT_FOUND');
      expect(await failure(w.client, 'dependency_graph', { paths: ['src'], tsconfig: '../tsconfig.json' })).toBe(
        'E_PATH_ESCAPE',
      );
    } finally {
      await writeFile(join(w.dir, 'tsconfig.json'), ALIASED['tsconfig.json']!);
    }
  });
});

describe('atom context: a stale atom id is refused by st3 atomize --context and by atom_context alike', () => {
  const w = session((dir) => write(dir, ALIASED));

  it('E_ATOMIZE_ATOM_NOT_FOUND with the atoms at those lines now, never a different atom', async () => {
    const stale = 'src/lib/util.ts#L1-L3@0000000000';
    const cli = await st3(w.dir, 'atomize', '--context', stale, 'src', '--json');
    expect(cli.code).toBe(2);
    const cliError = doc(cli).error;
    expect(cliError.code).toBe('E_ATOMIZE_ATOM_NOT_FOUND');
    expect(cliError.hint).toMatch(
      /the code changed since; atoms at those lines now: src\/lib\/util\.ts#L1-L3@[0-9a-f]+/,
    );
    const mcpError = await toolError(w.client, 'atom_context', { atom: stale });
    expect(mcpError.code).toBe(cliError.code);
    expect(mcpError.hint).toBe(cliError.hint);
    // With the paths given too (as the CLI was given src).
    expect(await failure(w.client, 'atom_context', { atom: stale, paths: ['src'] })).toBe('E_ATOMIZE_ATOM_NOT_FOUND');

    // The current id works on both sides; without the @hash (MCP only) it names the atom at those lines now.
    const current = /atoms at those lines now: (\S+)/.exec(cliError.hint as string)![1]!;
    const cliView = doc(await st3(w.dir, 'atomize', '--context', current, 'src', '--json'));
    expect((await ok(w.client, 'atom_context', { atom: current })).atom.id).toBe(cliView.atom.id);
    expect((await ok(w.client, 'atom_context', { atom: 'src/lib/util.ts#L1-L3' })).atom.id).toBe(current);
    expect((await ok(w.client, 'atom_context', { atom: 'src/lib/util.ts:2' })).atom.id).toBe(current);
  });
});

/**
 * A task whose pilot passes: a context with its validation command run (QA coverage 1/1), the coder's
 * prompt saving 20% and one JSON parse, the reviewer's one file read.
 */
async function passingPilot(dir: string): Promise<void> {
  const task = 'tasks/TASK-0001-example-evidence.task.yaml';
  await mkdir(join(dir, 'tasks'), { recursive: true });
  await cp(join(repoRoot, 'examples', task), join(dir, task));
  await cp(join(repoRoot, 'examples/standards'), join(dir, 'standards'), { recursive: true });
  await write(dir, { 'src/a.ts': 'export const a = 1;\n' });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  for (const args of [
    ['tasks', 'context', 'init', 'TASK-0001', '--agent', 'coder'],
    ['tasks', 'run-validation', 'TASK-0001', '--agent', 'coder'],
    ['telemetry', 'record', 'TASK-0001', '--agent', 'coder', '--prompt-bytes', '800', '--baseline-bytes', '1000'],
    ['telemetry', 'record', 'TASK-0001', '--agent', 'coder', '--json-parse', 'ok'],
    ['telemetry', 'record', 'TASK-0001', '--agent', 'reviewer', '--file-read', 'src/a.ts'],
  ]) {
    const r = await st3(dir, ...args, '--json');
    expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
  }
}

const TELEMETRY_CRITERIA = ['file_reads_per_agent', 'repeated_warnings', 'prompt_size_savings', 'json_parse_failures'];
const statusById = (criteria: { id: string; status: string }[]) =>
  Object.fromEntries(criteria.map((c) => [c.id, c.status]));

describe('metrics: st3 metrics collect and metrics_collect give the same verdict and errors', () => {
  const w = session(passingPilot);

  it('a passing pilot passes on both sides (exit 0, no isError), with the same criteria', async () => {
    const cli = await st3(w.dir, 'metrics', 'collect', 'TASK-0001', '--json');
    expect(cli.code, cli.stderr).toBe(0);
    const cliDoc = doc(cli);
    expect(cliDoc).toMatchObject({ ok: true, verdict: 'pass', task_id: 'TASK-0001' });
    const mcp = await ok(w.client, 'metrics_collect', { id: 'TASK-0001' });
    expect(mcp).toMatchObject({ ok: true, verdict: 'pass', task_id: 'TASK-0001', files: cliDoc.files });
    expect(mcp.summary).toBe(cliDoc.summary);
    expect(statusById(mcp.criteria)).toEqual(statusById(cliDoc.criteria));
    expect(mcp.pilot.verdict).toBe('pass');
    expect(mcp.metrics.verdict).toBe('pass');
  });

  it('a truncated telemetry file: incomplete (exit 1, isError), its criteria not measured, the file named', async () => {
    const file = join(w.dir, '.st3/tasks/TASK-0001/telemetry-reviewer.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    try {
      const cli = await st3(w.dir, 'metrics', 'collect', 'TASK-0001', '--json');
      expect(cli.code).toBe(1);
      const cliDoc = doc(cli);
      expect(cliDoc).toMatchObject({ ok: false, verdict: 'incomplete' });
      expect(cli.stderr).toMatch(/telemetry-reviewer\.json:\d+:\d+: warning: /);
      const stored = JSON.parse(await readFile(join(w.dir, '.st3/tasks/TASK-0001/metrics.json'), 'utf8'));
      expect(stored.verdict).toBe('incomplete');

      const r = await call(w.client, 'metrics_collect', { id: 'TASK-0001' });
      expect(r.isError).toBe(true);
      const mcp = r.structuredContent as Record<string, any>;
      expect(mcp).toMatchObject({ ok: false, verdict: 'incomplete' });
      expect(mcp.summary).toBe(cliDoc.summary);
      for (const d of [cliDoc, mcp]) {
        const status = statusById(d.criteria);
        for (const id of TELEMETRY_CRITERIA) expect(status[id], id).toBe('not measured');
        expect(status.qa_artifact_coverage).toBe('met');
        expect(d.tasks[0].verdict).toBe('incomplete');
        expect(d.criteria.find((c: { id: string }) => c.id === 'file_reads_per_agent').detail).toContain(
          'telemetry-reviewer.json',
        );
      }
      expect(mcp.warnings).toEqual([
        expect.objectContaining({
          code: 'E_PARSE',
          severity: 'warning',
          file: '.st3/tasks/TASK-0001/telemetry-reviewer.json',
          line: expect.any(Number),
        }),
      ]);
    } finally {
      await writeFile(file, text);
    }
  });

  it('an unknown task: E_CONTEXT_NOT_FOUND on both sides (exit 2), nothing written', async () => {
    const cli = await st3(w.dir, 'metrics', 'collect', 'TASK-9999', '--json');
    expect(cli.code).toBe(2);
    const cliError = doc(cli).error;
    expect(cliError.code).toBe('E_CONTEXT_NOT_FOUND');
    const mcpError = await toolError(w.client, 'metrics_collect', { id: 'TASK-9999' });
    expect(mcpError).toMatchObject({ code: cliError.code, message: cliError.message, hint: cliError.hint });
    expect(existsSync(join(w.dir, '.st3/tasks/TASK-9999'))).toBe(false);
    expect(await readdir(join(w.dir, '.st3/tasks'))).toEqual(['TASK-0001']);
  });
});
