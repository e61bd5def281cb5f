import { describe, expect, it } from 'vitest';
import { call, ok, texts, workspaceSession } from './harness.js';

// Tools name the folders they report from the workspace root, as they name files: the server's
// absolute path means nothing to a client that may run elsewhere (st3 mcp --http).

describe('folders in results are workspace-relative', () => {
  const c = workspaceSession('stdio');

  it('task_init_context and evidence_list give the context and evidence folders from the root', async () => {
    const init = await call(c.client, 'task_init_context', { id: 'TASK-0001' });
    expect(init.isError ?? false).toBe(false);
    expect((init.structuredContent as { dir: string }).dir).toBe('.st3/tasks/TASK-0001');
    expect(texts(init)[0]).toMatch(/^context of TASK-0001 created in \.st3\/tasks\/TASK-0001 \(/);
    const listed = await ok(c.client, 'evidence_list', { id: 'TASK-0001' });
    expect(listed.dir).toBe('.st3/tasks/TASK-0001/evidence');
    expect(JSON.stringify([init.structuredContent, listed])).not.toContain(c.dir);
  });

  it('check_patterns names the registry, link base and findings from the root', async () => {
    const r = await call(c.client, 'check_patterns', { registry: 'patterns' });
    const doc = r.structuredContent as { registry: string; linkBase: string; findings: { file?: string }[] };
    expect(doc.registry).toBe('patterns/PATTERN_INDEX.yaml');
    expect(doc.linkBase).toBe('.');
    expect(JSON.stringify(doc)).not.toContain(c.dir);
  });

  it('an error a library raises names its file from the root too (a missing registry)', async () => {
    const r = await call(c.client, 'check_patterns', { registry: 'no-such-registry' });
    expect(r.isError).toBe(true);
    expect(texts(r)[0]).toBe(
      'E_FILE_NOT_FOUND: pattern registry not found: no-such-registry\nhint: pass the PATTERN_INDEX.yaml file or the folder holding it',
    );
    expect(texts(r).join('\n')).not.toContain(c.dir);
  });
});
