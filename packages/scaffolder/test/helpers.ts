import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScaffolder, writeRendered, type OverwritePolicy, type RenderRequest } from '../src/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export { realWorld } from '@st3/tooling/fixtures';

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'st3-scaffolder-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const FIXED_NOW = new Date('2026-01-02T03:04:05Z');

/** What `st3 scaffold` does: render, stage (keeping headers honest), inject, commit atomically, record. */
export async function scaffoldInto(
  workspace: string,
  request: RenderRequest,
  options: { now?: Date; policy?: OverwritePolicy; dryRun?: boolean } = {},
) {
  const s = await createScaffolder({ workspace, now: () => options.now ?? FIXED_NOW });
  const result = s.render({ now: options.now ?? FIXED_NOW, ...request });
  const report = await writeRendered(s, result, {
    root: workspace,
    policy: options.policy ?? 'refuse',
    dryRun: options.dryRun === true,
    now: options.now ?? FIXED_NOW,
  });
  return { result, staged: report.files, injected: report.injected, plan: report.changes, written: report.written };
}
