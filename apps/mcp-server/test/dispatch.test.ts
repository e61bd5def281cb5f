import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { St3Error } from '@st3/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { installTools } from '../src/dispatch.js';
import { defineTool, READ_ONLY } from '../src/tool.js';

const echo = defineTool({
  name: 'echo',
  title: 'Echo',
  area: 'core',
  cli: 'none',
  description: 'Returns what it is given; `extra` adds a field the output schema does not declare.',
  input: z.object({ n: z.number().int(), extra: z.boolean().default(false), fail: z.boolean().default(false) }),
  output: z.object({ n: z.number() }),
  annotations: READ_ONLY,
  async run(args, ctx) {
    if (args.fail) throw new St3Error('E_USAGE', 'asked to fail', { hint: 'do not ask' });
    // out of order and repeated on purpose: only increasing values may reach the client
    for (const p of [1, 3, 2, 3, 4]) ctx.progress({ progress: p, total: 4, message: `step ${p}` });
    return args.extra ? { n: args.n, surprise: true } : { n: args.n };
  },
  summary: (r) => `n is ${r.n}`,
  failed: (r) => r.n < 0,
});

describe('tool dispatch', () => {
  let client: Client;
  beforeAll(async () => {
    const server = new Server({ name: 't', version: '1' }, { capabilities: {} });
    installTools(server, [echo], { root: '/nowhere' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    client = new Client({ name: 'c', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
  });
  afterAll(() => client?.close());

  const callEcho = async (args: Record<string, unknown>, onprogress?: (p: Progress) => void) =>
    (await client.callTool(
      { name: 'echo', arguments: args },
      undefined,
      onprogress ? { onprogress } : {},
    )) as CallToolResult;
  const text = (r: CallToolResult, i: number) => (r.content[i] as { text: string }).text;

  it('a result: the summary, the JSON, structuredContent; isError only for a failed check', async () => {
    const r = await callEcho({ n: 2 });
    expect(r.content.map((c) => c.type)).toEqual(['text', 'text']);
    expect(text(r, 0)).toBe('n is 2');
    expect(JSON.parse(text(r, 1))).toEqual({ n: 2 });
    expect(r.structuredContent).toEqual({ n: 2 });
    expect(r.isError).toBeUndefined();
    const failedCheck = await callEcho({ n: -1 });
    expect(failedCheck.isError).toBe(true);
    expect(failedCheck.structuredContent).toEqual({ n: -1 });
  });

  it('a failed call: CODE: message and hint, then the CLI error document, no structuredContent', async () => {
    const r = await callEcho({ n: 1, fail: true });
    expect(r.isError).toBe(true);
    expect(text(r, 0)).toBe('E_USAGE: asked to fail\nhint: do not ask');
    expect(JSON.parse(text(r, 1))).toEqual({
      ok: false,
      error: { code: 'E_USAGE', message: 'asked to fail', hint: 'do not ask' },
    });
    expect(r.structuredContent).toBeUndefined();
    const bad = await callEcho({ n: 1.5 });
    expect(text(bad, 0)).toMatch(/^E_USAGE: invalid arguments for echo: n: /);
  });

  it('an argument the tool does not take is E_USAGE naming it, never dropped (as the CLI refuses an unknown option)', async () => {
    // A misspelt threshold must not run the check without it.
    const r = await callEcho({ n: 1, nn: 2, Fail: true });
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toBeUndefined();
    expect(JSON.parse(text(r, 1))).toEqual({
      ok: false,
      error: {
        code: 'E_USAGE',
        message: 'invalid arguments for echo: unknown arguments "nn", "Fail"',
        hint: 'echo takes n, extra, fail (see its inputSchema in tools/list)',
      },
    });
    const { tools } = await client.listTools();
    expect(tools[0]!.inputSchema).toEqual(expect.objectContaining({ additionalProperties: false }));
  });

  it('a result that breaks its own schema is never sent: E_INTERNAL naming the field', async () => {
    const r = await callEcho({ n: 1, extra: true });
    expect(r.isError).toBe(true);
    expect(text(r, 0)).toMatch(
      /^E_INTERNAL: the result of echo does not match its outputSchema: \/: unexpected "surprise"/,
    );
  });

  it('a result whose ok disagrees with its verdict is never sent: E_INTERNAL', async () => {
    const server = new Server({ name: 't', version: '1' }, { capabilities: {} });
    const liar = defineTool({
      ...echo,
      name: 'liar',
      output: z.object({ ok: z.boolean(), n: z.number() }),
      run: async (args) => ({ ok: true, n: args.n }),
      failed: (r) => r.n < 0,
    });
    installTools(server, [liar], { root: '/nowhere' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    const c = new Client({ name: 'c', version: '1' });
    await Promise.all([server.connect(a), c.connect(b)]);
    try {
      const honest = (await c.callTool({ name: 'liar', arguments: { n: 1 } })) as CallToolResult;
      expect(honest.structuredContent).toEqual({ ok: true, n: 1 });
      const r = (await c.callTool({ name: 'liar', arguments: { n: -1 } })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(r.structuredContent).toBeUndefined();
      expect(text(r, 0)).toMatch(/^E_INTERNAL: the result of liar says ok: true but its check failed/);
    } finally {
      await c.close();
    }
  });

  it('progress only with a token, and only increasing values', async () => {
    const seen: Progress[] = [];
    await callEcho({ n: 1 }, (p) => void seen.push(p));
    expect(seen.map((p) => p.progress)).toEqual([1, 3, 4]);
    expect(seen[0]).toMatchObject({ total: 4, message: 'step 1' });
  });

  it('an unknown tool is a protocol error', async () => {
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/Tool nope not found/);
  });
});
