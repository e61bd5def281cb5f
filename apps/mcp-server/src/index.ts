import type { CliDefinition } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

export { createSt3McpServer, TOOL_NAMES, type St3McpOptions } from './server.js';
export { resolveInside, insidePattern } from './paths.js';

/** `st3-mcp` alone, and the `st3 mcp` verb of the `st3` entry (the server code loads only when it runs). */
export const cli: CliDefinition = {
  name: 'st3-mcp',
  version: pkg.version,
  description: 'the ST3 operations as MCP tools over stdio',
  commands: {
    mcp: {
      summary: 'serve the ST3 operations as MCP tools over stdio',
      load: async () => (await import('./commands/mcp.js')).command,
    },
  },
};
