// test/unit/search-docs-tool.test.ts
// template=unit_test version=2be9bdea created=2026-01-02T03:04:05Z updated=
import { describe, expect, it } from 'vitest';
import { createSearchDocsTool } from '../../src/tools/search-docs-tool.js';

describe('SearchDocsTool', () => {
  const args = { query: 'example' };

  it('describes itself with a JSON Schema', () => {
    const tool = createSearchDocsTool(async () => 'ok');
    expect(tool.name).toBe("search_docs_tool");
    expect(tool.inputSchema).toMatchObject({ type: 'object' });
  });

  it('returns the result as text', async () => {
    const tool = createSearchDocsTool(async (input) => ({ received: input }));
    const result = await tool.handler(args);
    expect(result.isError).toBeUndefined();
    expect(JSON.parse(result.content[0]!.text)).toEqual({ received: args });
  });

  it('reports invalid arguments as an error result', async () => {
    const tool = createSearchDocsTool(async () => 'ok');
    const result = await tool.handler({ ...args, unexpected: 1 });
    expect(result.isError).toBe(true);
  });

  it('reports a failing execute as an error result', async () => {
    const tool = createSearchDocsTool(async () => {
      throw new Error('boom');
    });
    await expect(tool.handler(args)).resolves.toMatchObject({ isError: true, content: [{ text: 'boom' }] });
  });
});
