import { errorToJson, isSt3Error, St3Error } from '@st3/schemas';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A successful tool result: a one-line summary for people, then the JSON document for agents. */
export function jsonResult(summary: string, value: unknown): CallToolResult {
  return {
    content: [
      { type: 'text', text: summary },
      { type: 'text', text: JSON.stringify(value) },
    ],
  };
}

/**
 * An MCP tool error (`isError: true`): the St3Error code, message and hint as text, so the model
 * sees what went wrong and how to fix it. Anything that is not an St3Error becomes E_INTERNAL.
 */
export function errorResult(error: unknown): CallToolResult {
  const e = isSt3Error(error)
    ? error
    : new St3Error('E_INTERNAL', error instanceof Error ? error.message : String(error), {
        hint: 'this is a bug in ST3; please report it with the tool call',
      });
  const json = errorToJson(e);
  const where = json.file
    ? ` (${json.file}${json.line ? `:${json.line}${json.column ? `:${json.column}` : ''}` : ''})`
    : '';
  const lines = [`${json.code}: ${json.message}${where}`];
  if (json.hint) lines.push(`hint: ${json.hint}`);
  return { content: [{ type: 'text', text: lines.join('\n') }], isError: true };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
