import { z } from 'zod';
import { GraphInputSchema } from './graph.js';

/**
 * Records written by `@st3/executor`: durable run state (`.st3/runs/<id>.json`) and the review
 * queue (`.st3/review/queue.json`). Both are versioned so later releases can migrate them.
 */

export const ErrorCategorySchema = z.enum(['syntax', 'type', 'logic', 'timeout', 'dependency', 'context', 'unknown']);
export type ErrorCategory = z.infer<typeof ErrorCategorySchema>;

/** Parameters one attempt runs with (temperature from the schedule, plus any adjustments). */
export const AttemptParamsSchema = z.object({ temperature: z.number().optional() }).catchall(z.unknown());
export type AttemptParams = z.infer<typeof AttemptParamsSchema>;

export const AttemptRecordSchema = z.object({
  attempt: z.number().int().positive(),
  params: AttemptParamsSchema,
  feedback: z.string().optional(),
  startedAt: z.number(),
  finishedAt: z.number(),
  durationMs: z.number().nonnegative(),
  ok: z.boolean(),
  error: z
    .object({
      category: ErrorCategorySchema,
      message: z.string(),
      retryable: z.boolean(),
      /** The St3Error code, when the failure had one (e.g. E_AGENT_UNREACHABLE). */
      code: z.string().optional(),
    })
    .optional(),
  /** Wait before the next attempt, when there was one. */
  backoffMs: z.number().nonnegative().optional(),
  /** The agent's answer (agent nodes; long answers are trimmed to their first 20,000 characters). */
  answer: z.string().optional(),
  /**
   * Token usage the agent reported for this attempt (openai agents). null: a count the server sent as null
   * (new records leave it out; records written before that kept it, and must still be read).
   */
  usage: z
    .object({
      prompt_tokens: z.number().nullable().optional(),
      completion_tokens: z.number().nullable().optional(),
    })
    .loose()
    .optional(),
});
export type AttemptRecord = z.infer<typeof AttemptRecordSchema>;

export const NodeStatusSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']);
export type NodeStatus = z.infer<typeof NodeStatusSchema>;

export const ConfidenceLevelSchema = z.enum(['high', 'medium', 'low', 'critical']);
export type ConfidenceLevel = z.infer<typeof ConfidenceLevelSchema>;

export const ConfidenceSchema = z.object({
  score: z.number().min(0).max(1),
  level: ConfidenceLevelSchema,
  components: z.record(z.string(), z.number()).optional(),
});

