import { isAbsolute, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { EXIT, type CliIO, type Output } from '@st3/cli-kit';
import type { ExecuteResult, FileRunStore, ReviewQueueApi, SchedulerBackend } from '@st3/executor';
import type { GraphInput, GraphNode, RunState, TelemetryHandle } from '@st3/schemas';
import { headline } from './headline.js';
import type { RunMetrics } from './metrics.js';
import { runEvents, type RunSettings } from './settings.js';

/** `st3 execute --run CMD`: a command per node; with `--review` what succeeded goes to the review queue. */
export async function runCommandMode(options: {
  graph: GraphInput;
  template: string;
  review: boolean;
  settings: RunSettings;
  root: string;
  io: CliIO;
  out: Output;
  quiet: boolean;
  store: FileRunStore;
  queue: ReviewQueueApi;
  resume?: RunState;
  /** The id of a new run (fixed by the caller, who holds its lock). */
  runId?: string;
  telemetry?: TelemetryHandle & { save(): Promise<string | undefined> };
  /** Where nodes run (default this process) and what the run saves about it (for --resume). */
  backend?: SchedulerBackend;
  saveBackend?: Record<string, unknown>;
  metrics?: Pick<RunMetrics, 'onEvent'>;
}): Promise<number> {
  const { graph, template, review, settings, root, io, out, store, queue } = options;
  const { commandRunner, execute, priorOutcomes } = await import('@st3/executor');
  const feedback = await queue.regenerationFeedback();
  // With --review, nodes approved or waiting in the queue are not run again (no second item per node).
  const done = review && !options.resume ? (await priorOutcomes(join(root, '.st3', 'runs'), queue)).done : {};
  const events = runEvents(io, out, options.quiet, 'execute');
  const result = await execute(graph, commandRunner(template, { cwd: root, env: io.env }), {
    ...settings.execute,
    signal: io.signal,
    store,
    ...(options.resume ? { resume: options.resume } : {}),
    ...(options.runId ? { runId: options.runId } : {}),
    feedback,
    done,
    saveOptions: { command: template, review, backoffMs: settings.backoffMs, ...options.saveBackend },
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    onEvent: (e) => {
      events.onEvent(e);
      options.metrics?.onEvent(e);
    },
  });
  events.done();
  const telemetryFile = options.telemetry ? await options.telemetry.save() : undefined;
  if (telemetryFile && !out.json) out.info(`telemetry: ${telemetryFile}`);
  const reviewed = review ? await addToReview(result, graph, root, settings.execute.retries + 1, queue) : [];
  const stateFile = store.pathOf(result.runId);
  const nodes = Object.fromEntries(
    Object.entries(result.nodes).map(([id, s]) => [
      id,
      {
        status: s.status,
        attempts: s.attempts.length,
        ...(s.reused ? { reused: true } : {}),
        ...(s.error ? { error: s.error } : {}),
        ...(s.skipped ? { skipped: s.skipped } : {}),
      },
    ]),
  );
  if (out.json) {
    out.document({
      ok: result.status === 'succeeded',
      runId: result.runId,
      status: result.status,
      stateFile,
      stats: result.stats,
      nodes,
      review: { added: reviewed },
      ...(telemetryFile ? { telemetryFile } : {}),
    });
  } else printHuman(out, result, reviewed, stateFile);
  if (result.status === 'cancelled') return EXIT.interrupted;
  return result.status === 'succeeded' ? EXIT.ok : EXIT.problems;
}

type Executed = ExecuteResult;
type Queue = ReviewQueueApi;

/**
 * Adds every node that succeeded in this run to the review queue. The code is the node's line
 * range of its file (or the command's output when the node has no file); confidence uses
 * validation (parses, fewer detector issues is better), attempts and complexity.
 */
async function addToReview(
  result: Executed,
  graph: GraphInput,
  root: string,
  maxAttempts: number,
  queue: Queue,
): Promise<ReviewAdded[]> {
  const { checkSyntax, detectIssues, languageOf, scoreConfidence } = await import('@st3/executor');
  const added: ReviewAdded[] = [];
  const byId = new Map(graph.nodes.map((n) => [n.id, n as GraphNode & Record<string, unknown>]));
  for (const [id, s] of Object.entries(result.nodes)) {
    if (s.status !== 'succeeded' || s.reused) continue;
    const node = byId.get(id)!;
    const file = typeof node.path === 'string' ? node.path : typeof node.file === 'string' ? node.file : undefined;
    const startLine = typeof node.startLine === 'number' ? node.startLine : undefined;
    const endLine = typeof node.endLine === 'number' ? node.endLine : undefined;
    const stdout = (s.result as { stdout?: string } | undefined)?.stdout ?? '';
    const reported = lastJsonLine(stdout);
    let code = typeof reported.code === 'string' ? reported.code : stdout;
    if (file && typeof reported.code !== 'string') {
      const abs = isAbsolute(file) ? file : join(root, file);
      const text = await readFile(abs, 'utf8').catch(() => undefined);
      if (text !== undefined) {
        const lines = text.split('\n');
        code = startLine ? lines.slice(startLine - 1, endLine ?? lines.length).join('\n') : text;
      }
    }
    const language = languageOf(file);
    const [syntax, issues] = await Promise.all([checkSyntax(code, language), detectIssues(code, language)]);
    // Code ST3 cannot parse (no file: the command's output; a language it has no parser for) was not
    // checked at all: a validation not measured counts as not passed, never as a pass.
    const unchecked = !isSignal(reported.validation) && language === 'other';
    const confidence = scoreConfidence({
      validation: isSignal(reported.validation)
        ? reported.validation
        : syntax.ok && !unchecked
          ? Math.max(0.5, 1 - 0.1 * issues.length)
          : 0,
      attempts: s.attempts.length,
      maxAttempts,
      complexity: typeof node.complexity === 'number' ? node.complexity : undefined,
      integrationTests: isSignal(reported.integrationTests) ? reported.integrationTests : undefined,
    });
    const item = await queue.add({
      nodeId: id,
      runId: result.runId,
      file,
      startLine,
      endLine,
      code,
      language,
      confidence,
      issues,
    });
    added.push({
      id: item.id,
      nodeId: id,
      level: confidence.level,
      score: confidence.score,
      ...(unchecked ? { notMeasured: [notMeasured(file)] } : {}),
    });
  }
  return added;
}

/** A node added to the review queue; `notMeasured`: checks that could not run on its code. */
interface ReviewAdded {
  id: string;
  nodeId: string;
  level: string;
  score: number;
  notMeasured?: string[];
}

function notMeasured(file: string | undefined): string {
  return file
    ? `validation: ST3 cannot parse ${file} and the command reported no validation`
    : 'validation: the node has no file (its code is the command output) and the command reported no validation';
}

type Signal = number | boolean | { passed: number; total: number };
function isSignal(v: unknown): v is Signal {
  if (typeof v === 'number' || typeof v === 'boolean') return true;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { passed?: unknown }).passed === 'number' &&
    typeof (v as { total?: unknown }).total === 'number'
  );
}

