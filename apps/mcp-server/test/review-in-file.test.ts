// review_list and review_show say, like `st3 review list --json`, whether an approved item's code is
// still in its file (`inFile`, the ledger's rule): an agent reading "approved" of code reverted since
// would take for done what the next execute generates again.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, ok, texts, TRANSPORTS, workspaceSession } from './harness.js';

const BEFORE = 'export function half(n: number): number {\n  return n;\n}\n';
const AFTER = 'export function half(n: number): number {\n  return n / 2;\n}\n';
const PATCH = `--- a/src/half.ts
+++ b/src/half.ts
@@ -1,3 +1,3 @@
 export function half(n: number): number {
-  return n;
+  return n / 2;
 }
`;

describe.each(TRANSPORTS)('review_list and review_show of an approved item over %s', (transport) => {
  const c = workspaceSession(transport, {
    setup: async (dir) => {
      await writeFile(join(dir, 'src/half.ts'), BEFORE);
      const { createHash } = await import('node:crypto');
      const { createReviewQueue, createReviewService, createWorkspaceFiles } = await import('@st3/executor');
      const queue = createReviewQueue(join(dir, '.st3/review'));
      await queue.add({
        nodeId: 'half',
        file: 'src/half.ts',
        startLine: 1,
        endLine: 3,
        code: AFTER.trimEnd(),
        originalCode: BEFORE.trimEnd(),
        patch: PATCH,
        baseSha256: createHash('sha256').update(BEFORE).digest('hex'),
        confidence: 0.5,
      });
      await createReviewService({ queue, files: createWorkspaceFiles(dir) }).approve('r1');
    },
  });

  it('held while the file has its code; reverted once it no longer does, in the JSON and the summary', async () => {
    expect(await readFile(join(c.dir, 'src/half.ts'), 'utf8')).toBe(AFTER);
    const held = await ok(c.client, 'review_list');
    expect(held.items).toEqual([expect.objectContaining({ id: 'r1', status: 'approved', inFile: { status: 'held' } })]);

    await writeFile(join(c.dir, 'src/half.ts'), BEFORE); // reverted (git checkout, an editor)
    const list = await call(c.client, 'review_list');
    const reverted = {
      status: 'reverted',
      why: expect.stringMatching(/^approved in review \(r1\), but src\/half\.ts no longer holds the code it wrote/),
    };
    expect((list.structuredContent as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ id: 'r1', status: 'approved', inFile: reverted }),
    ]);
    expect(texts(list)[0]).toBe('1 item: r1 approved (reverted) low');
    const show = await call(c.client, 'review_show', { id: 'r1' });
    expect((show.structuredContent as { item: unknown }).item).toEqual(expect.objectContaining({ inFile: reverted }));
    expect(texts(show)[0]).toMatch(/^r1 approved \(reverted\): half in src\/half\.ts, .*; approved in review \(r1\)/);
  }, 60_000);
});
