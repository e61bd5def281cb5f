import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realWorld } from '@st3/tooling/fixtures';

/** The real pattern registry fixture (read-only: tests copy it). */
export const patternFixture = join(realWorld, 'patterns');

/** Copies the real `patterns/` folder into a temp repo: `<tmp>/patterns/PATTERN_INDEX.yaml`. */
export async function copyFixture(): Promise<{
  root: string;
  patterns: string;
  registry: string;
  cleanup: () => Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'st3-patterns-'));
  const patterns = join(root, 'patterns');
  await cp(patternFixture, patterns, { recursive: true });
  return {
    root,
    patterns,
    registry: join(patterns, 'PATTERN_INDEX.yaml'),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
