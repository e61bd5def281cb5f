import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import {
  agentRunFailure,
  createCommandAgent,
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createWorkspaceFiles,
  replaceLines,
  runAgentExecution,
} from '../src/index.js';
import { startFakeOpenAi, type FakeReply } from './fake-openai.js';
import { makeWorkspace, TSC } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const CALC = `export function add(a: number, b: number): number {\n  throw new Error('TODO');\n}\n`;
const USE = `import { add } from './calc';\n\nexport const total = (xs: number[]): number => xs.reduce((s, x) => add(s, x), 0);\n`;
const block = (code: string) => `\`\`\`ts\n${code}\n\`\`\``;
const ADD = `export function add(a: number, b: number): number {\n  return a + b;\n}`;

/**
 * tsc given the files in scope on its command line (as lint-staged setups run it): it checks those and
 * what they import, never the files importing them. `exclude` keeps a folder out of the gate's scope.
 */
function listedTscYaml(exclude: string[] = []): string {
  return `version: "1.1"
active_gates: [tsc]
gates:
  tsc:
    name: tsc on the listed files
    execution:
      command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(TSC)}, --noEmit, --pretty, "false", --strict, --target, ES2022, --module, ESNext, --moduleResolution, bundler, --lib, ES2022, --skipLibCheck]
      timeout_seconds: 120
    success: { exit_codes_ok: [0] }
    scope: { exclude_globs: ${JSON.stringify(exclude)} }
    capabilities:
      file_types: [".ts"]
      supports_autofix: false
      scope_mode: importers
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>.+?)\\((?P<line>\\d+),(?P<col>\\d+)\\): (?P<severity>error|warning) (?P<rule>TS\\d+): (?P<message>.*)$'
        severity_default: error
`;
}

async function setup(reply: (index: number) => FakeReply, files: Record<string, string>) {
  const ws = await makeWorkspace({ 'src/calc.ts': CALC, ...files });
  cleanup.push(ws.dispose);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ws.root, stdio: 'ignore' });
  git('init', '-q');
  git('-c', 'user.email=a@b', '-c', 'user.name=a', 'add', '-A');
  git('-c', 'user.email=a@b', '-c', 'user.name=a', 'commit', '-qm', 'init');
  const server = await startFakeOpenAi((_body, index) => reply(index));
  cleanup.push(server.close);
  const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
  const graph: GraphInput = {
    nodes: [{ id: 'add', path: 'src/calc.ts', startLine: 1, endLine: 3, code: CALC.trimEnd() }],
    edges: [],
  };
  const run = (runId: string, reviewBelow?: number) =>
    runAgentExecution({
      root: ws.root,
      graph,
      agent,
      instruction: 'Implement add.',
      runId,
      retries: 0,
      ...(reviewBelow !== undefined ? { reviewBelow } : {}),
    });
  const calc = () => readFile(join(ws.root, 'src/calc.ts'), 'utf8');
  return { root: ws.root, server, run, calc };
}

describe('the gates see the files importing the changed one', () => {
  it('an answer renaming the function its importer calls fails (type), naming the importer; the file is untouched', async () => {
    const renamed = ADD.replace('function add', 'function plus');
    const env = await setup(() => block(renamed), {
      'src/use.ts': USE,
      '.st3/config/quality.yaml': listedTscYaml(),
    });
    const result = await env.run('run-rename');
    expect(result.status).toBe('failed');
    const add = result.nodes['add']!;
    expect(add.status).toBe('failed');
    expect(add.error).toMatchObject({ category: 'type', code: 'E_VALIDATION_FAILED' });
    expect(add.error?.message).toContain('src/use.ts');
    expect(add.error?.message).toContain("has no exported member 'add'");
    expect(await env.calc()).toBe(CALC);
  }, 60_000);

  it('a correct answer is applied; an importer no gate takes is left out of the gates, not a refusal', async () => {
    const env = await setup(() => block(ADD), {
      'src/use.ts': USE,
      'legacy/old.ts': `import { add } from '../src/calc';\nexport const two = add(1, 1);\n`,
      '.st3/config/quality.yaml': listedTscYaml(['legacy/**']),
    });
    const result = await env.run('run-ok');
    expect(result.status).toBe('succeeded');
    expect(result.nodes['add']!.change).toMatchObject({ outcome: 'applied' });
    expect(result.nodes['add']!.change?.validation?.gates).toEqual([{ id: 'tsc', status: 'passed', violations: 0 }]);
    expect(await env.calc()).toBe(`${ADD}\n`);
  }, 60_000);
  it('no gate taking the file nor its importer: not measured, saying why once', async () => {
    const env = await setup(() => block(ADD), {
      'src/use.ts': USE,
      '.st3/config/quality.yaml': listedTscYaml(['src/**']),
    });
    const change = (await env.run('run-none')).nodes['add']!.change!;
    expect(change.validation?.notMeasured).toHaveLength(1);
    expect(change.validation?.notMeasured?.[0]).toMatch(/^gates: no gate checks src\/calc\.ts \([^;]+\)$/);
  }, 60_000);
});

