import type * as Evidence from '@st3/evidence';
import type { ValidationTally } from '@st3/evidence';
import { ValidationResultSchema, WorktreeSnapshotSchema, type ValidationResult } from '@st3/schemas';
import { z } from 'zod';
import { plural } from '../results.js';
import { defineTool, READ_ONLY, WRITES } from '../tool.js';
import {
  agentArg,
  agentOf,
  DIRTY_TREE_HINT,
  taskIdArg,
  declares,
  withToolHint,
  type OutputOf,
  type Result,
} from './common.js';
import { taskOf, taskTelemetryOf } from './tasks.js';

/** The verdict of each `run_validation` result (the library is loaded lazily, so `summary` cannot call it). */
const tallies = new WeakMap<object, ValidationTally>();

/** `N commands: P passed, F failed, R not run (id: reason), S skipped (waiting on a blocker task)`. */
function validationSummary(value: { results: ValidationResult[]; artifacts: unknown[] }): string {
  const { results } = value;
  const kept = `; ${plural(value.artifacts.length, 'output')} kept as QA artifacts`;
  const t = tallies.get(value);
  if (!t)
    return `${plural(results.length, 'command')}: ${results.filter((x) => x.status === 'passed').length} passed, ${results.filter((x) => x.status === 'failed' || x.status === 'error').length} failed, ${results.filter((x) => x.status === 'skipped').length} skipped or not run${kept}`;
  return `${plural(results.length, 'command')}: ${t.passed} passed, ${t.failed} failed, ${t.not_run} not run${t.not_run > 0 ? ` (${t.notRun.map((n) => `${n.id}: ${n.reason}`).join('; ')})` : ''}, ${t.skipped} skipped${t.skipped > 0 ? ' (waiting on a blocker task)' : ''}${kept}`;
}

export const runValidationTool = defineTool({
  name: 'run_validation',
  title: "Run a task's validation commands",
  area: 'tasks',
  cli: 'st3 tasks run-validation',
  description:
    "Run the validation commands of a task's context (pre-flight skips, env, cwd, timeout, retries) with the server's environment, keep each command's output as its QA artifact (qa_output evidence) and record the results in the context (the first run becomes the baseline), as `st3 tasks run-validation` does. Sends progress per command when asked. isError when a command failed or could not run (missing cwd or expected path).",
  input: z.object({
    id: taskIdArg,
    commandIds: z.array(z.string().min(1)).optional().describe('run only these command ids'),
    env: z.record(z.string(), z.string()).default({}).describe('extra environment for the commands'),
    shell: z
      .boolean()
      .default(false)
      .describe(
        'run command strings that need a shell (`cd x && …`) through sh -c, as the original tasks CLI did; without it they are refused (status error, E_COMMAND_SYNTAX)',
      ),
    agent: agentArg,
  }),
  output: z.object({
    ok: z.boolean(),
    task_id: z.string(),
    results: z.array(ValidationResultSchema),
    artifacts: z
      .array(z.object({ command_id: z.string(), evidence_id: z.string() }))
      .describe("the qa_output evidence holding each command's output"),
    counts: z.object({ passed: z.number(), failed: z.number(), not_run: z.number(), skipped: z.number() }),
  }),
  annotations: { ...WRITES, openWorldHint: true },
  async run(args, { root, signal, progress }) {
    const { ws, id } = await taskOf(root, args.id);
    const { runTaskValidation, tallyValidation } = await import('@st3/evidence');
    // The same run as `st3 tasks run-validation`: the server's environment under the commands, each
    // command's output kept as its QA artifact, the results recorded (the first run as the baseline).
    const run = await runTaskValidation(ws, id, {
      commandIds: args.commandIds ?? [],
      env: process.env,
      extraEnv: args.env,
      signal,
      allowShell: args.shell,
      onStart: (command, { index, total }) => progress({ progress: index, total, message: `running ${command.id}` }),
    });
    await taskTelemetryOf(ws, id, agentOf(args.agent), (t) => {
      for (const r of run.results)
        if (r.status !== 'skipped' && r.attempts > 0) t.command([`validation:${r.id}`], r.exit_code, r.duration_ms);
    });
    // A command not run because of a pre-flight problem (cwd, expected path) is not a pass; one waiting
    // on its blocker task is neutral (the same verdict as `st3 tasks run-validation`).
    const tally = tallyValidation(run.results);
    const counts = { passed: tally.passed, failed: tally.failed, not_run: tally.not_run, skipped: tally.skipped };
    const value = { ok: tally.ok, task_id: id, results: run.results, artifacts: run.artifacts, counts };
    tallies.set(value, tally);
    return value;
  },
  summary: (r) => validationSummary(r),
  failed: (r) => !r.ok,
});

