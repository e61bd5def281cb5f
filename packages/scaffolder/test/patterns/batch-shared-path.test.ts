import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPatternBatch } from '../../src/index.js';
import { patternFixture } from './helpers.js';

const NOW = new Date('2026-01-02T03:04:05Z');
const SHARED = 'patterns/executors/shared_executor.ps1';

/** Two registry entries (the real atomic_create spec) whose executor_path is the same file: a copy-paste slip. */
async function sharedExecutorRepo(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'st3-batch-shared-'));
  await mkdir(join(root, 'patterns', 'specs'), { recursive: true });
  const spec = await readFile(join(patternFixture, 'specs', 'atomic_create.pattern.yaml'), 'utf8');
  await writeFile(join(root, 'patterns', 'specs', 'atomic_create.pattern.yaml'), spec);
  const entry = (id: string, name: string) =>
    `- pattern_id: ${id}\n  name: ${name}\n  version: 1.0.0\n  status: draft\n  category: file_creation\n` +
    `  spec_path: patterns/specs/atomic_create.pattern.yaml\n  executor_path: ${SHARED}\n`;
  await writeFile(
    join(root, 'patterns', 'PATTERN_INDEX.yaml'),
    `patterns:\n${entry('PAT-ATOMIC-CREATE-001', 'atomic_create')}${entry('PAT-ATOMIC-CREATE-002', 'atomic_create_two')}`,
  );
  return root;
}

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

describe('two registry entries generating the same file', () => {
  for (const batchSize of [25, 1])
    it(`keep the first entry's file and fail the run naming both (batch size ${batchSize})`, async () => {
      root = await sharedExecutorRepo();
      const registry = join(root, 'patterns', 'PATTERN_INDEX.yaml');
      const report = await runPatternBatch(registry, { phases: [2], now: NOW, batchSize });
      const executor = await readFile(join(root, SHARED), 'utf8');
      expect(executor).toContain("$PatternId = 'PAT-ATOMIC-CREATE-001'");
      expect(report.ok).toBe(false);
      const conflict = report.notes.find((n) => n.kind === 'path-conflict');
      expect(conflict).toMatchObject({ pattern: 'PAT-ATOMIC-CREATE-002', severity: 'error', phase: 2 });
      expect(conflict?.message).toContain(`${SHARED} is generated for PAT-ATOMIC-CREATE-001`);
      // the other files of both entries are generated as before
      expect(report.files.find((f) => f.path === 'patterns/tests/test_atomic_create_two_executor.ps1')?.status).toBe(
        'created',
      );

      // a second run does not turn the file over to the other entry either
      const again = await runPatternBatch(registry, { phases: [2], now: NOW, batchSize });
      expect(await readFile(join(root, SHARED), 'utf8')).toBe(executor);
      expect(again.ok).toBe(false);
      expect(again.files.find((f) => f.path === SHARED)?.status).toBe('unchanged');
    });
});