describe('an answer with two different code blocks in the file language', () => {
  it('is a failed attempt (context), never the first block taken as the atom "unchanged"', async () => {
    const two = `The code was:\n${block(CALC.trimEnd())}\nNow it is:\n${block(ADD)}\n`;
    const env = await setup((i) => (i === 0 ? two : block(ADD)), {});
    const first = await env.run('run-two');
    expect(first.nodes['add']!.status).toBe('failed');
    expect(first.nodes['add']!.error).toMatchObject({ code: 'E_AGENT_ANSWER', category: 'context' });
    expect(first.nodes['add']!.error?.message).toContain('2 different ```ts code blocks');
    expect(await env.calc()).toBe(CALC);
    // Not recorded as "left unchanged by its agent": the next run asks again, and applies the answer.
    const second = await env.run('run-again');
    expect(second.alreadyDone).toEqual({});
    expect(second.nodes['add']!.change).toMatchObject({ outcome: 'applied' });
    expect(env.server.requests).toHaveLength(2);
  }, 60_000);

  it('the same block twice, or an answer starting with a byte order mark, is the one block', async () => {
    for (const answer of [`${block(ADD)}\nonce more:\n${block(ADD)}`, `\uFEFF${block(ADD)}`]) {
      const env = await setup(() => answer, {});
      expect((await env.run('run-one')).nodes['add']!.change).toMatchObject({ outcome: 'applied' });
    }
  }, 60_000);
});

describe('a file with CRLF line endings', () => {
  const crlf = (text: string) => text.replace(/\n/g, '\r\n');

  it("gets the answer in its own line endings; the atom's code given back unchanged writes nothing (it goes to review)", async () => {
    for (const [answer, outcome, file] of [
      [block(ADD), 'applied', crlf(`${ADD}\n`)],
      [block(CALC.trimEnd()), 'queued', crlf(CALC)],
    ] as const) {
      const env = await setup(() => answer, {});
      await writeFile(join(env.root, 'src/calc.ts'), crlf(CALC));
      const result = await env.run('run-crlf');
      expect(result.nodes['add']!.change).toMatchObject({ outcome });
      expect(await env.calc()).toBe(file);
    }
  }, 60_000);

  it("a reviewer's code is written in the line endings of the file (CRLF pasted into an LF file too)", () => {
    expect(replaceLines(crlf('a\nb\nc\n'), 2, 2, 'x\ny')).toBe(crlf('a\nx\ny\nc\n'));
    expect(replaceLines('a\nb\nc\n', 2, 2, 'x\r\ny\r\n')).toBe('a\nx\ny\nc\n');
  });
});

describe('a review edit with no code', () => {
  it('is refused, typed, with nothing written (it deleted the atom and approved that)', async () => {
    const env = await setup(() => block(ADD), {});
    const run = await env.run('run-queued', 1);
    expect(run.nodes['add']!.change).toMatchObject({ outcome: 'queued' });
    const queue = createReviewQueue(join(env.root, '.st3', 'review'));
    const service = createReviewService({ queue, files: createWorkspaceFiles(env.root) });
    const [item] = await queue.list();
    for (const code of ['', ' \n\t\n']) {
      await expect(service.edit(item!.id, code)).rejects.toMatchObject({
        code: 'E_REVIEW_INVALID_EDIT',
        message: `the edit of ${item!.id} has no code: nothing was written`,
      });
    }
    expect(await env.calc()).toBe(CALC);
    expect((await queue.get(item!.id)).status).toBe('pending');
  }, 60_000);
});

describe('a command agent printing more than an answer may hold (4 MiB)', () => {
  it('is a failed attempt (context): the cut output is never used, not even its one complete block', async () => {
    // The atom quoted as it was, then the new code: cut at 4 MiB, only the old block is complete.
    const script = `const F = '\`\`\`';
process.stdin.resume();
process.stdin.on('end', () => {
  const long = Array.from({ length: 200000 }, (_, i) => '  // step ' + i + ' of the implementation').join('\\n');
  process.stdout.write('Old:\\n' + F + 'ts\\n' + ${JSON.stringify(CALC)} + F + '\\nNew:\\n' + F + 'ts\\n' +
    'export function add(a: number, b: number): number {\\n' + long + '\\n  return a + b;\\n}\\n' + F + '\\n');
});
`;
    const ws = await makeWorkspace({ 'src/calc.ts': CALC, 'agent.cjs': script });
    cleanup.push(ws.dispose);
    const agent = createCommandAgent({ command: [process.execPath, 'agent.cjs'], cwd: ws.root });
    const graph: GraphInput = {
      nodes: [{ id: 'add', path: 'src/calc.ts', startLine: 1, endLine: 3, code: CALC.trimEnd() }],
      edges: [],
    };
    const options = { root: ws.root, graph, agent, instruction: 'Implement add.', retries: 0 };
    const run = await runAgentExecution({ ...options, runId: 'run-cut' });
    expect(run.nodes['add']!.status).toBe('failed');
    expect(run.nodes['add']!.error).toMatchObject({ code: 'E_AGENT_ANSWER', category: 'context' });
    expect(run.nodes['add']!.error?.message).toMatch(/past the 4194304-byte limit of an answer: it was cut off/);
    // No answer at all (not an answer in a wrong format): `st3 execute` exits 3 for it.
    expect(agentRunFailure(run.nodes)).toBe('agent');
    expect(await readFile(join(ws.root, 'src/calc.ts'), 'utf8')).toBe(CALC);
    // Not "unchanged by run-cut", so not done: the next run asks again.
    expect((await runAgentExecution({ ...options, runId: 'run-again' })).alreadyDone).toEqual({});
  }, 60_000);
});
