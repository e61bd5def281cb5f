import { defineCommand, EXIT } from '@st3/cli-kit';
import {
  checkCleanTree,
  findTask,
  parseCommands,
  readContext,
  runValidationCommand,
  updateContext,
  validateTaskFile,
  verifyWorktree,
  type EvidenceWorkspace,
} from '@st3/evidence';
import { St3Error, type ValidationResult } from '@st3/schemas';
import { ignoredPaths, parseEnvPairs, setup, TASK_ID } from './common.js';

function statusLookup(ws: EvidenceWorkspace) {
  return async (taskId: string): Promise<string | undefined> => {
    try {
      const loc = await findTask(ws.root, ws.config.task_dirs, taskId);
      return (await validateTaskFile(loc.path, loc.file)).status;
    } catch {
      return undefined;
    }
  };
}

export const runValidation = defineCommand({
  name: 'run-validation',
  summary: "run the task's validation commands (pre-flight skips, env, cwd, timeout, retries) and record the results",
  args: TASK_ID,
  options: {
    'command-id': { type: 'string', multiple: true, valueName: 'ID', description: 'run only this command' },
    env: { type: 'string', multiple: true, valueName: 'KEY=VALUE', description: 'extra environment for the commands' },
  },
  examples: [
    'st3 tasks run-validation TASK-0123',
    'st3 tasks run-validation TASK-0123 --command-id cmd-2 --env CI=1 --json',
  ],
  async run(ctx) {
    const { values, io } = ctx;
    const { out, ws } = await setup(ctx);
    const id = ctx.args.id.toUpperCase();
    const extraEnv = parseEnvPairs(values.env);
    const context = await readContext(ws, id);
    let commands = parseCommands(context.validation_commands);
    const only = values['command-id'];
    if (only && only.length > 0) {
      const unknown = only.filter((c) => !commands.some((k) => k.id === c));
      if (unknown.length > 0)
        throw new St3Error('E_USAGE', `unknown command id ${unknown.join(', ')}`, {
          hint: `ids: ${commands.map((c) => c.id).join(', ')}`,
        });
      commands = commands.filter((c) => only.includes(c.id));
    }
    const results: ValidationResult[] = [];
    for (const command of commands) {
      if (io.signal.aborted) break;
      if (!out.json && !out.quiet)
        io.stderr.write(
          `running ${command.id}: ${Array.isArray(command.command) ? command.command.join(' ') : command.command}\n`,
        );
      results.push(
        await runValidationCommand(command, {
          root: ws.root,
          env: io.env,
          extraEnv,
          taskStatus: statusLookup(ws),
          signal: io.signal,
        }),
      );
    }
    await updateContext(ws, id, (ctx) => {
      ctx.validation_runs = [...ctx.validation_runs.filter((r) => !results.some((n) => n.id === r.id)), ...results];
      // A baseline holding only `st3 qa record` runs (ids `qa:…`) still takes the first validation results.
      const baseline = ctx.validation_baseline;
      if (results.length > 0 && (!baseline || baseline.results.every((r) => r.id.startsWith('qa:')))) {
        ctx.validation_baseline = {
          ...(baseline ?? {}),
          recorded_at: baseline?.recorded_at ?? new Date().toISOString(),
          results: [...(baseline?.results ?? []), ...results],
        };
      }
    });
    const failed = results.filter((r) => r.status === 'failed' || r.status === 'error');
    if (out.json) out.document({ ok: failed.length === 0, task_id: id, results });
    else {
      for (const r of results)
        out.line(
          `${r.status.padEnd(8)} ${r.id}${r.skip_reason ? ` (${r.skip_reason})` : ` exit ${r.exit_code ?? '-'} in ${r.duration_ms} ms, ${r.attempts} attempt(s)${r.timed_out ? ', timed out' : ''}`}`,
        );
      out.line(
        `${results.length} command(s): ${results.filter((r) => r.status === 'passed').length} passed, ${failed.length} failed, ${results.filter((r) => r.status === 'skipped').length} skipped`,
      );
    }
    return failed.length === 0 ? EXIT.ok : EXIT.problems;
  },
});

const snapshot = defineCommand({
  name: 'snapshot',
  summary: 'record HEAD and the dirty files (with hashes) in the task context; fails fast on a dirty tree',
  args: TASK_ID,
  options: {
    'allow-preexisting-dirty': {
      type: 'boolean',
      description: 'accept uncommitted changes and record them in the snapshot',
    },
  },
  examples: [
    'st3 tasks worktree snapshot TASK-0123',
    'st3 tasks worktree snapshot TASK-0123 --allow-preexisting-dirty --json',
  ],
  async run(ctx) {
    const { values } = ctx;
    const { out, ws } = await setup(ctx);
    const id = ctx.args.id.toUpperCase();
    await readContext(ws, id);
    const snap = await checkCleanTree(ws.root, {
      ignore: ignoredPaths(ws),
      allowPreexistingDirty: values['allow-preexisting-dirty'] === true,
    });
    await updateContext(ws, id, (ctx) => {
      ctx.worktree = snap;
    });
    if (out.json) out.document({ ok: true, snapshot: snap });
    else
      out.line(
        `snapshot: HEAD ${snap.head ?? '(no commit)'}${snap.branch ? ` on ${snap.branch}` : ''}, ${snap.dirty.length} dirty file(s)`,
      );
    return EXIT.ok;
  },
});

const verify = defineCommand({
  name: 'verify',
  summary: "compare the work tree with the task's snapshot: HEAD moved, files changed",
  args: TASK_ID,
  examples: ['st3 tasks worktree verify TASK-0123 --json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const id = ctx.args.id.toUpperCase();
    const context = await readContext(ws, id);
    if (!context.worktree)
      throw new St3Error('E_CONTEXT_NOT_FOUND', `${id} has no worktree snapshot`, {
        hint: `run \`st3 tasks worktree snapshot ${id}\` first`,
      });
    const drift = await verifyWorktree(ws.root, context.worktree, { ignore: ignoredPaths(ws) });
    if (out.json) out.document({ ok: drift.clean, ...drift });
    else {
      if (drift.head_moved) out.line(`HEAD moved: ${drift.head_before ?? '(none)'} -> ${drift.head_now ?? '(none)'}`);
      for (const c of drift.changed) out.line(`${c.change.padEnd(9)} ${c.path}`);
      out.line(
        drift.clean ? 'work tree matches the snapshot' : `${drift.changed.length} file(s) changed since the snapshot`,
      );
    }
    return drift.clean ? EXIT.ok : EXIT.problems;
  },
});

export const worktree = defineCommand({
  name: 'worktree',
  summary: 'worktree snapshot and verify',
  subcommands: { snapshot, verify },
  examples: ['st3 tasks worktree snapshot TASK-0123', 'st3 tasks worktree verify TASK-0123'],
});
