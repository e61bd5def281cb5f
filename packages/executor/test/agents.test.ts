import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSt3Error } from '@st3/schemas';
import { createAgent, createCommandAgent, createOpenAiAgent, selectAgent, type AgentRequest } from '../src/index.js';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.js';

const request = (over: Partial<AgentRequest> = {}): AgentRequest => ({
  messages: [
    { role: 'system', content: 'answer in a code block' },
    { role: 'user', content: 'implement add' },
  ],
  temperature: 0.7,
  attempt: 1,
  node: { id: 'src/a.ts#L1-L3@x', file: 'src/a.ts', startLine: 1, endLine: 3 },
  ...over,
});

/** The St3Error code and retry category of a rejected promise. */
async function failure(p: Promise<unknown>): Promise<{ code?: string; category?: string }> {
  try {
    await p;
  } catch (e) {
    return { code: isSt3Error(e) ? e.code : undefined, category: (e as { category?: string }).category };
  }
  return { code: 'resolved' };
}

describe('openai agent (Chat Completions over plain fetch)', () => {
  let server: FakeOpenAi;
  beforeAll(async () => {
    server = await startFakeOpenAi((body, i) => {
      if (body.model === 'missing') return { status: 404, body: '{"error":{"message":"model not found"}}' };
      if (body.model === 'busy') return { status: 503, body: 'overloaded' };
      if (body.model === 'small') return { status: 400, body: '{"error":"maximum context length is 4096 tokens"}' };
      if (body.model === 'junk') return { status: 200, body: '<html>proxy</html>' };
      if (body.model === 'slow') return { delayMs: 2000, content: 'late' };
      return `answer ${i}`;
    });
  });
  afterAll(() => server.close());

  it('posts model, messages, temperature and max_tokens, with the key as a bearer token', async () => {
    const agent = createOpenAiAgent({
      baseUrl: `${server.url}/`,
      model: 'coder',
      apiKey: 'sk-test',
      maxTokens: 256,
      extraBody: { seed: 7 },
    });
    const answer = await agent.generate(request({ temperature: 0.5 }));
    expect(answer.text).toMatch(/^answer \d+$/);
    expect(answer.usage).toMatchObject({ completion_tokens: 20 });
    const last = server.requests.at(-1)!;
    expect(last.body).toMatchObject({ model: 'coder', temperature: 0.5, max_tokens: 256, stream: false, seed: 7 });
    expect(last.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(last.headers.authorization).toBe('Bearer sk-test');
  });

  it('classifies failures: 404 and refused connections are not retried, 5xx is, a context overflow is `context`', async () => {
    const make = (model: string, extra = {}) => createOpenAiAgent({ baseUrl: server.url, model, ...extra });
    expect(await failure(make('missing').generate(request()))).toEqual({
      code: 'E_AGENT_HTTP',
      category: 'dependency',
    });
    expect(await failure(make('busy').generate(request()))).toEqual({ code: 'E_AGENT_HTTP', category: 'unknown' });
    expect(await failure(make('small').generate(request()))).toEqual({ code: 'E_AGENT_HTTP', category: 'context' });
    expect(await failure(make('junk').generate(request()))).toEqual({ code: 'E_AGENT_HTTP', category: 'unknown' });
    expect(await failure(make('slow', { timeoutMs: 200 }).generate(request()))).toEqual({
      code: 'E_TIMEOUT',
      category: 'timeout',
    });
    // A port nobody listens on: take a free one and close it.
    const probe = await startFakeOpenAi(() => '');
    await probe.close();
    const refused = createOpenAiAgent({ baseUrl: probe.url, model: 'x' });
    expect(await failure(refused.generate(request()))).toEqual({ code: 'E_AGENT_UNREACHABLE', category: 'dependency' });
  });

  it('counts each answer it parses as JSON from executor:agent, and the answers that are not JSON as failures', async () => {
    const counts: Record<string, number> = {};
    const telemetry = {
      count: (name: string, value = 1, labels: Record<string, string> = {}) => {
        const key = `${name}{${labels.source ?? ''}}`;
        counts[key] = (counts[key] ?? 0) + value;
      },
      observe: () => undefined,
    };
    await createOpenAiAgent({ baseUrl: server.url, model: 'coder', telemetry }).generate(request());
    await failure(createOpenAiAgent({ baseUrl: server.url, model: 'junk', telemetry }).generate(request()));
    // An HTTP error is not an answer: nothing parsed.
    await failure(createOpenAiAgent({ baseUrl: server.url, model: 'missing', telemetry }).generate(request()));
    expect(counts).toEqual({ 'json_parses{executor:agent}': 2, 'json_parse_failures{executor:agent}': 1 });
  });

  it('a cancelled attempt rejects with the cancellation, not an agent error', async () => {
    const controller = new AbortController();
    const agent = createOpenAiAgent({ baseUrl: server.url, model: 'slow' });
    const pending = agent.generate(request({ signal: controller.signal }));
    controller.abort(new Error('run cancelled'));
    await expect(pending).rejects.toThrow('run cancelled');
  });
});

describe('command agent', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'st3-agent-'));
    await writeFile(
      join(dir, 'agent.mjs'),
      `#!/usr/bin/env node
import { readFileSync } from 'node:fs';
let stdin = '';
for await (const c of process.stdin) stdin += c;
const fromFile = readFileSync(process.env.ST3_PROMPT_FILE, 'utf8');
const req = JSON.parse(readFileSync(process.env.ST3_REQUEST_FILE, 'utf8'));
if (process.env.FAIL) { console.error('model crashed'); process.exit(4); }
console.log(JSON.stringify({ same: stdin === fromFile, head: stdin.split('\\n')[0], node: process.env.ST3_NODE_ID,
  file: process.env.ST3_FILE, start: process.env.ST3_START, t: process.env.ST3_TEMPERATURE, attempt: req.attempt, roles: req.messages.map((m) => m.role) }));
`,
    );
    await chmod(join(dir, 'agent.mjs'), 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('gets the prompt on stdin and in $ST3_PROMPT_FILE, the request as JSON, and answers on stdout', async () => {
    const agent = createCommandAgent({
      command: [process.execPath, 'agent.mjs'],
      cwd: dir,
      env: { PATH: process.env.PATH },
    });
    const out = JSON.parse((await agent.generate(request())).text);
    expect(out).toEqual({
      same: true,
      head: '### system',
      node: 'src/a.ts#L1-L3@x',
      file: 'src/a.ts',
      start: '1',
      t: '0.7',
      attempt: 1,
      roles: ['system', 'user'],
    });
  });

  it('runs a relative script from the workspace root; a failure or a missing program is reported by category', async () => {
    const script = createCommandAgent({ command: ['./agent.mjs'], cwd: dir, env: { PATH: process.env.PATH } });
    expect(JSON.parse((await script.generate(request())).text).same).toBe(true);
    const failing = createCommandAgent({
      command: ['./agent.mjs'],
      cwd: dir,
      env: { PATH: process.env.PATH, FAIL: '1' },
    });
    expect(await failure(failing.generate(request()))).toEqual({ code: 'E_AGENT_COMMAND', category: 'unknown' });
    const missing = createCommandAgent({ command: ['st3-no-such-agent'], cwd: dir, env: { PATH: process.env.PATH } });
    expect(await failure(missing.generate(request()))).toMatchObject({ category: 'dependency' });
  });
});

