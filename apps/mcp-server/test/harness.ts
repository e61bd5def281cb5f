import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect } from 'vitest';
import { serveHttp, serveStdio } from '../src/index.js';
import { makeWorkspace, type Workspace } from './workspace.js';

export type TransportKind = 'stdio' | 'http';
export const TRANSPORTS: TransportKind[] = ['stdio', 'http'];

/**
 * The client end of a stdio pipe, in this process: the same newline-delimited JSON-RPC framing as the
 * SDK's StdioClientTransport, over streams instead of a child's stdin/stdout (the server end is the
 * SDK's StdioServerTransport, through serveStdio).
 */
class PipeClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly buffer = new ReadBuffer();
  constructor(
    private readonly toServer: PassThrough,
    private readonly fromServer: PassThrough,
  ) {}
  async start(): Promise<void> {
    this.fromServer.on('data', (chunk: Buffer) => {
      this.buffer.append(chunk);
      for (let m = this.buffer.readMessage(); m; m = this.buffer.readMessage()) this.onmessage?.(m);
    });
  }
  async send(message: JSONRPCMessage): Promise<void> {
    this.toServer.write(serializeMessage(message));
  }
  async close(): Promise<void> {
    this.toServer.end();
    this.onclose?.();
  }
}

export interface Connection {
  client: Client;
  close: () => Promise<void>;
  logs: string[];
}

/** A server on `root` and an official SDK client connected to it over the given transport. */
export async function connect(
  kind: TransportKind,
  root: string,
  options: { heartbeatMs?: number; offload?: boolean } = {},
): Promise<Connection> {
  const logs: string[] = [];
  const log = (line: string) => void logs.push(line);
  const client = new Client({ name: 'st3-test', version: '1.0.0' });
  if (kind === 'stdio') {
    const toServer = new PassThrough();
    const fromServer = new PassThrough();
    const served = serveStdio({ root, log, stdin: toServer, stdout: fromServer, ...options });
    await client.connect(new PipeClientTransport(toServer, fromServer));
    return {
      client,
      logs,
      close: async () => {
        await client.close();
        await served;
      },
    };
  }
  const http = await serveHttp({ root, log, port: 0, ...options });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  return {
    client,
    logs,
    close: async () => {
      await client.close();
      await http.close();
    },
  };
}

export function texts(r: CallToolResult): string[] {
  return r.content.map((c) => (c.type === 'text' ? c.text : `<${c.type}>`));
}

/** Calls a tool and checks the result rule: two text items, the JSON equal to structuredContent. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(r.content, `${name}: ${texts(r).join('\n')}`).toHaveLength(2);
  expect(r.content.every((c) => c.type === 'text')).toBe(true);
  const json = JSON.parse(texts(r)[1]!) as unknown;
  if (r.structuredContent) expect(json).toEqual(r.structuredContent);
  else expect(r.isError).toBe(true);
  return r;
}

/** The document of a successful call (no isError). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test documents are read loosely
export async function ok<T = any>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await call(client, name, args);
  expect(r.isError ?? false, `${name}: ${texts(r).join('\n')}`).toBe(false);
  return r.structuredContent as T;
}

/** The error code of a failed call (the JSON error document of the second item). */
export async function failure(client: Client, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const r = await call(client, name, args);
  expect(r.isError).toBe(true);
  expect(r.structuredContent).toBeUndefined();
  const doc = JSON.parse(texts(r)[1]!) as { ok: false; error: { code: string } };
  expect(doc.ok).toBe(false);
  expect(texts(r)[0]).toMatch(new RegExp(`^${doc.error.code}: `));
  return doc.error.code;
}

/**
 * A fresh workspace and a connected client for the tests of one `describe` block (made before
 * them, closed after). `setup` runs on the workspace before the server starts.
 */
export function workspaceSession(
  kind: TransportKind,
  options: { heartbeatMs?: number; setup?: (dir: string) => Promise<void> } = {},
): { readonly dir: string; readonly client: Client; readonly logs: string[] } {
  let ws: Workspace | undefined;
  let c: Connection | undefined;
  beforeAll(async () => {
    ws = await makeWorkspace();
    await options.setup?.(ws.dir);
    c = await connect(kind, ws.dir, options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs });
  });
  afterAll(async () => {
    await c?.close();
    await ws?.cleanup();
  });
  return {
    get dir() {
      return ws!.dir;
    },
    get client() {
      return c!.client;
    },
    get logs() {
      return c!.logs;
    },
  };
}
