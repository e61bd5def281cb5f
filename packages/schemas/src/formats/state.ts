import { z } from 'zod';

/** What the gate engine remembers about one gate (ST3 extension of the seed's state). */
export const GateStateSchema = z
  .object({
    failed_files: z.array(z.string()).default([]).describe('files this gate found failing and has not seen pass since'),
    config_hash: z
      .string()
      .nullable()
      .optional()
      .describe(
        "hash of the gate's effective config when the baseline was recorded; a different hash re-runs the gate on the project",
      ),
    project_failed: z
      .boolean()
      .optional()
      .describe('the gate failed on the project without naming files: auto runs it on the project until it passes'),
  })
  .loose();
export type GateState = z.infer<typeof GateStateSchema>;

/** The section of `.st3/state.json` owned by the gate engine. Unknown keys are kept. */
export const QualityGatesStateSchema = z
  .object({
    baseline_sha: z.string().nullable().optional(),
    failed_files: z
      .array(z.string())
      .default([])
      .describe("the union of the failing files of every gate (the seed's field)"),
    gates: z.record(z.string(), GateStateSchema).optional().describe('per gate: its failing files and config hash'),
    unverified_files: z
      .array(z.string())
      .optional()
      .describe(
        'files whose working copy differed from baseline_sha when it was recorded: their committed content was never checked, so auto scope includes them',
      ),
  })
  .loose();
export type QualityGatesState = z.infer<typeof QualityGatesStateSchema>;

export const PhaseTransitionSchema = z
  .object({
    from_phase: z.string().nullable(),
    to_phase: z.string(),
    timestamp: z.string(),
    human_approval: z.unknown().optional(),
    forced: z.boolean().optional(),
    skip_reason: z.string().nullable().optional(),
  })
  .loose();
export type PhaseTransition = z.infer<typeof PhaseTransitionSchema>;

/**
 * `.st3/state.json`: the workflow state. Every field is optional and unknown keys are preserved,
 * so a tool that rewrites the file (e.g. the gate engine updating `quality_gates`) loses nothing.
 */
export const WorkflowStateSchema = z
  .object({
    branch: z.string().optional(),
    issue_number: z.number().int().nullable().optional(),
    workflow_name: z.string().optional(),
    current_phase: z.string().nullable().optional(),
    current_cycle: z.unknown().optional(),
    last_cycle: z.unknown().optional(),
    cycle_history: z.array(z.unknown()).optional(),
    required_phases: z.array(z.string()).optional(),
    execution_mode: z.string().optional(),
    skip_reason: z.string().nullable().optional(),
    issue_title: z.string().optional(),
    parent_branch: z.string().nullable().optional(),
    created_at: z.string().optional(),
    transitions: z.array(PhaseTransitionSchema).optional(),
    reconstructed: z.boolean().optional(),
    quality_gates: QualityGatesStateSchema.optional(),
  })
  .loose();
export type WorkflowState = z.infer<typeof WorkflowStateSchema>;
