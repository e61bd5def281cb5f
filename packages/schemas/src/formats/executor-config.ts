import { z } from 'zod';

/**
 * `.st3/config/executor.yaml`: how `st3 execute` runs a graph when its flags do not say — the backend
 * (this process, or BullMQ workers over Redis), the Redis URL and queue, the review threshold — and the
 * prices that turn the token usage agents report into the cost metrics. Flags win over this file;
 * `ST3_REDIS_URL` wins over `redis.url`.
 */

const RedisUrl = z
  .string()
  .regex(/^rediss?:\/\/[^\s]+$/, 'a Redis URL such as redis://127.0.0.1:6379 (rediss:// for TLS)');

/** A BullMQ queue name (also a Redis key part). */
export const QueueNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" and "-" (at most 100)');

/** USD per million tokens. */
const Price = z.strictObject({
  prompt_per_million: z.number().nonnegative(),
  completion_per_million: z.number().nonnegative(),
});
export type TokenPrice = z.infer<typeof Price>;

export const ExecutorConfigSchema = z.strictObject({
  version: z.literal(1),
  /** Where nodes run: `local` (this process, the default) or `bullmq` (workers started with `st3 worker`). */
  backend: z.enum(['local', 'bullmq']).optional(),
  redis: z
    .strictObject({
      url: RedisUrl.optional(),
      /** Queue name (default `st3`): coordinators and workers of one queue work together. */
      queue: QueueNameSchema.optional(),
      /** Prefix of every Redis key (default `st3`). */
      prefix: QueueNameSchema.optional(),
    })
    .optional(),
  /** Default of `--review-below`: below this confidence a change is queued for review. */
  review_below: z.number().min(0).max(1).optional(),
  /** Prices per agent name (`"*"`: any other agent), for `st3_v2_cost_*`. No price, no cost metric. */
  prices: z.record(z.string().min(1), Price).optional(),
});
export type ExecutorConfig = z.infer<typeof ExecutorConfigSchema>;
