import { join } from 'node:path';
import { EXIT, type CliIO, type Output } from '@st3/cli-kit';
import {
  agentCouldNotAnswer,
  agentRunFailure,
  failedAtRuntime,
  notMeasuredOf,
  type AgentExecutionResult,
  type SchedulerBackend,
} from '@st3/executor';
import type { GraphInput, NodeState, RunState, TelemetryHandle } from '@st3/schemas';
import type { AgentChoice } from '../agent-setup.js';
import { headline } from './headline.js';
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
    const { attachRunPatch } = await import('@st3/evidence');
    evidence = (await attachRunPatch(o.root, o.taskId, result.patchFile, result.runId, { signal: io.signal })).id;
  }
  const stateFile = `${o.root}/.st3/runs/${result.runId}.json`;
  const waiting = await waitingForReview(o.root, result);
  if (out.json)
    out.document(
      document(result, { stateFile, evidence, taskId: o.taskId, telemetryFile, agent: o.choice.name, waiting }),
    );
  else printAgentRun(out, result, { stateFile, evidence, taskId: o.taskId, dryRun: o.dryRun, waiting });
  if (result.status === 'cancelled') return EXIT.interrupted;
  if (result.status === 'succeeded') return EXIT.ok;
  // A node the agent could not answer (timeout, cut off, unreachable, HTTP error), or whose file could not
  // be written or read, has no verdict on its code: a runtime failure, even beside nodes whose code the
  // gates refused (`failure` in --json says which).
  return agentRunFailure(result.nodes) === 'code' ? EXIT.problems : EXIT.failure;
}

function document(
  result: AgentExecutionResult,
  extra: {
    stateFile: string;
    evidence?: string;
    taskId?: string;
    telemetryFile?: string;
    agent: string;
    waiting: Map<string, string>;
  },
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
              // Why it went (or, in a dry run, would go) to review instead of the file.
              ...(s.change.reviewReason ? { reviewReason: s.change.reviewReason } : {}),
              ...(s.change.rebasedOver ? { rebasedOver: s.change.rebasedOver } : {}),
              ...notMeasuredField(notMeasuredOf(s.change.validation)),
            }
          : {}),
        ...(s.error ? { error: s.error } : {}),
        ...(s.skipped ? { skipped: s.skipped } : {}),
      },
    ]),
  );
  const failure = result.status === 'failed' ? agentRunFailure(result.nodes) : undefined;
  const queued = Object.entries(result.nodes)
    .filter(([, s]) => s.change?.outcome === 'queued')
    .map(([id, s]) => ({ nodeId: id, id: s.change!.reviewItem, score: s.change!.confidence?.score }));
  return {
    ok: result.status === 'succeeded',
    runId: result.runId,
    status: result.status,
    // Why nodes failed: `agent` (exit 3) when any failed because the agent could not answer, else `runtime`
    // (exit 3) when any failed for another runtime reason (a file it could not write), else `code` (exit 1).
    ...(failure ? { failure } : {}),
    agent: extra.agent,
    stateFile: extra.stateFile,
    ...(result.patchFile ? { patchFile: result.patchFile } : {}),
    stats: result.stats,
    nodes,
    // `waiting`: nodes not run because their earlier code still waits for a reviewer.
    review: { queued, waiting: [...extra.waiting].map(([nodeId, id]) => ({ nodeId, id })) },
    // Nodes an earlier run applied whose file no longer holds the change (reverted since): generated again, and why.
    ...(result.stale && Object.keys(result.stale).length > 0 ? { stale: result.stale } : {}),
    ...(extra.evidence ? { evidence: { task: extra.taskId, id: extra.evidence } } : {}),
    ...(extra.telemetryFile ? { telemetryFile: extra.telemetryFile } : {}),
  };
}

/**
 * The nodes of a run that were not run because the review queue holds their code: an item still
 * pending or in review (node id → item id). The queue is asked, not the ledger's wording, so the
 * summary says "waiting for review" only of items that really wait.
 */
export async function waitingForReview(root: string, result: AgentExecutionResult): Promise<Map<string, string>> {
  const notRun = new Set(Object.keys(result.nodes).filter((id) => result.nodes[id]!.alreadyDone));
  const waiting = new Map<string, string>();
  if (notRun.size === 0) return waiting;
  const { createReviewQueue } = await import('@st3/executor');
  for (const item of await createReviewQueue(join(root, '.st3', 'review')).list())
    if (notRun.has(item.nodeId) && !item.applied && (item.status === 'pending' || item.status === 'in_review'))
      waiting.set(item.nodeId, item.id);
  return waiting;
}

/**
 * What became of one node, as the summary counts it. Nodes left for a reviewer are never "done":
 * the queue still holds their code, the file does not.
 */
function nodeOutcome(s: NodeState, waiting: string | undefined): string {
  if (s.status === 'failed' || s.status === 'skipped' || s.status === 'cancelled') return s.status;
  if (s.alreadyDone) return waiting ? 'waiting for review' : 'already done';
  if (s.change?.outcome === 'queued') return 'queued for review';
  // A dry run queues nothing, but a change that would have gone to review must not read as one to apply.
  if (s.change?.outcome === 'dry-run' && s.change.reviewReason) return 'would be queued for review';
  if (s.change) return s.change.outcome;
  // Left pending or running only when the run stopped early (the scheduler marks those cancelled).
  return s.status;
}

