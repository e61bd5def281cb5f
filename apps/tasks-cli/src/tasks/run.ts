import { defineCommand, EXIT } from '@st3/cli-kit';
import {
  describeDrift,
  checkCleanTree,
  readContext,
  recordWorktree,
  runTaskValidation,
  notRunReason,
  snapshotFor,
  tallyValidation,
  updateContext,
  verifyWorktree,
  workspaceIgnores,
  type WorktreeWarning,
} from '@st3/evidence';
import { agentOf, agentOption, parseEnvPairs, setup, TASK_ID, taskIdOf, taskTelemetry } from './common.js';

export const runValidation = defineCommand({
  name: 'run-validation',
  summary:
    "run the task's validation commands (pre-flight checks, env, cwd, timeout, retries), keep each one's output as its QA artifact and record the results; exit 1 when one failed or could not run (cwd or an expected path missing); no command to run is E_VALIDATION_NO_COMMANDS (exit 2), never a pass",
  args: TASK_ID,
  options: {
    'command-id': {
      type: 'string',
      multiple: true,
      valueName: 'ID',
      description: 'run only this command (its `id` in the task file, else cmd-<n>; repeatable)',
    },
    env: { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'extra environment for the commands' },
    shell: {
      type: 'boolean',
      description:
        'run command strings that need a shell (`cd x && …`, `… || true`) through sh -c, as the original tasks CLI did; without it they are refused (status error, E_COMMAND_SYNTAX)',
    },
    ...agentOption,
  },
  examples: [
    'st3 tasks run-validation TASK-0123',
    'st3 tasks run-validation TASK-0123 --shell',
    'st3 tasks run-validation TASK-0123 --command-id val-001 --env CI=1 --json',
    'st3 tasks --run-validation TASK-0123 --command-id val-001',
  ],
  async run(ctx) {
    const { values, io } = ctx;
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    const run = await runTaskValidation(ws, id, {
      commandIds: values['command-id'] ?? [],
      env: io.env,
      extraEnv: parseEnvPairs(values.env),
      signal: io.signal,
      allowShell: values.shell === true,
      onStart: (command) => {
        if (!out.json && !out.quiet)
          io.stderr.write(
            `running ${command.id}: ${Array.isArray(command.command) ? command.command.join(' ') : command.command}\n`,
          );
      },
    });
    const { results } = run;
    await taskTelemetry(ws, out, id, agentOf(values, io), (t) => {
      for (const r of results)
        if (r.status !== 'skipped' && r.attempts > 0) t.command([`validation:${r.id}`], r.exit_code, r.duration_ms);
    });
    // A command not run because of a pre-flight problem (cwd, expected path) is not a pass; one waiting
    // on its blocker task is neutral.
    const tally = tallyValidation(results);
    const counts = { passed: tally.passed, failed: tally.failed, not_run: tally.not_run, skipped: tally.skipped };
    if (out.json) out.document({ ok: tally.ok, task_id: id, results, artifacts: run.artifacts, counts });
    else {
      for (const r of results) {
        const notRun = notRunReason(r);
        out.line(
          notRun !== undefined
            ? `${'not run'.padEnd(8)} ${r.id} (${notRun})`
            : `${r.status.padEnd(8)} ${r.id}${r.skip_reason ? ` (${r.skip_reason})` : r.attempts === 0 && r.error ? ` not run: ${r.error}` : ` exit ${r.exit_code ?? '-'} in ${r.duration_ms} ms, ${r.attempts} attempt(s)${r.timed_out ? ', timed out' : ''}`}`,
        );
      }
      out.line(
        `${results.length} command(s): ${tally.passed} passed, ${tally.failed} failed, ${tally.not_run} not run${tally.not_run > 0 ? ` (${tally.notRun.map((n) => `${n.id}: ${n.reason}`).join('; ')})` : ''}, ${tally.skipped} skipped${tally.skipped > 0 ? ' (waiting on a blocker task, not checked)' : ''}; ${run.artifacts.length} output(s) kept as QA artifacts`,
      );
    }
    return tally.ok ? EXIT.ok : EXIT.problems;
  },
});

