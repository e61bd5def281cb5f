import { EXIT, type CliIO, type Output } from '@st3/cli-kit';
import type { AgentExecutionResult, SchedulerBackend } from '@st3/executor';
import type { GraphInput, RunState, TelemetryHandle } from '@st3/schemas';
import type { AgentChoice } from '../agent-setup.js';
import type { RunMetrics } from './metrics.js';
import { runEvents, type RunSettings } from './settings.js';

export interface AgentModeOptions {
  graph: GraphInput;
  choice: AgentChoice;
  instruction: string;
  reviewBelow: number;
  dryRun: boolean;
  taskId?: string;
  settings: RunSettings;
  root: string;
  io: CliIO;
  out: Output;
  quiet: boolean;
  resume?: RunState;
  /** The id of a new run (fixed by the caller, who holds its lock). */
  runId?: string;
  telemetry?: TelemetryHandle & { save(): Promise<string | undefined> };
  /** Where nodes run (default this process) and what the run saves about it (for --resume). */
  backend?: SchedulerBackend;
  saveBackend?: Record<string, unknown>;
  metrics?: Pick<RunMetrics, 'onEvent'>;
}

/** `st3 execute --agent`: each atom to the agent, validated, applied or queued; the patch as evidence of `--task`. */
export async function runAgentMode(o: AgentModeOptions): Promise<number> {
  const { out, io } = o;
  const { runAgentExecution } = await import('@st3/executor');
  const events = runEvents(io, out, o.quiet, 'agents');
  const result = await runAgentExecution({
    root: o.root,
    graph: o.graph,
    agent: o.choice.agent,
    instruction: o.instruction,
    reviewBelow: o.reviewBelow,
    dryRun: o.dryRun,
    env: io.env,
    signal: io.signal,
    ...o.settings.execute,
    ...(o.resume ? { resume: o.resume } : {}),
    ...(o.runId ? { runId: o.runId } : {}),
    ...(o.telemetry ? { telemetry: o.telemetry } : {}),
    ...(o.backend ? { backend: o.backend } : {}),
    saveOptions: {
      ...o.choice.saved,
      ...o.saveBackend,
      backoffMs: o.settings.backoffMs,
      ...(o.taskId ? { task: o.taskId } : {}),
    },
    onEvent: (e) => {
      events.onEvent(e);
      o.metrics?.onEvent(e);
    },
  });
  events.done();
  const telemetryFile = o.telemetry ? await o.telemetry.save() : undefined;
  let evidence: string | undefined;
  if (o.taskId && result.patchFile && !o.dryRun) {
    const { attachRunPatch } = await import('../run-evidence.js');
    evidence = (await attachRunPatch(o.root, o.taskId, result.patchFile, result.runId, io.signal)).id;
  }
  const stateFile = `${o.root}/.st3/runs/${result.runId}.json`;
  if (out.json)
    out.document(document(result, { stateFile, evidence, taskId: o.taskId, telemetryFile, agent: o.choice.name }));
  else printAgentRun(out, result, { stateFile, evidence, taskId: o.taskId, dryRun: o.dryRun });
  if (result.status === 'cancelled') return EXIT.interrupted;
  if (result.status === 'succeeded') return EXIT.ok;
  // Nothing was wrong with the code when the agent itself could not be used: a runtime failure.
  const failed = Object.values(result.nodes).filter((s) => s.status === 'failed');
  return failed.length > 0 && failed.every((s) => s.error?.code && AGENT_DOWN.has(s.error.code))
    ? EXIT.failure
    : EXIT.problems;
}

/** Failures of the agent, not of the code it wrote. */
const AGENT_DOWN = new Set([
  'E_AGENT_UNREACHABLE',
  'E_AGENT_HTTP',
  'E_AGENT_COMMAND',
  'E_TOOL_NOT_FOUND',
  'E_TOOL_SPAWN',
]);

