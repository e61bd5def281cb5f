import { join } from 'node:path';
import { ExecutorConfigSchema, loadFile, St3Error, type ExecutorConfig, type TokenPrice } from '@st3/schemas';

// The settings of a run that `.st3/config/executor.yaml` and a saved run provide: `st3 execute` and the
// MCP `execute` tool both resolve them here, so the same workspace runs the same way from either.

export const EXECUTOR_CONFIG_PATH = join('.st3', 'config', 'executor.yaml');

/** `.st3/config/executor.yaml` (undefined when absent); an invalid file is E_CONFIG_INVALID, located. */
export async function loadExecutorConfig(root: string): Promise<ExecutorConfig | undefined> {
  const file = join(root, EXECUTOR_CONFIG_PATH);
  const r = await loadFile(file, { schema: ExecutorConfigSchema });
  if (r.errors.some((d) => d.code === 'E_FILE_NOT_FOUND')) return undefined;
  if (!r.value || r.errors.length > 0) {
    const d = r.errors[0];
    throw new St3Error('E_CONFIG_INVALID', `${file} is invalid: ${d?.message ?? 'unreadable'}`, {
      file,
      line: d?.line,
      column: d?.column,
      hint: d?.hint ?? 'st3 validate .st3/config/executor.yaml lists every problem',
      diagnostics: r.errors,
    });
  }
  return r.value;
}

/** Where a run's nodes go, resolved: flags, then `ST3_REDIS_URL`, then executor.yaml, then the defaults. */
export interface BackendChoice {
  backend: 'local' | 'bullmq';
  redis?: string;
  queue?: string;
  prefix?: string;
}

export interface BackendFlags {
  backend?: string;
  redis?: string;
  queue?: string;
}

/**
 * The backend of a run: the flags, then the saved run (a resume keeps its backend and queue), then
 * executor.yaml, then `local`. The Redis URL: the flag, then `env.ST3_REDIS_URL`, then executor.yaml.
 */
export function chooseBackend(
  flags: BackendFlags,
  env: Record<string, string | undefined>,
  config: ExecutorConfig | undefined,
  saved: Record<string, unknown> = {},
): BackendChoice {
  const backend = (flags.backend ??
    (typeof saved.backend === 'string' ? saved.backend : undefined) ??
    config?.backend ??
    'local') as string;
  if (backend !== 'local' && backend !== 'bullmq')
    throw new St3Error('E_USAGE', `--backend must be local or bullmq, got "${backend}"`);
  const redis = flags.redis ?? (env.ST3_REDIS_URL || undefined) ?? config?.redis?.url;
  const queue = flags.queue ?? (typeof saved.queue === 'string' ? saved.queue : undefined) ?? config?.redis?.queue;
  const prefix = config?.redis?.prefix;
  if (backend === 'local') {
    if (flags.redis !== undefined || flags.queue !== undefined)
      throw new St3Error('E_USAGE', '--redis and --queue go with --backend bullmq', { hint: 'add --backend bullmq' });
    return { backend };
  }
  if (!redis)
    throw new St3Error('E_REDIS_URL', '--backend bullmq needs a Redis URL', {
      hint: 'pass --redis redis://127.0.0.1:6379, set ST3_REDIS_URL, or redis.url in .st3/config/executor.yaml',
    });
  return { backend, redis, ...(queue ? { queue } : {}), ...(prefix ? { prefix } : {}) };
}

/** The price of an agent from executor.yaml (`"*"` for any other); none: no cost metric. */
export function priceOf(config: ExecutorConfig | undefined, agent: string | undefined): TokenPrice | undefined {
  const prices = config?.prices;
  if (!prices) return undefined;
  return (agent !== undefined ? prices[agent] : undefined) ?? prices['*'];
}
