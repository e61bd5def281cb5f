import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { StageContext, StageReport } from '@st3/cli-kit';
import type { AgentExecutionResult } from '@st3/executor';
import type { ChangeValidation } from '@st3/schemas';
import { loadRunnableGraph } from './agent-graph.js';
import { headline } from './execute/headline.js';
import { workspaceSources } from './workspace-sources.js';

const skipped = (summary: string): StageReport => ({ stage: 'execute', ok: true, skipped: true, summary });

/** The task whose scope holds files of the atoms run, if any (its instruction and evidence). */
async function taskFor(root: string, files: Set<string>): Promise<string | undefined> {
  const ev = await import('@st3/evidence');
  const ws = await ev.loadTasksConfig(root);
  const { verdicts } = await ev.listTasks(root, ws.config.task_dirs);
  for (const v of verdicts) {
    const task = v.task as { id?: string; status?: string; scope?: { in?: unknown } } | undefined;
    const scope = Array.isArray(task?.scope?.in) ? (task.scope.in as unknown[]) : [];
    if (v.ok && task?.id && task.status !== 'completed' && scope.some((s) => typeof s === 'string' && files.has(s)))
      return task.id;
  }
  return undefined;
}

/**
 * `st3 run`'s agent stage: the atoms of the workspace whose code holds a TODO go to the workspace's
 * default agent (`.st3/config/agents.yaml`), in a scratch copy so the workspace keeps its TODOs;
 * each answer is validated (parse, atomicity, the workspace's gates) and applied there. The run's
 * patch becomes `diff` evidence of the task that covers those files (not on a dry run).
 */
export async function runExecuteStage(ctx: StageContext): Promise<StageReport> {
  const exec = await import('@st3/executor');
  const config = await exec.loadAgentsConfig(ctx.root);
  if (!config) return skipped('skipped: no .st3/config/agents.yaml');
  if (!config.default) return skipped('skipped: .st3/config/agents.yaml names no default agent');
  // No source at all is nothing to do (as the graph stage says), not a missing input.
  const sources = await workspaceSources(ctx.root);
  if (sources.length === 0) return skipped('skipped: no TypeScript, JavaScript or Python sources');
  const scratch = await mkdtemp(join(tmpdir(), 'st3-run-agents-'));
  try {
    await exec.copyWorkspace(ctx.root, scratch);
    const { createOutput } = await import('@st3/cli-kit');
    const out = createOutput(ctx.io, { json: false, quiet: true, noColor: true });
    // The workspace's sources (found there: its .gitignore and git repository apply), at their place in the copy.
    const copied = sources.map((file) => join(scratch, relative(ctx.root, file)));
    const { graph, selected } = await loadRunnableGraph(copied, {
      cwd: scratch,
      root: scratch,
      out,
      usage: 'st3 run',
      // A TODO comment (not the word in prose or strings).
      onlyMatching: /(?:\/\/|#)\s*TODO\b/,
      // No TODO is a stage with nothing to do (skipped, shown so), not an error.
      allowEmpty: true,
    });
    if (selected === 0) return skipped('skipped: no atom holds a TODO');
    const files = new Set(graph.nodes.map((n) => String((n as { path?: unknown }).path ?? '')));
    const taskId = await taskFor(ctx.root, files);
    const instruction = taskId
      ? (await import('@st3/evidence').then((m) => m.taskInstruction(ctx.root, taskId))).instruction
      : 'Implement the TODO of this atom: replace the stub with a working body and keep its signature.';
    const { name, config: agentConfig } = exec.selectAgent(config, {});
    const agent = exec.createAgent(name, agentConfig, { root: scratch, env: ctx.io.env });
    const result = await exec.runAgentExecution({
      root: scratch,
      graph,
      agent,
      instruction,
      env: ctx.io.env,
      signal: ctx.io.signal,
      dryRun: ctx.dryRun,
      ...(ctx.telemetry ? { telemetry: ctx.telemetry } : {}),
    });
    let evidence: string | undefined;
    if (taskId && result.patchFile && !ctx.dryRun) {
      const { attachRunPatch } = await import('@st3/evidence');
      evidence = (await attachRunPatch(ctx.root, taskId, result.patchFile, result.runId, { signal: ctx.io.signal })).id;
    }
    return report(result, {
      name,
      taskId,
      evidence,
      dryRun: ctx.dryRun,
      gates: existsSync(join(ctx.root, '.st3/config/quality.yaml')),
      checksSummary: exec.checksSummary,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function report(
  result: AgentExecutionResult,
  info: {
    name: string;
    taskId?: string;
    evidence?: string;
    dryRun: boolean;
    gates: boolean;
    /** @st3/executor's one line of a validation (a check the record lacks is "not measured", never "ok"). */
    checksSummary: (validation: ChangeValidation) => string;
  },
): StageReport {
  const nodes = Object.entries(result.nodes);
  const count = (outcome: string, forReview?: boolean) =>
    nodes.filter(
      ([, s]) =>
        s.change?.outcome === outcome && (forReview === undefined || Boolean(s.change.reviewReason) === forReview),
    ).length;
  const failed = nodes.filter(([, s]) => s.status === 'failed');
  const lines = nodes.map(([id, s]) => {
    const c = s.change;
    const checks = c?.validation ? info.checksSummary(c.validation) : '';
    if (s.status === 'failed') return `✗ ${id}: ${s.error?.category} error: ${headline(s.error?.message ?? '')}`;
    const outcome =
      c?.outcome === 'dry-run' && c.reviewReason
        ? `dry-run (would be queued for review: ${c.reviewReason})`
        : c?.outcome;
    return `${outcome ?? s.status} ${c?.file ?? id}:${c?.lines?.start ?? '?'}-${c?.lines?.newEnd ?? '?'} after ${s.attempts.length} attempt(s), confidence ${c?.confidence?.score ?? '?'}${checks ? ` (${checks})` : ''}`;
  });
  // A dry run queues nothing: a change that would have gone to review is counted as such, not as applied.
  const done = info.dryRun
    ? `${count('dry-run', false)} would be applied, ${count('dry-run', true)} would be queued for review`
    : `${count('applied')} applied, ${count('queued')} queued for review`;
  return {
    stage: 'execute',
    ok: result.status === 'succeeded',
    summary: `${nodes.length} TODO atom(s) to agent "${info.name}": ${done}, ${failed.length} failed${
      info.gates ? '; validated with the workspace gates in a scratch copy' : ''
    }${info.evidence ? `; patch recorded as evidence ${info.evidence} of ${info.taskId}` : ''}`,
    lines,
    data: {
      runId: result.runId,
      status: result.status,
      stats: result.stats,
      nodes: Object.fromEntries(
        nodes.map(([id, s]) => [id, { status: s.status, attempts: s.attempts.length, change: s.change }]),
      ),
      ...(info.taskId ? { task: info.taskId } : {}),
      ...(info.evidence ? { evidence: info.evidence } : {}),
    },
  };
}
