import type { CliDefinition } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

export { createSt3McpServer, type St3McpOptions } from './server.js';
export { TOOLS, TOOL_NAMES } from './registry.js';
export {
  defineTool,
  TOOL_AREAS,
  type AnyTool,
  type ToolArea,
  type ToolContext,
  type ToolDefinition,
  type ToolProgress,
} from './tool.js';
export { listing, toolJsonSchema } from './dispatch.js';
export { renderToolsMarkdown } from './docs.js';
export { serveHttp, serveStdio, type HttpServerHandle, type ServeHttpOptions } from './serve.js';
export { resolveInside, insidePattern } from './paths.js';

/** `st3-mcp` alone, and the `st3 mcp` verb of the `st3` entry (the server code loads only when it runs). */
export const cli: CliDefinition = {
  name: 'st3-mcp',
  version: pkg.version,
  description: 'the ST3 operations as MCP tools over stdio or Streamable HTTP',
  commands: {
    mcp: {
      summary: 'serve the ST3 operations as MCP tools over stdio or Streamable HTTP',
      load: async () => (await import('./commands/mcp.js')).command,
    },
  },
};
