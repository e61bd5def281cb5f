import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyInjections,
  createScaffolder,
  stageRendered,
  VirtualTree,
  type OverwritePolicy,
  type RenderRequest,
} from '../src/index.js';

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
  const tree = new VirtualTree(workspace, { policy: options.policy ?? 'refuse' });
  const staged = await stageRendered(tree, result.files, { now: options.now ?? FIXED_NOW });
  const injected = await applyInjections(tree, result.injections ?? []);
  if (options.dryRun) return { result, staged, injected, plan: await tree.plan(), written: [] as string[] };
  const report = await tree.commit();
  await s.recordVersions(staged.filter((f) => report.written.includes(f.path)));
  return { result, staged, injected, plan: report.changes, written: report.written };
}
