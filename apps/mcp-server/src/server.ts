import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import pkg from '../package.json' with { type: 'json' };
import { installTools } from './dispatch.js';
import { installPrompts } from './prompts.js';
import { TOOLS } from './registry.js';
import { installResources } from './resources.js';

export interface St3McpOptions {
  /** Workspace root: every path argument is resolved inside it, and nothing outside is read or written. */
  root: string;
  /** Where log lines go (never stdout, which carries the protocol). Default: nothing. */
  log?: (line: string) => void;
  /** Receives each tool call's promise (the stdio command waits for them before closing on end of input). */
  track?: (call: Promise<unknown>) => void;
  /** While a call that asked for progress runs, a progress notification at least this often (default 5000 ms). */
  heartbeatMs?: number;
  /** Run the CPU-heavy tools on worker threads so other requests are answered meanwhile (default true). */
  offload?: boolean;
}

/**
 * An MCP server exposing the ST3 operations on one workspace: the tools (results per results.ts),
 * task files, standards sections and the review queue as resources, and the `regenerate_atom`
 * prompt. Connect it to any transport; one server serves one connection.
 */
export function createSt3McpServer(options: St3McpOptions): Server {
  const server = new Server(
    { name: 'st3', title: 'ST3', version: pkg.version },
    {
      capabilities: {},
      instructions: `ST3 tools on the workspace ${options.root}. Paths are relative to it. Every tool returns a one-line summary, then the JSON document (also as structuredContent); isError marks a failed check or a failed call.`,
    },
  );
  installTools(server, TOOLS, options);
  installResources(server, options.root);
  installPrompts(server, options.root);
  return server;
}
