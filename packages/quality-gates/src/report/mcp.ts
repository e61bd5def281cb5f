import type { GateRunResult } from '../run/types.js';

export interface McpToolResult {
  content: [{ type: 'text'; text: string }, { type: 'text'; text: string }];
  isError: boolean;
}

/** The MCP tool result of a gate run: exactly two content items, the summary text first, the JSON second. */
export function toMcpContent(result: GateRunResult): McpToolResult {
  return {
    content: [
      { type: 'text', text: result.summary },
      { type: 'text', text: JSON.stringify(result) },
    ],
    isError: !result.overall_pass,
  };
}
