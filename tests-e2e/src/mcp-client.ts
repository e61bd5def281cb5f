import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { repoRoot, st3Bin } from './run-cli.js';

export interface Connection {
  client: Client;
  close: () => Promise<void>;
}

/** The BUILT `st3 mcp --cwd <root>` and an official SDK client speaking to it over stdio. */
export async function connectMcp(root: string): Promise<Connection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [st3Bin, 'mcp', '--cwd', root],
    cwd: repoRoot,
    stderr: 'ignore',
    env: { ...process.env, NO_COLOR: '1' } as Record<string, string>,
  });
  const client = new Client({ name: 'st3-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, close: () => client.close() };
}

export function texts(r: CallToolResult): string[] {
  return r.content.map((c) => (c.type === 'text' ? c.text : `<${c.type}>`));
}

/** Calls a tool and checks the result rule: two text items, the JSON equal to structuredContent. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(r.content, `${name}: ${texts(r).join('\n')}`).toHaveLength(2);
  const json = JSON.parse(texts(r)[1]!) as unknown;
  if (r.structuredContent) expect(json).toEqual(r.structuredContent);
  else expect(r.isError).toBe(true);
  return r;
}

/** The document of a successful call (no isError). */
export async function ok<T = any>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await call(client, name, args);
  expect(r.isError ?? false, `${name}: ${texts(r).join('\n')}`).toBe(false);
  return r.structuredContent as T;
}

/** The error code of a failed call (the JSON error document of the second item). */
export async function failure(client: Client, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const r = await call(client, name, args);
  expect(r.isError).toBe(true);
  const doc = JSON.parse(texts(r)[1]!) as { ok: false; error: { code: string } };
  expect(doc.ok).toBe(false);
  return doc.error.code;
}
