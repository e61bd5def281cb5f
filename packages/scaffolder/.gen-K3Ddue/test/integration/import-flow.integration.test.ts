// test/integration/import-flow.integration.test.ts
// template=integration_test version=a1e68550 created=2026-01-02T03:04:05Z updated=
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

describe('Import Flow (integration)', () => {
  let workspace: string;

  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'import-flow-'));
  });

  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('starts from an empty workspace', async () => {
    expect((await stat(workspace)).isDirectory()).toBe(true);
  });

  it.todo("imports a CSV file");
});
