// src/tools/search-docs-tool.ts
// template=tool version=05966c3b created=2026-01-02T03:04:05Z updated=
/**
 * Searches the documentation index
 *
 * @module
 */
import { z } from 'zod';

export const SearchDocsToolInputSchema = z
  .object({
    query: z.string(),
    limit: z.number().int().optional(),
  })
  .strict();

export type SearchDocsToolInput = z.infer<typeof SearchDocsToolInputSchema>;

/** The result shape of an MCP `tools/call`. */
export interface ToolResult {
  content: { type: 'text'; text: string }[];
  isError?: boolean;
}

export interface SearchDocsToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  handler(args: unknown): Promise<ToolResult>;
}

/** Builds the tool around `execute`, which does the work and returns any JSON-serialisable value. */
export function createSearchDocsTool(execute: (input: SearchDocsToolInput) => Promise<unknown>): SearchDocsToolDefinition {
  return {
    name: "search_docs_tool",
    description: "Searches the documentation index",
    inputSchema: z.toJSONSchema(SearchDocsToolInputSchema) as Record<string, unknown>,
    async handler(args: unknown): Promise<ToolResult> {
      const parsed = SearchDocsToolInputSchema.safeParse(args ?? {});
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
        return { content: [{ type: 'text', text: `invalid arguments: ${problems.join('; ')}` }], isError: true };
      }
      try {
        const result = await execute(parsed.data);
        return { content: [{ type: 'text', text: typeof result === 'string' ? result : JSON.stringify(result) }] };
      } catch (error) {
        return { content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }], isError: true };
      }
    },
  };
}
