// A change that a configured gate could not judge (its tool missing) goes to review whatever its
// confidence: a score of 0.85 must not apply code that gate never saw pass. And a change nothing
// measured at all (a language the atomizer does not parse, no gate) scores no check as passed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checksSummary, createOpenAiAgent, createReviewQueue, notMeasuredOf, runAgentExecution } from '../src/index.js';
import { startFakeOpenAi } from './fake-openai.js';
import { makeWorkspace } from './workspace.js';

const ONE = "export function one(x: number): number {\n  // TODO: one\n  throw new Error('TODO');\n}\n";
const ANSWER = '```ts\nexport function one(x: number): number {\n  return x + 1;\n}\n```';
/** One gate, whose tool does not exist: it errors on every run. */
const QUALITY = `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: Lint
    execution:
      command: [st3-no-such-linter-h1, --check]
      timeout_seconds: 60
    success: { exit_codes_ok: [0] }
    capabilities:
      file_types: [".ts"]
      supports_autofix: false
      parsing_strategy: exit_code
`;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('a gate that errored during validation', () => {
  it('sends the change to review at the default threshold; nothing is written', async () => {
    const ws = await makeWorkspace({ 'src/one.ts': ONE, '.st3/config/quality.yaml': QUALITY });
    const server = await startFakeOpenAi(() => ANSWER);
    cleanup.push(ws.dispose, server.close);
    const graph = {
      nodes: [{ id: 'one', path: 'src/one.ts', startLine: 1, endLine: 4, code: ONE.trimEnd() }],
      edges: [],
    };
    const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
    const run = await runAgentExecution({ root: ws.root, graph, agent, instruction: 'x', runId: 'run-1' });
    const change = run.nodes.one!.change!;
    expect(change.validation?.gates).toEqual([
      { id: 'lint', status: 'error', violations: 0, messages: [expect.stringContaining('st3-no-such-linter-h1')] },
    ]);
    // Its score alone (about 0.85) would clear the default 0.7.
    expect(change.confidence!.score).toBeGreaterThan(0.7);
    expect(change.outcome).toBe('queued');
    expect(await readFile(join(ws.root, 'src/one.ts'), 'utf8')).toBe(ONE);
    expect(await createReviewQueue(join(ws.root, '.st3', 'review')).list()).toEqual([
      expect.objectContaining({ nodeId: 'one', status: 'pending' }),
    ]);
  }, 60_000);
});

describe('a change in a language nothing parses, with no gate', () => {
  it('parse, atomicity and gates are not measured (score 0, no atomicity of 1): queued, not applied', async () => {
    const GO = 'package main\n\nfunc one(x int) int {\n\t// TODO\n\treturn 0\n}\n';
    const ws = await makeWorkspace({ 'main.go': GO });
    const server = await startFakeOpenAi(() => '```go\nfunc one(x int) int {\n\treturn x + 1\n}\n```');
    cleanup.push(ws.dispose, server.close);
    const graph = { nodes: [{ id: 'one', path: 'main.go', startLine: 3, endLine: 6 }], edges: [] };
    const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
    const run = await runAgentExecution({ root: ws.root, graph, agent, instruction: 'x', runId: 'run-1' });
    const change = run.nodes.one!.change!;
    expect(change.validation?.atomicity).toBeUndefined();
    expect(change.confidence!.components).toMatchObject({ validation: 0 });
    expect(change.outcome).toBe('queued');
    expect(await readFile(join(ws.root, 'main.go'), 'utf8')).toBe(GO);

    // The record claims no check that did not happen: no `parse` (never `ok: true`), and why.
    const notMeasured = [
      'parse: main.go is not a language the atomizer parses',
      'atomicity: main.go is not a language the atomizer parses',
      'gates: the workspace has no .st3/config/quality.yaml',
    ];
    const record = JSON.parse(await readFile(join(ws.root, '.st3', 'runs', 'run-1.json'), 'utf8'));
    expect(record.nodes.one.change.validation).toEqual({
      gates: [expect.objectContaining({ id: '*', status: 'not measured' })],
      notMeasured,
    });
    expect(notMeasuredOf(change.validation)).toEqual(notMeasured);
    expect(checksSummary(change.validation!)).toBe('parse not measured, atomicity not measured, gates * not measured');
    // The review item neither: no syntax `validation` of a language ST3 does not parse.
    const [item] = await createReviewQueue(join(ws.root, '.st3', 'review')).list();
    expect(item).not.toHaveProperty('validation');
    expect(item!.checks).toEqual(record.nodes.one.change.validation);
  }, 60_000);
});
