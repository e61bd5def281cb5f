import { errorToJson, isSt3Error, St3Error, type St3ErrorJson } from '@st3/schemas';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * The result rule, the same for every tool:
 *
 * - `content` is exactly two text items: the one-line summary, then the JSON document.
 * - On success, `structuredContent` is that same JSON document and matches the tool's `outputSchema`.
 *   `isError` is set only when the check the tool runs found problems (`failed` of its definition: a gate
 *   failed, a file is invalid, evidence changed); the document is complete either way.
 * - When the tool itself fails (bad arguments, a path outside the workspace, a missing file, a crashed
 *   tool, cancellation), `isError` is true, the summary is `CODE: message` (plus `hint: …`), the JSON is
 *   the CLI's error document `{ok: false, error: {code, message, file?, line?, column?, hint?}}`, and
 *   there is no `structuredContent` (the output schema describes results, not errors).
 */
export function documentResult(summary: string, document: Record<string, unknown>, failed: boolean): CallToolResult {
  return {
    content: [
      { type: 'text', text: summary },
      { type: 'text', text: JSON.stringify(document) },
    ],
    structuredContent: document,
    ...(failed ? { isError: true } : {}),
  };
}

/** The error document of a failed call, as the CLIs print it under `--json`. */
export interface ToolErrorDocument {
  ok: false;
  error: St3ErrorJson;
}

/** Anything thrown, as an St3Error (an error that is not one is a bug: E_INTERNAL). */
export function asSt3Error(error: unknown): St3Error {
  if (isSt3Error(error)) return error;
  return new St3Error('E_INTERNAL', error instanceof Error ? error.message : String(error), {
    hint: 'this is a bug in ST3; please report it with the tool call',
  });
}

/** A failed call: `CODE: message (file:line:col)` and the hint, then the error document. */
export function errorResult(error: unknown): CallToolResult {
  const json = errorToJson(asSt3Error(error));
  const where = json.file
    ? ` (${json.file}${json.line ? `:${json.line}${json.column ? `:${json.column}` : ''}` : ''})`
    : '';
  const lines = [`${json.code}: ${json.message}${where}`];
  if (json.hint) lines.push(`hint: ${json.hint}`);
  const document: ToolErrorDocument = { ok: false, error: json };
  return {
    content: [
      { type: 'text', text: lines.join('\n') },
      { type: 'text', text: JSON.stringify(document) },
    ],
    isError: true,
  };
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