describe('choosing an agent', () => {
  const config = {
    version: 1 as const,
    default: 'local',
    agents: {
      local: { kind: 'openai' as const, base_url: 'http://127.0.0.1:8080/v1', model: 'qwen', api_key_env: 'MY_KEY' },
      script: { kind: 'command' as const, command: ['tools/agent.sh'] },
    },
  };

  it('takes --agent, else the default; --agent-url/--agent-model make an ad-hoc openai agent', () => {
    expect(selectAgent(config, {}).name).toBe('local');
    expect(selectAgent(config, { name: 'script' }).config.kind).toBe('command');
    expect(selectAgent(config, { url: 'http://h:1/v1', model: 'm' })).toEqual({
      name: 'ad-hoc',
      config: { kind: 'openai', base_url: 'http://h:1/v1', model: 'm' },
    });
    expect(selectAgent(undefined, { url: 'http://h:1/v1', model: 'm' }).config).toMatchObject({ model: 'm' });
    // A named agent's settings (its key variable) carry over to a URL override.
    expect(selectAgent(config, { name: 'local', url: 'http://other/v1' }).config).toMatchObject({
      base_url: 'http://other/v1',
      model: 'qwen',
      api_key_env: 'MY_KEY',
    });
  });

  it('refuses unknown agents, missing configuration and missing keys with their codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
        return 'none';
      } catch (e) {
        return isSt3Error(e) ? e.code : 'other';
      }
    };
    expect(code(() => selectAgent(config, { name: 'nope' }))).toBe('E_AGENT_UNKNOWN');
    expect(code(() => selectAgent(undefined, {}))).toBe('E_AGENT_CONFIG');
    expect(code(() => selectAgent(config, { url: 'http://h/v1' }))).toBe('E_USAGE');
    expect(code(() => selectAgent({ version: 1, agents: {} }, { url: 'http://h/v1' }))).toBe('E_USAGE');
    expect(code(() => createAgent('local', config.agents.local, { root: '/', env: {} }))).toBe('E_AGENT_KEY_MISSING');
    expect(createAgent('local', config.agents.local, { root: '/', env: { MY_KEY: 'k' } }).kind).toBe('openai');
  });
});
