import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RunStage, StageReport } from '@st3/cli-kit';

/**
 * `st3 run` evidence stage: on the workspace's first task, validate it, create its context, attach
 * evidence, run its validation commands and verify the evidence. The context is kept in the
 * workspace (with the stage's telemetry, so the metrics stage shows the task's criteria); on a dry
 * run it goes to a scratch folder and the workspace is not written to.
 */
export const evidenceStage: RunStage = {
  name: 'evidence',
  title: 'task context and evidence: init, attach, validate, verify',
  async run(ctx): Promise<StageReport> {
    const ev = await import('@st3/evidence');
    const base = await ev.loadTasksConfig(ctx.root);
    const { tasks } = await ev.listTasks(ctx.root, base.config.task_dirs);
    const task = tasks.find((t) => t.ok && t.status !== 'completed');
    if (!task)
      return {
        stage: 'evidence',
        ok: true,
        skipped: true,
        summary: `no complete, open task in ${base.config.task_dirs.join(', ')}`,
      };
    const scratch = ctx.dryRun ? await mkdtemp(join(tmpdir(), 'st3-evidence-')) : undefined;
    try {
      const ws = scratch
        ? { root: ctx.root, config: { ...base.config, context_dir: relative(ctx.root, scratch) } }
        : { root: ctx.root, config: base.config };
      // A rerun starts the task's context afresh (a context's task snapshot is immutable).
      if (!scratch) await ev.purgeContext(ws, task.id);
      const init = await ev.initContext(ws, task.file, { tool: 'st3 run' });
      const telemetry = scratch
        ? undefined
        : (await import('@st3/telemetry')).createCollector({
            agent: 'st3-run-evidence',
            taskId: task.id,
            dir: ev.contextDirFor(ws, task.id),
          });
      const attached = await ev.attachEvidence(ws, task.id, {
        type: 'file',
        source: task.file,
        description: 'the task file as worked on',
        signal: ctx.io.signal,
      });
      telemetry?.fileRead(relative(ctx.root, task.file), attached.entry.size);
      const commands = ev.parseCommands(init.context.validation_commands);
      const results = [];
      for (const command of commands) {
        const result = await ev.runValidationCommand(command, {
          root: ctx.root,
          env: ctx.io.env,
          signal: ctx.io.signal,
        });
        if (result.status !== 'skipped')
          telemetry?.command(
            Array.isArray(command.command) ? command.command : [command.command],
            result.exit_code ?? null,
            result.duration_ms ?? 0,
          );
        results.push(result);
      }
      for (const w of init.warnings ?? []) telemetry?.warn('warning', typeof w === 'string' ? w : w.message);
      await telemetry?.save();
      const summaryText = `${task.id}: ${results.filter((r) => r.status === 'passed').length}/${results.length} validation command(s) passed`;
      const report = await ev.verifyEvidence(ws, task.id);
      const failed = results.filter((r) => r.status === 'failed' || r.status === 'error');
      return {
        stage: 'evidence',
        ok: failed.length === 0 && report.ok,
        summary: `${summaryText}; ${report.checked} attachment(s) verified ${report.ok ? 'intact' : 'with problems'}; ${init.context.standards.length} standards excerpt(s)`,
        lines: results.map(
          (r) => `${r.status} ${r.id}${r.skip_reason ? ` (${r.skip_reason})` : ` exit ${r.exit_code}`}`,
        ),
        data: {
          task: task.id,
          results,
          verify: report,
          standards: init.context.standards.map((s) => `${s.file}#${s.section}`),
        },
      };
    } finally {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
  },
};
