import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { StreamableHTTPServerTransport as Transport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { St3Error } from '@st3/schemas';
import { createSt3McpServer, type St3McpOptions } from './server.js';

export interface ServeStdioOptions extends Omit<St3McpOptions, 'track'> {
  /** Ends the server (answers nothing more). */
  signal?: AbortSignal;
  stdin?: Readable;
  stdout?: Writable;
}

/**
 * Serves one client over stdio until its input ends (the calls already received are answered
 * first) or `signal` aborts. Resolves `interrupted` in the second case.
 */
export async function serveStdio(options: ServeStdioOptions): Promise<'ended' | 'interrupted'> {
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const stdin = options.stdin ?? process.stdin;
  const pending = new Set<Promise<unknown>>();
  const track = (call: Promise<unknown>) => {
    pending.add(call);
    void call.finally(() => pending.delete(call));
  };
  const server = createSt3McpServer({ ...options, track });
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout);
  const send = transport.send.bind(transport);
  transport.send = (message) => {
    const sent = send(message);
    track(sent);
    return sent;
  };
  const inputEnded = new Promise<void>((done) => {
    transport.onclose = () => done();
    stdin.once('end', () => done());
  });
  const signal = options.signal;
  const interrupted = new Promise<void>((done) => signal?.addEventListener('abort', () => done(), { once: true }));
  await server.connect(transport);
  options.log?.(`serving ${options.root} on stdio`);
  await Promise.race([inputEnded, interrupted]);
  // A finished call's response is sent a few ticks later (and is tracked too): drain until quiet.
  while (!signal?.aborted && pending.size > 0) {
    await Promise.race([Promise.allSettled([...pending]), interrupted]);
    await new Promise((tick) => setImmediate(tick));
  }
  await server.close();
  return signal?.aborted ? 'interrupted' : 'ended';
}

export interface ServeHttpOptions extends Omit<St3McpOptions, 'track'> {
  /** Address to bind (default 127.0.0.1). Anything but loopback exposes the workspace: there is no authentication. */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
}

export interface HttpServerHandle {
  /** `http://host:port/mcp` */
  url: string;
  port: number;
  /** Open MCP sessions. */
  sessions: () => number;
  close: () => Promise<void>;
}

const MAX_BODY = 4 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function sendError(res: ServerResponse, status: number, code: number, message: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new St3Error('E_USAGE', 'request body over 4 MiB');
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 0 ? undefined : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
}

/**
 * Streamable HTTP on `/mcp` (the SDK's `StreamableHTTPServerTransport`), one session per client:
 * an `initialize` POST opens a session (`Mcp-Session-Id`), later requests carry its id, DELETE ends it.
 * Progress notifications of a call go on that call's SSE response; `notifications/cancelled` stops it.
 * On loopback the Host header is checked (DNS rebinding).
 */
export async function serveHttp(options: ServeHttpOptions): Promise<HttpServerHandle> {
  const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
  const host = options.host ?? '127.0.0.1';
  const sessions = new Map<string, Transport>();
  let allowedHosts: string[] | undefined;

  const openSession = async (): Promise<Transport> => {
    const transport: Transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
      ...(allowedHosts ? { allowedHosts, enableDnsRebindingProtection: true } : {}),
    });
    const server = createSt3McpServer(options);
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
      void server.close();
    };
    await server.connect(transport);
    return transport;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/mcp')
      return sendError(res, 404, -32601, `not found: ${url.pathname} (the MCP endpoint is /mcp)`);
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? sessions.get(id) : undefined;
    if (req.method === 'POST') {
      const body = await readBody(req).catch(() => null);
      if (body === null) return sendError(res, 400, -32700, 'parse error: the body is not JSON');
      if (existing) return existing.handleRequest(req, res, body);
      if (typeof id === 'string') return sendError(res, 404, -32001, `unknown session ${id}`);
      if (!isInitializeRequest(body)) return sendError(res, 400, -32000, 'no session: send initialize first');
      return (await openSession()).handleRequest(req, res, body);
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!existing)
        return sendError(res, typeof id === 'string' ? 404 : 400, -32000, 'missing or unknown Mcp-Session-Id');
      return existing.handleRequest(req, res);
    }
    res.setHeader('allow', 'GET, POST, DELETE');
    return sendError(res, 405, -32000, `method ${req.method} not allowed`);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log?.(`http: ${(error as Error).message}`);
      if (!res.headersSent) sendError(res, 500, -32603, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((ready, fail) => {
    http.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        new St3Error('E_USAGE', `cannot listen on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`, {
          hint: error.code === 'EADDRINUSE' ? 'pick another --port, or 0 for a free one' : 'check --host',
        }),
      ),
    );
    http.listen(options.port ?? 0, host, () => ready());
  });
  const port = (http.address() as AddressInfo).port;
  if (LOOPBACK.has(host)) allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  else options.log?.(`warning: ${host} is not loopback and the MCP endpoint has no authentication`);
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}/mcp`;
  options.log?.(`serving ${options.root} on ${url}`);
  return {
    url,
    port,
    sessions: () => sessions.size,
    async close() {
      await Promise.allSettled([...sessions.values()].map((t) => t.close()));
      http.closeAllConnections();
      await new Promise<void>((done) => http.close(() => done()));
    },
  };
}