const snapshot = defineCommand({
  name: 'snapshot',
  summary:
    'record HEAD and the dirty files (with hashes) in the task context, with the agent taking it; fails fast on a dirty tree',
  args: TASK_ID,
  options: {
    'allow-preexisting-dirty': {
      type: 'boolean',
      description: 'accept uncommitted changes and record them in the snapshot',
    },
    ...agentOption,
  },
  examples: [
    'st3 tasks worktree snapshot TASK-0123 --agent implementer',
    'st3 tasks worktree snapshot TASK-0123 --allow-preexisting-dirty --json',
  ],
  async run(ctx) {
    const { values, io } = ctx;
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    await readContext(ws, id);
    const agent = agentOf(values, io);
    const warnings: WorktreeWarning[] = [];
    const snap = await checkCleanTree(ws.root, {
      ignore: workspaceIgnores(ws.config),
      allowPreexistingDirty: values['allow-preexisting-dirty'] === true,
      env: io.env,
      onWarning: (w) => warnings.push(w),
      ...(agent ? { agent } : {}),
    });
    await updateContext(ws, id, (c) => recordWorktree(c, snap));
    if (out.json) out.document({ ok: true, snapshot: snap, warnings });
    else {
      for (const w of warnings) out.warn(`${w.code} ${w.message}`);
      out.line(
        `snapshot${agent ? ` by ${agent}` : ''}: HEAD ${snap.head ?? '(no commit)'}${snap.branch ? ` on ${snap.branch}` : ''}, ${snap.dirty.length} dirty file(s)`,
      );
    }
    return EXIT.ok;
  },
});

const verify = defineCommand({
  name: 'verify',
  summary:
    "compare the work tree with the task's snapshot (with --expected-agent: the one that agent took): HEAD moved, files changed",
  args: TASK_ID,
  options: {
    'expected-agent': {
      type: 'string',
      valueName: 'NAME',
      description: 'the agent whose snapshot to verify against; none by that agent is E_AGENT_MISMATCH (exit 1)',
    },
  },
  examples: [
    'st3 tasks worktree verify TASK-0123 --json',
    'st3 tasks worktree verify TASK-0123 --expected-agent implementer',
    'st3 tasks --verify-worktree TASK-0123 --expected-agent implementer',
  ],
  async run(ctx) {
    const { values, io } = ctx;
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    const context = await readContext(ws, id);
    const snap = snapshotFor(context, values['expected-agent']);
    const drift = await verifyWorktree(ws.root, snap, { ignore: workspaceIgnores(ws.config), env: io.env });
    if (out.json) out.document({ ok: drift.clean, agent: snap.agent ?? null, ...drift });
    else {
      if (drift.head_moved) out.line(`HEAD moved: ${drift.head_before ?? '(none)'} -> ${drift.head_now ?? '(none)'}`);
      for (const c of drift.changed) out.line(`${c.change.padEnd(9)} ${c.path}${c.reason ? `  (${c.reason})` : ''}`);
      out.line(
        drift.clean
          ? `work tree matches the snapshot${snap.agent ? ` taken by ${snap.agent}` : ''}`
          : `${describeDrift(drift.changed)}${snap.agent ? ` (snapshot taken by ${snap.agent})` : ''}`,
      );
    }
    return drift.clean ? EXIT.ok : EXIT.problems;
  },
});

export const worktree = defineCommand({
  name: 'worktree',
  summary: 'worktree snapshot (per agent) and verify',
  examples: [
    'st3 tasks worktree snapshot TASK-0123',
    'st3 tasks worktree verify TASK-0123 --expected-agent implementer',
  ],
  subcommands: { snapshot, verify },
});
