// The exit of `st3 execute --agent` says why nodes failed: 3 (a runtime failure) when the agent could not
// answer — no answer in time (an openai server, a command agent), an answer cut off, an HTTP error —, 1
// when the generated code was judged and refused; a run with both exits 3. Through the built st3-graph
// binary against a fake OpenAI-compatible server.
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { st3Graph as st3 } from './run-bin.js';
import { startFakeOpenAi, type FakeOpenAi, type FakeReply } from '../../../packages/executor/test/fake-openai.js';

const HALF = "export function half(x: number): number {\n  // TODO: half\n  throw new Error('TODO');\n}\n";
const DOUBLE = "export function double(x: number): number {\n  // TODO: double\n  throw new Error('TODO');\n}\n";
const BROKEN = '```ts\nexport function half(x: number): number {\n  return x / ;\n}\n```';
const HALF_OK = '```ts\nexport function half(x: number): number {\n  return x / 2;\n}\n```';

let server: FakeOpenAi | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A workspace whose agents (timeout 1 s) are the fake server and a command that sleeps past its time. */
async function workspace(reply: (prompt: string) => FakeReply, source = HALF): Promise<string> {
  server = await startFakeOpenAi((body) => reply(body.messages[1]!.content));
  const dir = await mkdtemp(join(tmpdir(), 'st3-exec-exit-'));
  dirs.push(dir);
  await mkdir(join(dir, 'src'), { recursive: true });
  await mkdir(join(dir, '.st3', 'config'), { recursive: true });
  await writeFile(join(dir, 'src/half.ts'), source);
  await writeFile(
    join(dir, '.st3/config/agents.yaml'),
    `version: 1\ndefault: fake\nagents:\n  fake:\n    kind: openai\n    base_url: ${server.url}\n    model: m\n    timeout_seconds: 1\n` +
      `  slow:\n    kind: command\n    command: ["${process.execPath}", "-e", "setTimeout(() => {}, 5000)"]\n    timeout_seconds: 1\n`,
  );
  return dir;
}

const RUN = ['execute', 'src', '--only-matching', 'TODO', '--instruction', 'Implement it.', '--retries', '0'];

async function execute(dir: string, extra: string[] = []) {
  const text = await st3(dir, [...RUN, ...extra]);
  const json = await st3(dir, [...RUN, ...extra, '--json']);
  const doc = JSON.parse(json.stdout) as { failure?: string; nodes: Record<string, { error?: { code?: string } }> };
  return { text, json, doc, codes: Object.values(doc.nodes).map((n) => n.error?.code) };
}