/** A command may end its output with one JSON line `{code?, validation?, integrationTests?}` for the review queue. */
function lastJsonLine(stdout: string): Record<string, unknown> {
  const last = stdout.trimEnd().split('\n').pop()?.trim() ?? '';
  if (!last.startsWith('{')) return {};
  try {
    const v = JSON.parse(last) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function printHuman(out: Output, result: Executed, reviewed: ReviewAdded[], stateFile: string): void {
  const c = out.color;
  for (const [id, s] of Object.entries(result.nodes)) {
    if (s.status === 'failed')
      out.line(
        `${c.red('✗')} ${id}: ${s.error?.category} error after ${s.attempts.length} attempt(s): ${headline(s.error?.message ?? '')}`,
      );
  }
  const st = result.stats;
  const skipped = Object.entries(result.nodes).filter(([, s]) => s.status === 'skipped');
  if (skipped.length > 0)
    out.info(
      `${c.yellow('-')} skipped ${skipped.length}: ${skipped
        .slice(0, 8)
        .map(([id, s]) => `${id} (needs ${s.skipped?.because})`)
        .join(', ')}${skipped.length > 8 ? ', …' : ''}`,
    );
  const parts = [`${st.succeeded} succeeded`, `${st.failed} failed`, `${st.skipped} skipped`];
  if (st.cancelled) parts.push(`${st.cancelled} cancelled`);
  if (st.reused) parts.push(`${st.reused} reused`);
  const mark = result.status === 'succeeded' ? c.green('✓') : c.red('✗');
  out.line(
    `${mark} run ${result.runId}: ${parts.join(', ')}; ${st.attempts} attempt(s), ${st.retries} retr${st.retries === 1 ? 'y' : 'ies'}; ${(st.durationMs / 1000).toFixed(2)} s`,
  );
  for (const r of reviewed)
    if (r.notMeasured)
      out.warn(
        `${r.nodeId}: not measured — ${r.notMeasured.join('; ')}: confidence ${r.score.toFixed(2)} (${r.level})`,
      );
  if (reviewed.length > 0) out.info(`${reviewed.length} node(s) added to the review queue: st3 review list`);
  if (result.status !== 'succeeded') out.info(`state: ${stateFile}; resume with: st3 execute --resume ${result.runId}`);
}