/** What validating one generated change found (agent nodes and review edits). */
export const ChangeValidationSchema = z.object({
  /**
   * The new file parses (atomizer). Absent when nothing parsed it (a language the atomizer does not
   * parse): not measured, with why in `notMeasured`.
   */
  parse: z.object({ ok: z.boolean(), errors: z.array(z.string()) }).optional(),
  /** Atomicity of the atoms covering the changed lines. */
  atomicity: z
    .object({
      ok: z.boolean(),
      score: z.number(),
      before: z.number().optional(),
      violations: z.array(z.string()),
    })
    .optional(),
  /** The workspace's quality gates on the changed file, run in a scratch copy (`files` scope). */
  gates: z
    .array(
      z.object({
        id: z.string(),
        status: z.string(),
        violations: z.number().int().nonnegative(),
        messages: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  /** The quality tests, when the run asked for them. */
  tests: z.object({ passed: z.number().int(), total: z.number().int() }).optional(),
  /**
   * Checks that could not establish a verdict, each `<check>: <why>` (e.g. `parse: main.go is not a
   * language the atomizer parses`): they never count as passed.
   */
  notMeasured: z.array(z.string()).optional(),
});
export type ChangeValidation = z.infer<typeof ChangeValidationSchema>;

/**
 * The change an agent node made to its file. `applying` is written (and flushed) before the file
 * is touched, so a run killed in between can tell on resume whether the write happened.
 */
export const NodeChangeSchema = z.object({
  file: z.string(),
  outcome: z.enum(['applying', 'applied', 'queued', 'dry-run', 'unchanged']),
  /** sha256 of the file before and after this node's change (hex). */
  beforeSha256: z.string(),
  afterSha256: z.string(),
  /** Unified diff of the change (a/ b/ paths relative to the workspace root). */
  diff: z.string(),
  /** Lines of the atom in the file the agent saw, and of its replacement. */
  lines: z.object({ start: z.number().int(), end: z.number().int(), newEnd: z.number().int() }).optional(),
  /**
   * sha1 (hex) of the atom's new code without blank edge lines: a later run recognises the atom this
   * change produced (its id changed with its code) and does not generate it again.
   */
  codeSha1: z.string().optional(),
  /** Nodes whose changes to the same file were applied between this node's validation and its write. */
  rebasedOver: z.array(z.string()).optional(),
  confidence: ConfidenceSchema.optional(),
  validation: ChangeValidationSchema.optional(),
  /** The review item holding the change, when it was queued. */
  reviewItem: z.string().optional(),
  /**
   * Why the change goes to review rather than the file (its confidence below the threshold, gates that could
   * not judge it): set when it was queued, and in a dry run when it would have been (outcome `dry-run`).
   */
  reviewReason: z.string().optional(),
});
export type NodeChange = z.infer<typeof NodeChangeSchema>;

export const NodeStateSchema = z.object({
  status: NodeStatusSchema,
  attempts: z.array(AttemptRecordSchema),
  /** Attempts of earlier runs of the same run id (before a resume). */
  previousAttempts: z.array(AttemptRecordSchema).optional(),
  result: z.unknown().optional(),
  error: z.object({ category: ErrorCategorySchema, message: z.string(), code: z.string().optional() }).optional(),
  /** For skipped nodes: the failed node that blocked it and why. */
  skipped: z.object({ because: z.string(), via: z.string(), reason: z.string() }).optional(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  /** True when a resumed run took this success from the earlier run. */
  reused: z.boolean().optional(),
  /** Why a node did not run: it was done before this run (applied or approved earlier). */
  alreadyDone: z.string().optional(),
  /** Agent nodes: the change made (or queued, or written to the run's patch). */
  change: NodeChangeSchema.optional(),
});
export type NodeState = z.infer<typeof NodeStateSchema>;

export const RunStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const RunStateSchema = z.object({
  version: z.literal(1),
  id: z.string().regex(/^[A-Za-z0-9._-]+$/),
  status: RunStatusSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** sha256 of the graph's node ids and edges; a resume with another graph is refused. */
  graphHash: z.string(),
  graph: GraphInputSchema,
  /** Options the run was started with (what a resume reuses), e.g. mode, concurrency, command. */
  options: z.record(z.string(), z.unknown()),
  nodes: z.record(z.string(), NodeStateSchema),
  stats: z.record(z.string(), z.unknown()).optional(),
});
export type RunState = z.infer<typeof RunStateSchema>;

export const ReviewStatusSchema = z.enum(['pending', 'in_review', 'approved', 'rejected', 'needs_regeneration']);
export type ReviewStatus = z.infer<typeof ReviewStatusSchema>;

export const CodeIssueSchema = z.object({
  rule: z.string(),
  language: z.enum(['python', 'typescript']),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  message: z.string(),
  explanation: z.string(),
  fix: z.object({ before: z.string(), after: z.string() }),
});
export type CodeIssue = z.infer<typeof CodeIssueSchema>;

export const ReviewEventSchema = z.object({
  at: z.string(),
  action: z.enum(['add', 'assign', 'approve', 'reject', 'edit', 'regenerate', 'resubmit', 'apply']),
  from: ReviewStatusSchema.optional(),
  to: ReviewStatusSchema,
  by: z.string().optional(),
  feedback: z.string().optional(),
});
export type ReviewEvent = z.infer<typeof ReviewEventSchema>;

export const ReviewItemSchema = z.object({
  id: z.string(),
  nodeId: z.string(),
  runId: z.string().optional(),
  file: z.string().optional(),
  startLine: z.number().int().positive().optional(),
  endLine: z.number().int().positive().optional(),
  language: z.enum(['python', 'typescript', 'javascript', 'other']),
  code: z.string(),
  confidence: ConfidenceSchema,
  priority: z.number().int(),
  status: ReviewStatusSchema,
  reviewer: z.string().optional(),
  feedback: z.string().optional(),
  issues: z.array(CodeIssueSchema),
  validation: z.object({ ok: z.boolean(), errors: z.array(z.string()) }).optional(),
  /** The atom's code before the change (what the proposed code replaces). */
  originalCode: z.string().optional(),
  /** The whole proposed change as a unified diff against the file (approve applies it). */
  patch: z.string().optional(),
  /** sha256 of the file the patch was made against. */
  baseSha256: z.string().optional(),
  /** What validating the change found (gates, atomicity). */
  checks: ChangeValidationSchema.optional(),
  /** Set once the item's code is written to the file (approve or edit). */
  applied: z.object({ at: z.string(), sha256: z.string(), by: z.string().optional() }).optional(),
  history: z.array(ReviewEventSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

export const ReviewQueueSchema = z.object({ version: z.literal(1), items: z.array(ReviewItemSchema) });
export type ReviewQueue = z.infer<typeof ReviewQueueSchema>;
