import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The workspace's gate config, as the validator finds it (`createValidator`'s default for `gates`). */
export function qualityConfigPath(root: string): string {
  return join(root, '.st3', 'config', 'quality.yaml');
}

/**
 * Checks the workspace's quality.yaml before any agent is asked: an invalid one is a configuration
 * error of the run (E_CONFIG_INVALID, located in the workspace's file), never a failure of each node's
 * code — in a scratch copy it would fail every attempt, spend every retry on the agent, and name a
 * temporary path. Nothing to check when the run validates without gates or the workspace has none.
 */
export async function checkGateConfig(root: string, gates?: boolean): Promise<void> {
  const path = qualityConfigPath(root);
  if (gates === false || !existsSync(path)) return;
  const { requireQualityConfig } = await import('@st3/quality-gates');
  await requireQualityConfig(path);
}
