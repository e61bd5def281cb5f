import { z } from 'zod';
import { GraphNodeSchema } from './graph.js';
import { NodeChangeSchema, NodeStateSchema } from './executor.js';

/**
 * What a coordinator and its workers exchange through the queue (BullMQ job data): one node to run,
 * its attempts so far and the change an interrupted attempt checkpointed. `v` is the protocol version:
 * a worker refuses a job of another version instead of guessing.
 */
export const QUEUE_PROTOCOL_VERSION = 1;

const AttemptPolicySchema = z.object({
  maxAttempts: z.number().int().positive(),
  schedule: z.array(z.record(z.string(), z.unknown())),
  backoff: z.record(z.string(), z.number()).optional(),
  timeoutMs: z.number().positive().optional(),
  keepResults: z.boolean(),
});

export const RemoteTaskSchema = z.object({
  runId: z.string().regex(/^[A-Za-z0-9._-]+$/),
  node: GraphNodeSchema,
  state: NodeStateSchema,
  policy: AttemptPolicySchema,
  feedback: z.string().optional(),
  dependencies: z.record(z.string(), z.unknown()),
  options: z.record(z.string(), z.unknown()),
});

export const QueueJobSchema = z.object({
  v: z.literal(QUEUE_PROTOCOL_VERSION),
  task: RemoteTaskSchema,
  /** The node's attempts so far (after a retryable failure). */
  progress: z
    .object({
      state: NodeStateSchema,
      events: z.array(z.record(z.string(), z.unknown())),
      stats: z.record(z.string(), z.unknown()),
      cursor: z.object({ attempt: z.number().int().positive(), adjust: z.record(z.string(), z.unknown()) }).loose(),
    })
    .optional(),
  /** A change the current attempt checkpointed before its worker stopped (a replacement worker recovers it). */
  interrupted: NodeChangeSchema.optional(),
  /** The wait before the next attempt (BullMQ's backoff reads it). */
  retryInMs: z.number().nonnegative().optional(),
});
export type QueueJob = z.infer<typeof QueueJobSchema>;