/** `notMeasured` of a node in --json: the checks that could not judge its change, and why. */
function notMeasuredField(list: string[]): { notMeasured?: string[] } {
  return list.length > 0 ? { notMeasured: list } : {};
}

/**
 * Checks that nothing measured — parse and atomicity of a language the atomizer does not parse, the
 * gates when none checked the file — for the line of the node: "not measured", so a queued change says
 * why and an applied one never reads as checked. Gates that ran but could not judge say so in `not judged by`.
 */
function unparsedNote(notMeasured: string[]): string {
  // `gate <id>: …` is in the unjudged list; `gates: …` (no gate checked the file at all) is said here,
  // or an applied change no gate looked at would read like one that passed them.
  const checks = notMeasured.filter((m) => !m.startsWith('gate '));
  if (checks.length === 0) return '';
  const names = checks.map((m) => m.split(':')[0]!);
  const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}` : names[0]!;
  const why = [...new Set(checks.map((m) => m.slice(m.indexOf(':') + 1).trim()))].join('; ');
  return `; ${listed} not measured (${why})`;
}

/**
 * Why a change was queued, for its line: the threshold it missed, or that the agent returned the atom
 * unchanged (a confidence alone would read like a change). Gates that could not judge it are said after.
 */
function queuedWhy(reason: string | undefined): string {
  return reason && !reason.startsWith('not judged by ') ? ` (${reason})` : '';
}

function printAgentRun(
  out: Output,
  result: AgentExecutionResult,
  extra: { stateFile: string; evidence?: string; taskId?: string; dryRun: boolean; waiting: Map<string, string> },
): void {
  const c = out.color;
  const count: Record<string, number> = {};
  for (const [id, why] of Object.entries(result.stale ?? {})) out.warn(`${id}: ${why}`);
  for (const [id, s] of Object.entries(result.nodes)) {
    const outcome = nodeOutcome(s, extra.waiting.get(id));
    count[outcome] = (count[outcome] ?? 0) + 1;
    const ch = s.change;
    const where = ch ? `${ch.file}:${ch.lines?.start ?? '?'}` : id;
    const conf = ch?.confidence ? ` confidence ${ch.confidence.score.toFixed(2)} (${ch.confidence.level})` : '';
    // Gates that ran but could not judge the change: why a high score was still queued.
    const unjudged = (ch?.validation?.gates ?? []).filter(
      (g) => g.id !== '*' && (g.status === 'error' || g.status === 'not measured'),
    );
    const notJudged =
      (unjudged.length > 0 ? `; not judged by ${unjudged.map((g) => `${g.id} (${g.status})`).join(', ')}` : '') +
      unparsedNote(notMeasuredOf(ch?.validation));
    if (s.status === 'failed')
      out.line(
        `${c.red('✗')} ${id}: ${s.error?.category} error after ${s.attempts.length} attempt(s): ${headline(s.error?.message ?? '')}`,
      );
    else if (s.alreadyDone) out.info(c.dim(`- ${id}: ${s.alreadyDone}`));
    else if (ch && s.status === 'succeeded') {
      const mark = ch.reviewReason ? c.yellow('?') : c.green('✓');
      const what =
        ch.outcome === 'queued'
          ? `queued for review as ${ch.reviewItem}${queuedWhy(ch.reviewReason)}`
          : ch.reviewReason
            ? `would be queued for review (${ch.reviewReason}; dry run)`
            : ch.outcome;
      out.line(`${mark} ${where} ${what} after ${s.attempts.length} attempt(s)${conf ? `;${conf}` : ''}${notJudged}`);
    }
  }
  const parts = Object.entries(count).map(([k, n]) => `${n} ${k}`);
  const forReview = (count['queued for review'] ?? 0) + (count['waiting for review'] ?? 0);
  // A run that left code with a reviewer succeeded, but nothing it holds is in the files yet.
  const unsure = forReview + (count['would be queued for review'] ?? 0);
  const mark = result.status !== 'succeeded' ? c.red('✗') : unsure > 0 ? c.yellow('?') : c.green('✓');
  out.line(
    `${mark} run ${result.runId}: ${parts.join(', ') || 'no node'}; ${result.stats.attempts} attempt(s); ${(result.stats.durationMs / 1000).toFixed(1)} s`,
  );
  if (result.patchFile) out.info(`${extra.dryRun ? 'patch (nothing applied)' : 'patch'}: ${result.patchFile}`);
  if (extra.evidence) out.info(`evidence ${extra.evidence} attached to ${extra.taskId}`);
  if (forReview > 0) out.info('review: st3 review list, or st3 review serve for the page');
  const agentDown = Object.values(result.nodes).filter((s) => s.status === 'failed' && agentCouldNotAnswer(s.error));
  if (agentDown.length > 0)
    out.info(
      `${agentDown.length} node(s) failed because the agent could not answer (timeout, cut off, unreachable, HTTP error): a runtime failure, not a verdict on their code`,
    );
  const runtime = Object.values(result.nodes).filter((s) => s.status === 'failed' && failedAtRuntime(s.error));
  if (runtime.length > 0)
    out.info(
      `${runtime.length} node(s) failed at runtime (${[...new Set(runtime.map((s) => s.error!.code))].join(', ')}: a file that could not be written or read, an atom's file or code gone since the graph was made, a lock, the config): not a verdict on their code`,
    );
  if (result.status !== 'succeeded')
    out.info(`state: ${extra.stateFile}; resume with: st3 execute --resume ${result.runId}`);
}
