import { z } from 'zod';

/**
 * A plan for `st3 validate-plan --plan FILE`: which files make each task and which tasks make each
 * milestone. `files` are paths or globs (`*` within a folder, `**` across folders) relative to the
 * workspace root, as in atomizer output. Files no task claims stay tasks of their own, in the
 * milestone of their folder.
 */
export const PlanTaskSpecSchema = z
  .object({
    id: z.string().min(1),
    files: z.array(z.string().min(1)).min(1),
  })
  .loose();
export type PlanTaskSpec = z.infer<typeof PlanTaskSpecSchema>;

export const PlanMilestoneSpecSchema = z
  .object({
    id: z.string().min(1),
    tasks: z.array(PlanTaskSpecSchema).min(1),
  })
  .loose();
export type PlanMilestoneSpec = z.infer<typeof PlanMilestoneSpecSchema>;

export const PlanSpecSchema = z.object({ milestones: z.array(PlanMilestoneSpecSchema).min(1) }).loose();
export type PlanSpec = z.infer<typeof PlanSpecSchema>;
