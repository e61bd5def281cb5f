// A change to a file in a language the atomizer does not parse: nothing parsed it, so the readers of
// its record — the `st3 execute` summary (text and --json) and `st3 review show` — say "not measured",
// never that it parsed. Through the built st3-graph binary against a fake OpenAI-compatible server.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { st3Graph as st3 } from './run-bin.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../../packages/executor/test/fake-openai.js';

const GO = 'package main\n\nfunc one(x int) int {\n\t// TODO\n\treturn 0\n}\n';
const WHY = 'main.go is not a language the atomizer parses';
const NO_GATES = 'the workspace has no \\.st3/config/quality\\.yaml';

let server: FakeOpenAi | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function goWorkspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-not-measured-'));
  dirs.push(dir);
  await mkdir(join(dir, '.st3'), { recursive: true });
  await writeFile(join(dir, 'main.go'), GO);
  const graph = { nodes: [{ id: 'one', path: 'main.go', startLine: 3, endLine: 6 }], edges: [] };
  await writeFile(join(dir, 'graph.json'), JSON.stringify(graph));
  return dir;
}

describe('a change nothing parsed', () => {
  it('is "not measured" in the run record, the execute summary and st3 review show; never parsed', async () => {
    server = await startFakeOpenAi(() => '```go\nfunc one(x int) int {\n\treturn x + 1\n}\n```');
    const dir = await goWorkspace();
    const agent = ['--agent-url', server.url, '--agent-model', 'm', '--instruction', 'Implement it.'];
    const run = await st3(dir, ['execute', 'graph.json', ...agent, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.nodes.one).toMatchObject({
      outcome: 'queued',
      notMeasured: [`parse: ${WHY}`, `atomicity: ${WHY}`, 'gates: the workspace has no .st3/config/quality.yaml'],
    });
    const [record] = await readdir(join(dir, '.st3', 'runs'));
    const validation = JSON.parse(await readFile(join(dir, '.st3', 'runs', record!), 'utf8')).nodes.one.change
      .validation;
    expect(validation).not.toHaveProperty('parse');

    const text = await st3(dir, ['review', 'show', 'r1']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`not measured: parse: ${WHY}; atomicity: ${WHY}`);
    const item = JSON.parse((await st3(dir, ['review', 'show', 'r1', '--json'])).stdout).item;
    expect(item).not.toHaveProperty('validation'); // no syntax check said it parses
    expect(item.checks).not.toHaveProperty('parse');

    // A second workspace, run in text: the node's line says why a change was queued.
    const again = await goWorkspace();
    const line = await st3(again, ['execute', 'graph.json', ...agent]);
    expect(line.stdout).toMatch(
      new RegExp(
        `^\\? main\\.go:3 queued for review as r1 .*; parse, atomicity and gates not measured \\(${WHY}; ${NO_GATES}\\)$`,
        'm',
      ),
    );
  }, 120_000);
});

describe('a dry run of a change that would go to review', () => {
  it('says so, in text and --json, and queues nothing (it is never counted as a change to apply)', async () => {
    server = await startFakeOpenAi(() => '```go\nfunc one(x int) int {\n\treturn x + 1\n}\n```');
    const dir = await goWorkspace();
    const agent = ['--agent-url', server.url, '--agent-model', 'm', '--instruction', 'Implement it.', '--dry-run'];
    const line = await st3(dir, ['execute', 'graph.json', ...agent]);
    expect(line.code, line.stderr).toBe(0);
    expect(line.stdout).toMatch(/^\? main\.go:3 would be queued for review \(confidence [\d.]+ below 0\.7; dry run\)/m);
    expect(line.stdout).toMatch(/^\? run \S+: 1 would be queued for review;/m);
    const doc = JSON.parse((await st3(dir, ['execute', 'graph.json', ...agent, '--json'])).stdout);
    expect(doc.nodes.one).toMatchObject({ outcome: 'dry-run', reviewReason: expect.stringMatching(/below 0\.7$/) });
    expect(doc.review.queued).toEqual([]);
    expect(await readFile(join(dir, 'main.go'), 'utf8')).toBe(GO);
  }, 120_000);
});

describe('a change no gate checked', () => {
  it('applied: its line says the gates did not measure it, never a bare ✓ that reads as checked', async () => {
    server = await startFakeOpenAi(() => '```ts\nexport function one(x: number): number {\n  return x + 1;\n}\n```');
    const dir = await mkdtemp(join(tmpdir(), 'st3-no-gates-'));
    dirs.push(dir);
    await mkdir(join(dir, '.st3'), { recursive: true });
    await writeFile(join(dir, 'one.ts'), 'export function one(x: number): number {\n  // TODO\n  return 0;\n}\n');
    const graph = { nodes: [{ id: 'one', path: 'one.ts', startLine: 1, endLine: 4 }], edges: [] };
    await writeFile(join(dir, 'graph.json'), JSON.stringify(graph));
    const agent = ['--agent-url', server.url, '--agent-model', 'm', '--instruction', 'Implement it.'];
    const line = await st3(dir, ['execute', 'graph.json', ...agent]);
    expect(line.code, line.stderr).toBe(0);
    expect(line.stdout).toMatch(
      new RegExp(
        `^✓ one\\.ts:1 applied after 1 attempt\\(s\\); confidence .*; gates not measured \\(${NO_GATES}\\)$`,
        'm',
      ),
    );
  }, 120_000);
});