export const worktreeSnapshotTool = defineTool({
  name: 'worktree_snapshot',
  title: 'Snapshot the work tree',
  area: 'tasks',
  cli: 'st3 tasks worktree snapshot',
  description:
    "Record HEAD and the dirty files (with hashes) in the task's context; fails on a dirty tree unless allowPreexistingDirty is set.",
  input: z.object({
    id: taskIdArg,
    allowPreexistingDirty: z.boolean().default(false).describe('accept uncommitted changes and record them'),
    agent: agentArg.describe("the agent taking the snapshot (default: the server's ST3_AGENT)"),
  }),
  output: z.object({
    ok: z.literal(true),
    snapshot: WorktreeSnapshotSchema,
    warnings: z
      .array(z.object({ code: z.string(), path: z.string(), message: z.string() }))
      .optional()
      .describe('entries recorded without a hash (W_WORKTREE_UNHASHED): verify reports them as not verifiable'),
  }),
  annotations: WRITES,
  async run(args, { root }) {
    const { ws, id } = await taskOf(root, args.id);
    const { checkCleanTree, readContext, recordWorktree, updateContext, workspaceIgnores } =
      await import('@st3/evidence');
    await readContext(ws, id);
    const agent = agentOf(args.agent);
    // As `st3 tasks worktree snapshot`: ST3's own state left out, the agent named, kept as its latest.
    const warnings: { code: string; path: string; message: string }[] = [];
    const snapshot = await withToolHint('E_DIRTY_TREE', DIRTY_TREE_HINT, () =>
      checkCleanTree(ws.root, {
        ignore: workspaceIgnores(ws.config),
        allowPreexistingDirty: args.allowPreexistingDirty,
        env: process.env,
        onWarning: (w) => warnings.push(w),
        ...(agent ? { agent } : {}),
      }),
    );
    await updateContext(ws, id, (ctx) => recordWorktree(ctx, snapshot));
    return { ok: true as const, snapshot, warnings };
  },
  summary: ({ snapshot: s, warnings }) =>
    `snapshot: HEAD ${s.head ?? '(no commit)'}${s.branch ? ` on ${s.branch}` : ''}, ${plural(s.dirty.length, 'dirty file')}${warnings?.length ? `, ${warnings.length} ${warnings.length === 1 ? 'entry' : 'entries'} without a hash (not verifiable)` : ''}`,
});

/** @st3/evidence once `worktree_verify` ran (its summary, called after its run, words the drift the same way as the CLI). */
let evidence: typeof Evidence | undefined;

export const worktreeVerifyTool = defineTool({
  name: 'worktree_verify',
  title: 'Verify the work tree',
  area: 'tasks',
  cli: 'st3 tasks worktree verify',
  description:
    "Compare the work tree with the task's snapshot: HEAD moved, files dirtied, modified or reverted. isError when it drifted.",
  input: z.object({
    id: taskIdArg,
    expectedAgent: z
      .string()
      .min(1)
      .optional()
      .describe('verify against the snapshot this agent took; none by that agent is E_AGENT_MISMATCH'),
  }),
  output: z.object({
    ok: z.boolean(),
    agent: z.string().nullable().describe('the agent that took the snapshot verified against'),
    head_moved: z.boolean(),
    head_before: z.string().nullable(),
    head_now: z.string().nullable(),
    changed: z.array(
      z.object({
        path: z.string(),
        change: z.enum(['dirtied', 'modified', 'reverted', 'unverifiable']),
        status: z.string(),
        reason: z.string().optional().describe('why an unverifiable entry could not be compared'),
      }),
    ),
    clean: z.boolean(),
  }),
  annotations: READ_ONLY,
  async run(args, { root }) {
    const { ws, id } = await taskOf(root, args.id);
    evidence = await import('@st3/evidence');
    const { readContext, snapshotFor, verifyWorktree, workspaceIgnores } = evidence;
    const context = await readContext(ws, id);
    const snapshot = snapshotFor(context, args.expectedAgent);
    const drift = await verifyWorktree(ws.root, snapshot, { ignore: workspaceIgnores(ws.config), env: process.env });
    return { ok: drift.clean, agent: snapshot.agent ?? null, ...drift };
  },
  summary: (r) =>
    r.clean
      ? 'work tree matches the snapshot'
      : `${r.head_moved ? `HEAD moved ${r.head_before ?? '(none)'} -> ${r.head_now ?? '(none)'}; ` : ''}${evidence!.describeDrift(r.changed)}`,
  failed: (r) => !r.ok,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<OutputOf<typeof runValidationTool>, Pick<Result<typeof Evidence.runTaskValidation>, 'results' | 'artifacts'>>(
  true,
);
declares<OutputOf<typeof worktreeVerifyTool>, Result<typeof Evidence.verifyWorktree>>(true);
// (the snapshot's warnings are what checkCleanTree passes to onWarning)
declares<NonNullable<OutputOf<typeof worktreeSnapshotTool>['warnings']>[number], Evidence.WorktreeWarning>(true);
