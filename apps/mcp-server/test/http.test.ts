import { request } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp, type HttpServerHandle } from '../src/index.js';
import { makeWorkspace, type Workspace } from './workspace.js';

/** A raw HTTP request (fetch cannot set Host), answering status and body. */
function raw(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('Streamable HTTP transport', () => {
  let ws: Workspace;
  let http: HttpServerHandle;
  beforeAll(async () => {
    ws = await makeWorkspace();
    http = await serveHttp({ root: ws.dir, port: 0 });
  });
  afterAll(async () => {
    await http?.close();
    await ws?.cleanup();
  });

  it('listens on 127.0.0.1 with the endpoint /mcp', () => {
    expect(http.url).toBe(`http://127.0.0.1:${http.port}/mcp`);
  });

  it('one session per client; DELETE (client.terminateSession) ends it', async () => {
    const clients = [new Client({ name: 'a', version: '1' }), new Client({ name: 'b', version: '1' })];
    const transports = clients.map(() => new StreamableHTTPClientTransport(new URL(http.url)));
    await Promise.all(clients.map((c, i) => c.connect(transports[i]!)));
    expect(http.sessions()).toBe(2);
    expect(transports[0]!.sessionId).not.toBe(transports[1]!.sessionId);
    const [a, b] = await Promise.all(clients.map((c) => c.callTool({ name: 'list_gates', arguments: {} })));
    expect(a!.structuredContent).toEqual(b!.structuredContent);
    await transports[0]!.terminateSession();
    await clients[0]!.close();
    expect(http.sessions()).toBe(1);
    await clients[1]!.close();
  });

  it('refuses requests outside a session, other paths, and foreign Host headers', async () => {
    const noSession = await raw(http.url, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(noSession.status).toBe(400);
    expect(JSON.parse(noSession.body).error.message).toMatch(/initialize first/);
    const unknown = await raw(http.url, { method: 'GET', headers: { 'mcp-session-id': 'nope' } });
    expect(unknown.status).toBe(404);
    const elsewhere = await raw(http.url.replace('/mcp', '/other'), { method: 'GET' });
    expect(elsewhere.status).toBe(404);
    const notJson = await raw(http.url, { method: 'POST', headers: JSON_HEADERS, body: '{' });
    expect(notJson.status).toBe(400);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host
    const rebound = await raw(http.url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, host: 'evil.example' },
      body: INIT,
    });
    expect(rebound.status).toBe(403);
    const direct = await raw(http.url, { method: 'POST', headers: JSON_HEADERS, body: INIT });
    expect(direct.status).toBe(200);
  });

  it('a port in use is a located error', async () => {
    await expect(serveHttp({ root: ws.dir, port: http.port })).rejects.toMatchObject({
      code: 'E_USAGE',
      hint: expect.stringMatching(/another --port/),
    });
  });
});
