import { defineCommand, EXIT } from '@st3/cli-kit';
import { contextCachedBytes, diffContext, initContext, purgeContext, readContext, taskFileDrift } from '@st3/evidence';
import { agentOf, agentOption, setup, TASK_ID, taskIdOf, taskTelemetry } from './common.js';

const init = defineCommand({
  name: 'init',
  summary:
    'create the task context: completeness check (E001), snapshot + SHA-256, cited standards, checklists, worktree snapshot',
  description:
    'Fails fast on a dirty work tree (E_DIRTY_TREE) unless --allow-preexisting-dirty records the changes in the snapshot; outside git no worktree snapshot is taken. The snapshot names the agent (--agent or ST3_AGENT), which `worktree verify --expected-agent` checks.',
  args: [
    {
      name: 'task',
      description: 'the task id, or its task file (needed when two files carry the id)',
      required: true,
      complete: 'none',
    },
  ],
  options: {
    ...agentOption,
    'allow-preexisting-dirty': {
      type: 'boolean',
      description: 'accept uncommitted changes and record them in the worktree snapshot',
    },
  },
  examples: [
    'st3 tasks context init TASK-0123',
    'st3 tasks context init tasks/TASK-0123-x.task.yaml --agent implementer --json',
    'st3 tasks --init-context TASK-0123 --format json',
  ],
  async run(ctx) {
    const { values, io } = ctx;
    const { out, ws } = await setup(ctx);
    const agent = agentOf(values, io);
    const reads: [string, number][] = [];
    const result = await initContext(ws, ctx.args.task, {
      tool: '@st3/tasks-cli',
      worktree: values['allow-preexisting-dirty'] ? 'record' : 'require-clean',
      ...(agent ? { agent } : {}),
      env: io.env,
      telemetry: { count: () => undefined, observe: () => undefined, fileRead: (p, n) => reads.push([p, n]) },
    });
    const id = result.context.manifest.task_id;
    await taskTelemetry(ws, out, id, agent, (t) => {
      for (const [p, n] of reads) t.fileRead(p, n);
      for (const w of result.warnings) t.warn('warning', `${w.code}: ${w.message}`);
    });
    for (const w of result.warnings) out.warn(`${w.code}: ${w.message}`);
    if (out.json) out.document({ ok: true, dir: result.dir, context: result.context });
    else
      out.line(
        `context of ${id} created in ${result.dir} (${result.context.standards.length} standards excerpt(s), ${result.context.validation_commands.length} validation command(s)${result.context.worktree ? `, worktree snapshot at ${result.context.worktree.head?.slice(0, 12) ?? '(no commit)'}` : ''})`,
      );
    return EXIT.ok;
  },
});

const show = defineCommand({
  name: 'show',
  summary:
    'show a task context (manifest, immutable snapshot, evidence, standards, validation) and whether the task file changed since',
  args: TASK_ID,
  options: { ...agentOption },
  examples: ['st3 tasks context show TASK-0123', 'st3 tasks context show TASK-0123 --json'],
  async run(ctx) {
    const { values, io } = ctx;
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    const context = await readContext(ws, id);
    const drift = await taskFileDrift(ws, context);
    const served = await contextCachedBytes(ws, context);
    await taskTelemetry(ws, out, id, agentOf(values, io), (t) => t.cacheHit(served, 'task_context'));
    if (out.json) out.document({ ok: true, snapshot_intact: drift.snapshot_intact, task_file: drift, context });
    else {
      out.line(`${id}: ${context.immutable.title}`);
      const state = !drift.snapshot_intact
        ? out.color.red('snapshot CHANGED in the context store')
        : drift.task_file === null
          ? out.color.red('task file not found')
          : drift.task_file_changed
            ? out.color.red('task file changed since the snapshot (st3 tasks context diff)')
            : 'task file unchanged since the snapshot';
      out.line(
        `task file: ${drift.task_file ?? context.manifest.task_file}${drift.moved_from ? ` (moved from ${drift.moved_from})` : ''} — snapshot ${context.immutable.snapshot.sha256.slice(0, 12)}: ${state}`,
      );
      out.line(
        `evidence: ${context.evidence.length}   standards: ${context.standards.length}   validation commands: ${context.validation_commands.length}   runs: ${context.validation_runs.length}`,
      );
      out.line(
        `worktree snapshot: ${context.worktree ? `${context.worktree.head ?? '(no commit)'} with ${context.worktree.dirty.length} dirty file(s)${context.worktree.agent ? ` by ${context.worktree.agent}` : ''}` : 'none'}`,
      );
      for (const w of context.warnings) out.warn(`${w.code}: ${w.message}`);
    }
    return EXIT.ok;
  },
});

const diff = defineCommand({
  name: 'diff',
  summary:
    'what changed in the task file since `context init`: its unified diff and the immutable fields (criteria, plan, scope, deliverables) that changed; exit 1 when it changed',
  args: TASK_ID,
  examples: ['st3 tasks context diff TASK-0123', 'st3 tasks context diff TASK-0123 --json'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    const d = await diffContext(ws, id);
    const changed = d.task_file_changed || !d.snapshot_intact || d.task_file === null;
    if (out.json) out.document({ ok: !changed, ...d });
    else {
      if (!d.snapshot_intact) out.line(out.color.red(`the stored snapshot of ${id} no longer matches its SHA-256`));
      if (d.task_file === null) out.line(out.color.red(`the task file of ${id} is gone (${d.moved_from ?? ''})`));
      if (d.moved_from && d.task_file) out.line(`task file moved: ${d.moved_from} → ${d.task_file}`);
      if (d.patch) out.line(d.patch.trimEnd());
      for (const f of d.immutable)
        out.line(`immutable ${f.field} changed: ${JSON.stringify(f.before)} → ${JSON.stringify(f.after)}`);
      for (const e of d.errors) out.line(out.color.red(`${e.file}:${e.line}:${e.column}: ${e.code} ${e.message}`));
      if (!changed) out.line(`${id}: the task file is unchanged since the snapshot`);
    }
    return changed ? EXIT.problems : EXIT.ok;
  },
});

const purge = defineCommand({
  name: 'purge',
  summary: 'delete a task context and everything in it (evidence, excerpts, snapshots)',
  args: TASK_ID,
  examples: ['st3 tasks context purge TASK-0123'],
  async run(ctx) {
    const { out, ws } = await setup(ctx);
    const id = await taskIdOf(ws, ctx.args.id);
    const result = await purgeContext(ws, id);
    if (out.json) out.document({ ok: true, task_id: id, removed: result.removed, dir: result.dir });
    else out.line(result.removed ? `purged ${result.dir}` : `${id} had no context`);
    return EXIT.ok;
  },
});

export const context = defineCommand({
  name: 'context',
  summary: 'task context store: init, show, diff, purge',
  examples: [
    'st3 tasks context init TASK-0123',
    'st3 tasks context show TASK-0123 --json',
    'st3 tasks context diff TASK-0123',
    'st3 tasks context purge TASK-0123',
  ],
  subcommands: { init, show, diff, purge },
});
