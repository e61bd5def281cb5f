// review_list and review_show say, like `st3 review list --json`, when a rejected item was settled by a
// later run that regenerated its node and applied the new code (`supersededBy`): an agent reading only
// "rejected" would take the node for still waiting on a regeneration.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, ok, texts, TRANSPORTS, workspaceSession } from './harness.js';

describe.each(TRANSPORTS)('review_list and review_show of a superseded item over %s', (transport) => {
  const c = workspaceSession(transport, {
    setup: async (dir) => {
      const { createReviewQueue } = await import('@st3/executor');
      const queue = createReviewQueue(join(dir, '.st3/review'));
      for (const nodeId of ['half', 'double'])
        await queue.add({
          nodeId,
          file: `src/${nodeId}.ts`,
          startLine: 1,
          endLine: 3,
          code: 'export const x = 1;',
          originalCode: 'export const x = 0;',
          confidence: 0.5,
        });
      await queue.reject('r1', { feedback: 'use a shift' });
      await queue.reject('r2', { feedback: 'not like this' });
      // A later run regenerated r1's node, validated the new code and applied it.
      await queue.markApplied('r1', { sha256: 'a'.repeat(64), by: 'run-1', note: 'its node regenerated' });
    },
  });

  it('supersededBy on the settled item only, in the JSON and the summary', async () => {
    const list = await call(c.client, 'review_list');
    const items = (list.structuredContent as { items: { id: string; status: string; supersededBy?: unknown }[] }).items;
    const r1 = items.find((i) => i.id === 'r1')!;
    const r2 = items.find((i) => i.id === 'r2')!;
    expect(r1).toMatchObject({ status: 'rejected', supersededBy: { runId: 'run-1', sha256: 'a'.repeat(64) } });
    expect(r2.status).toBe('rejected');
    expect(r2.supersededBy).toBeUndefined();
    expect(texts(list)[0]).toContain('r1 rejected (superseded)');
    expect(texts(list)[0]).toMatch(/r2 rejected [a-z]/);
    const show = await ok(c.client, 'review_show', { id: 'r1' });
    expect(show.item.supersededBy).toMatchObject({ runId: 'run-1' });
  }, 60_000);
});
