import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { RunStage, StageReport } from '@st3/cli-kit';

/**
 * `st3 run` evidence stage: on the workspace's first task, validate it, create its context (in a
 * scratch folder, so the workspace is not written to), attach evidence, run its validation commands
 * and verify the evidence.
 */
export const evidenceStage: RunStage = {
  name: 'evidence',
  title: 'task context and evidence: init, attach, validate, verify',
  async run(ctx): Promise<StageReport> {
    const ev = await import('@st3/evidence');
    const base = await ev.loadTasksConfig(ctx.root);
    const { tasks } = await ev.listTasks(ctx.root, base.config.task_dirs);
    const task = tasks.find((t) => t.ok && t.status !== 'completed');
    if (!task) return { stage: 'evidence', ok: true, skipped: true, summary: `no complete, open task in ${base.config.task_dirs.join(', ')}` };
    const scratch = await mkdtemp(join(tmpdir(), 'st3-evidence-'));
    try {
      const ws = { root: ctx.root, config: { ...base.config, context_dir: relative(ctx.root, scratch) } };
      const init = await ev.initContext(ws, task.file, { tool: 'st3 run' });
      await ev.attachEvidence(ws, task.id, { type: 'file', source: task.file, description: 'the task file as worked on', signal: ctx.io.signal });
      const commands = ev.parseCommands(init.context.validation_commands);
      const results = [];
      for (const command of commands) results.push(await ev.runValidationCommand(command, { root: ctx.root, env: ctx.io.env, signal: ctx.io.signal }));
      const summaryText = `${task.id}: ${results.filter((r) => r.status === 'passed').length}/${results.length} validation command(s) passed`;
      const report = await ev.verifyEvidence(ws, task.id);
      const failed = results.filter((r) => r.status === 'failed' || r.status === 'error');
      return {
        stage: 'evidence',
        ok: failed.length === 0 && report.ok,
        summary: `${summaryText}; ${report.checked} attachment(s) verified ${report.ok ? 'intact' : 'with problems'}; ${init.context.standards.length} standards excerpt(s)`,
        lines: results.map((r) => `${r.status} ${r.id}${r.skip_reason ? ` (${r.skip_reason})` : ` exit ${r.exit_code}`}`),
        data: { task: task.id, results, verify: report, standards: init.context.standards.map((s) => `${s.file}#${s.section}`) },
      };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
