import type { RedisOptions as BullConnection } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { St3Error } from '@st3/schemas';

/** Where the queue lives: a Redis URL and the names every key is made of. */
export interface QueueLocation {
  /** `redis://[user:password@]host:port[/db]`, `rediss://` for TLS. */
  redis: string;
  /** BullMQ queue name (default `st3`): a coordinator's jobs go to the workers of the same queue. */
  queue?: string;
  /** Prefix of every Redis key (default `st3`). */
  prefix?: string;
}

export const DEFAULT_QUEUE = 'st3';
export const DEFAULT_PREFIX = 'st3';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The URL with its password replaced by `***` (for messages and logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** ioredis options for a Redis URL; a URL that is not redis:// or rediss:// is an `E_REDIS_URL`. */
export function redisOptions(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new St3Error('E_REDIS_URL', `"${redactUrl(url)}" is not a URL`, {
      hint: 'e.g. --redis redis://127.0.0.1:6379',
    });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new St3Error('E_REDIS_URL', `"${redactUrl(url)}" is not a redis:// or rediss:// URL`, {
      hint: 'e.g. --redis redis://127.0.0.1:6379 (rediss:// for TLS)',
    });
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new St3Error('E_REDIS_URL', `the database of "${redactUrl(url)}" must be a number, got "${db}"`, {
      hint: 'redis://host:6379/0',
    });
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
  return {
    host,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
}

/** The queue and prefix names, checked (they become Redis key parts). */
export function queueNames(location: QueueLocation): { queue: string; prefix: string } {
  const queue = location.queue ?? DEFAULT_QUEUE;
  const prefix = location.prefix ?? DEFAULT_PREFIX;
  for (const [what, value] of [
    ['queue', queue],
    ['prefix', prefix],
  ] as const)
    if (!NAME.test(value))
      throw new St3Error('E_USAGE', `invalid ${what} name "${value}"`, {
        hint: 'letters, digits, ".", "_" and "-" (at most 100)',
      });
  return { queue, prefix };
}

/**
 * Connection options for BullMQ's blocking connections (workers and queue events need
 * `maxRetriesPerRequest: null`). ioredis reconnects by itself; the delay grows to 2 s.
 */
export function blockingConnection(url: string): BullConnection {
  const { tls, ...plain } = redisOptions(url);
  return {
    ...plain,
    ...(tls ? { tls } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  };
}

/**
 * A client for short commands: a command fails instead of waiting while Redis is away, so the
 * caller can tell "unreachable" from "slow".
 */
export function commandClient(url: string, name: string): Redis {
  return new Redis({
    ...redisOptions(url),
    connectionName: name,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    lazyConnect: true,
  });
}

function unavailable(url: string, detail: string, hint?: string): St3Error {
  return new St3Error('E_REDIS_UNAVAILABLE', `Redis at ${redactUrl(url)} is unavailable: ${detail}`, {
    hint: hint ?? 'start redis-server, or pass the right --redis URL',
  });
}

/** Connects `client` and checks it answers PING within `timeoutMs`; else `E_REDIS_UNAVAILABLE`. */
export async function connectOrFail(client: Redis, url: string, timeoutMs = 5000): Promise<void> {
  let lastError = 'no answer';
  const onError = (error: Error) => void (lastError = error.message);
  client.on('error', onError);
  const deadline = Date.now() + timeoutMs;
  try {
    if (client.status === 'wait') await client.connect().catch((e: Error) => void (lastError = e.message));
    while (Date.now() < deadline) {
      try {
        if ((await withTimeout(client.ping(), Math.max(100, deadline - Date.now()))) === 'PONG') return;
      } catch (error) {
        lastError = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw unavailable(url, lastError);
  } finally {
    client.off('error', onError);
  }
}

/** `promise`, or a rejection after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export { unavailable as redisUnavailable };