describe('st3 execute --agent: the exit of a run whose nodes failed', () => {
  it('is 3 when the openai agent did not answer in time', async () => {
    const dir = await workspace(() => ({ delayMs: 3000, content: HALF_OK }));
    const r = await execute(dir);
    expect(r.codes).toEqual(['E_TIMEOUT']);
    expect(r.text.code, r.text.stdout + r.text.stderr).toBe(3);
    expect(r.text.stdout + r.text.stderr).toContain('1 node(s) failed because the agent could not answer');
    expect(r.json.code).toBe(3);
    expect(r.doc.failure).toBe('agent');
  }, 60_000);

  it('is 3 when the answer was cut off (finish_reason "length")', async () => {
    const dir = await workspace(() => ({ content: '```ts\nexport function half(', finishReason: 'length' }));
    const r = await execute(dir);
    expect(r.codes).toEqual(['E_AGENT_ANSWER']);
    expect(r.text.code, r.text.stdout + r.text.stderr).toBe(3);
    expect(r.json.code).toBe(3);
    expect(r.doc.failure).toBe('agent');
  }, 60_000);

  it('is 3 when a command agent did not answer in time', async () => {
    const dir = await workspace(() => HALF_OK);
    const r = await execute(dir, ['--agent', 'slow']);
    expect(r.codes).toEqual(['E_TIMEOUT']);
    expect(r.text.code, r.text.stdout + r.text.stderr).toBe(3);
    expect(r.json.code).toBe(3);
  }, 60_000);

  it('is 1 when the generated code failed validation, and 3 when another node got no answer in the same run', async () => {
    const broken = await workspace(() => BROKEN);
    const code = await execute(broken);
    expect(code.codes).toEqual(['E_VALIDATION_FAILED']);
    expect(code.text.code, code.text.stdout + code.text.stderr).toBe(1);
    expect(code.text.stdout + code.text.stderr).not.toContain('could not answer');
    // The node's line says what failed: the heading of the list (`… does not parse:`) and its first item.
    expect(code.text.stdout).toMatch(
      /✗ \S+: syntax error after 1 attempt\(s\): src\/half\.ts does not parse: \d+:\d+ \S/,
    );
    expect(code.json.code).toBe(1);
    expect(code.doc.failure).toBe('code');
    await server?.close();

    // The other node's code is not known: the runtime failure is never hidden behind the code's verdict.
    const mixed = await workspace(
      (prompt) => (prompt.includes('function double') ? { delayMs: 3000, content: HALF_OK } : BROKEN),
      `${HALF}\n${DOUBLE}`,
    );
    const r = await execute(mixed);
    expect(r.codes.sort()).toEqual(['E_TIMEOUT', 'E_VALIDATION_FAILED']);
    expect(r.text.code, r.text.stdout + r.text.stderr).toBe(3);
    expect(r.json.code).toBe(3);
    expect(r.doc.failure).toBe('agent');
  }, 60_000);

  it('is 2 with a located E_CONFIG_INVALID, no agent asked, when quality.yaml is invalid (never 1: no code was judged)', async () => {
    const dir = await workspace(() => HALF_OK);
    const quality = join(dir, '.st3/config/quality.yaml');
    await writeFile(quality, 'version: "1.1"\nactive_gates: [tsc\ngates: {}\n');
    const r = await st3(dir, [...RUN, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'E_CONFIG_INVALID', file: quality } });
    expect(server!.requests).toHaveLength(0);
  }, 60_000);

  it('is 3 (failure "runtime"), no agent asked, when an atom\'s file was deleted since the graph was made', async () => {
    const dir = await workspace(() => HALF_OK);
    const graph = { nodes: [{ id: 'half', path: 'src/half.ts', startLine: 1, endLine: 4 }], edges: [] };
    await writeFile(join(dir, 'graph.json'), JSON.stringify(graph));
    await rm(join(dir, 'src/half.ts'));
    const args = ['execute', 'graph.json', '--instruction', 'Implement it.', '--retries', '0'];
    const text = await st3(dir, args);
    expect(text.code, text.stdout + text.stderr).toBe(3);
    expect(text.stdout + text.stderr).toContain('1 node(s) failed at runtime (E_ATOM_NOT_FOUND');
    const json = await st3(dir, [...args, '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, failure: 'runtime' });
    expect(server!.requests).toHaveLength(0);
  }, 60_000);

  it('is 3 (failure "runtime") when a validated change could not be written: its file read-only', async (ctx) => {
    const dir = await workspace(() => HALF_OK);
    const file = join(dir, 'src/half.ts');
    // A read-only folder stops a rename for a user; root needs the immutable attribute.
    const locked =
      process.getuid?.() !== 0
        ? (await chmod(join(dir, 'src'), 0o555), true)
        : spawnSync('chattr', ['+i', file]).status === 0;
    if (!locked) return ctx.skip();
    try {
      const r = await execute(dir);
      expect(r.codes).toEqual(['E_WRITE']);
      expect(r.text.code, r.text.stdout + r.text.stderr).toBe(3);
      expect(r.text.stdout + r.text.stderr).toContain('1 node(s) failed at runtime (E_WRITE');
      expect(r.json.code).toBe(3);
      expect(r.doc.failure).toBe('runtime');
      expect(await readFile(file, 'utf8')).toBe(HALF);
    } finally {
      if (process.getuid?.() !== 0) await chmod(join(dir, 'src'), 0o755);
      else spawnSync('chattr', ['-i', file]);
    }
  }, 60_000);
});