function document(
  result: AgentExecutionResult,
  extra: { stateFile: string; evidence?: string; taskId?: string; telemetryFile?: string; agent: string },
) {
  const nodes = Object.fromEntries(
    Object.entries(result.nodes).map(([id, s]) => [
      id,
      {
        status: s.status,
        attempts: s.attempts.length,
        ...(s.alreadyDone ? { alreadyDone: s.alreadyDone } : s.reused ? { reused: true } : {}),
        ...(s.change
          ? {
              outcome: s.change.outcome,
              file: s.change.file,
              ...(s.change.lines ? { lines: s.change.lines } : {}),
              ...(s.change.confidence ? { confidence: s.change.confidence } : {}),
              ...(s.change.reviewItem ? { reviewItem: s.change.reviewItem } : {}),
              ...(s.change.rebasedOver ? { rebasedOver: s.change.rebasedOver } : {}),
            }
          : {}),
        ...(s.error ? { error: s.error } : {}),
        ...(s.skipped ? { skipped: s.skipped } : {}),
      },
    ]),
  );
  const queued = Object.entries(result.nodes)
    .filter(([, s]) => s.change?.outcome === 'queued')
    .map(([id, s]) => ({ nodeId: id, id: s.change!.reviewItem, score: s.change!.confidence?.score }));
  return {
    ok: result.status === 'succeeded',
    runId: result.runId,
    status: result.status,
    agent: extra.agent,
    stateFile: extra.stateFile,
    ...(result.patchFile ? { patchFile: result.patchFile } : {}),
    stats: result.stats,
    nodes,
    review: { queued },
    ...(extra.evidence ? { evidence: { task: extra.taskId, id: extra.evidence } } : {}),
    ...(extra.telemetryFile ? { telemetryFile: extra.telemetryFile } : {}),
  };
}

function printAgentRun(
  out: Output,
  result: AgentExecutionResult,
  extra: { stateFile: string; evidence?: string; taskId?: string; dryRun: boolean },
): void {
  const c = out.color;
  const count: Record<string, number> = {};
  for (const [id, s] of Object.entries(result.nodes)) {
    const ch = s.change;
    const where = ch ? `${ch.file}:${ch.lines?.start ?? '?'}` : id;
    const conf = ch?.confidence ? ` confidence ${ch.confidence.score.toFixed(2)} (${ch.confidence.level})` : '';
    if (s.status === 'failed') {
      count.failed = (count.failed ?? 0) + 1;
      out.line(
        `${c.red('✗')} ${id}: ${s.error?.category} error after ${s.attempts.length} attempt(s): ${s.error?.message.split('\n')[0]}`,
      );
    } else if (s.status === 'skipped') count.skipped = (count.skipped ?? 0) + 1;
    else if (s.alreadyDone) {
      count['already done'] = (count['already done'] ?? 0) + 1;
      out.info(c.dim(`- ${id}: ${s.alreadyDone}`));
    } else if (ch) {
      count[ch.outcome] = (count[ch.outcome] ?? 0) + 1;
      const mark = ch.outcome === 'queued' ? c.yellow('?') : c.green('✓');
      const what = ch.outcome === 'queued' ? `queued for review as ${ch.reviewItem}` : ch.outcome;
      out.line(`${mark} ${where} ${what} after ${s.attempts.length} attempt(s);${conf}`);
    }
  }
  const parts = Object.entries(count).map(([k, n]) => `${n} ${k}`);
  const mark = result.status === 'succeeded' ? c.green('✓') : c.red('✗');
  out.line(
    `${mark} run ${result.runId}: ${parts.join(', ') || 'nothing to do'}; ${result.stats.attempts} attempt(s); ${(result.stats.durationMs / 1000).toFixed(1)} s`,
  );
  if (result.patchFile) out.info(`${extra.dryRun ? 'patch (nothing applied)' : 'patch'}: ${result.patchFile}`);
  if (extra.evidence) out.info(`evidence ${extra.evidence} attached to ${extra.taskId}`);
  if (count.queued) out.info('review: st3 review list, or st3 review serve for the page');
  if (result.status !== 'succeeded')
    out.info(`state: ${extra.stateFile}; resume with: st3 execute --resume ${result.runId}`);
}
