import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { createOutput, createProgress, defineCommand, EXIT, resolveWorkspace, type Output } from '@st3/cli-kit';
import type { ExecuteResult, ReviewQueueApi } from '@st3/executor';
import { St3Error, type GraphInput, type GraphNode, type RunState } from '@st3/schemas';

export const command = defineCommand({
  name: 'execute',
  summary: 'run a command for every node of a graph, dependencies first, with retries; runs are resumable',
  description: [
    'The command runs without a shell; placeholders {id} {file} {start} {end} {attempt} {temperature} are filled ' +
      'in per node, and it also gets ST3_NODE_ID, ST3_ATTEMPT, ST3_TEMPERATURE and ST3_FEEDBACK (the previous failure).',
    "With --review the code of a node is its line range, unless the command's last output line is JSON " +
      '{"code": "...", "validation": 0.9, "integrationTests": {"passed": 3, "total": 4}}.',
  ],
  usage: ['st3 execute --resume <run-id> [--run "<command>"] [--json]'],
  args: [{ name: 'inputs', description: 'graph.json, atoms.json or source paths (not with --resume)', variadic: true }],
  options: {
    run: { type: 'string', valueName: 'CMD', description: 'command per node (see above)' },
    concurrency: { type: 'number', integer: true, min: 1, description: 'nodes running at once (default 100)' },
    retries: {
      type: 'number',
      integer: true,
      min: 0,
      description: 'retries after a failed attempt (default 2); backoff 1 s → 2 s → 4 s',
    },
    mode: {
      type: 'enum',
      choices: ['eager', 'waves'],
      description: 'eager (default: a node starts when its dependencies are done) or waves (wave barriers)',
    },
    timeout: {
      type: 'number',
      valueName: 'SEC',
      description: 'time limit per attempt (a timed-out attempt is retried with twice the time)',
    },
    backoff: {
      type: 'number',
      min: 0,
      valueName: 'SEC',
      description: 'first wait before a retry, doubling each time, ±10% jitter (default 1)',
    },
    resume: {
      type: 'string',
      valueName: 'ID',
      description: 'continue a saved run (.st3/runs/ID.json) without redoing the nodes that succeeded',
    },
    review: {
      type: 'boolean',
      description: 'add succeeded nodes to the review queue (.st3/review/) with their confidence and issues',
    },
    telemetry: {
      type: 'boolean',
      description:
        'record executor.nodes|attempts|retries|failed and durations to .st3/telemetry/telemetry-execute.json',
    },
    task: {
      type: 'string',
      valueName: 'ID',
      description:
        'with --telemetry: write it into the task context instead (.st3/tasks/ID/, read by st3 metrics collect)',
    },
  },
  examples: [
    'st3 execute graph.json --run "python3 tools/check.py {file} {start} {end}"',
    'st3 execute atoms.json --run "node gen.mjs {id}" --concurrency 8 --retries 3 --review',
    'st3 execute src/ --run "python3 tools/gen.py {id} {file} {start} {end}" --timeout 120',
    'st3 execute --resume run-20260122-041500-a1b2c3',
    'st3 execute graph.json --run "node gen.mjs {id}" --telemetry --task TASK-0123',
  ],
  async run({ values, args, common, io, usage, usageError }) {
    const positionals = args.inputs;
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const start = resolve(io.cwd, common.cwd ?? '.');
    const { createFileRunStore, createReviewQueue, commandRunner, execute } = await import('@st3/executor');
    const store = createFileRunStore(join(ws.st3Dir, 'runs'));

    let resumeState: RunState | undefined;
    if (values.resume) resumeState = await store.load(values.resume);
    else if (positionals.length === 0) throw usageError('no graph given');
    const saved = resumeState?.options ?? {};
    const template = values.run ?? (typeof saved.command === 'string' ? saved.command : undefined);
    if (!template)
      throw new St3Error('E_USAGE', '--run is required', {
        hint: 'e.g. --run "python3 check.py {file} {start} {end}"',
      });
    const mode = values.mode ?? (saved.mode as string | undefined) ?? 'eager';
    if (mode !== 'eager' && mode !== 'waves')
      throw new St3Error('E_USAGE', `--mode must be eager or waves, got "${mode}"`);
    const concurrency = values.concurrency ?? (typeof saved.concurrency === 'number' ? saved.concurrency : 100);
    const retries = values.retries ?? (typeof saved.retries === 'number' ? saved.retries : 2);
    const timeoutSec =
      values.timeout !== undefined
        ? values.timeout
        : typeof saved.timeoutMs === 'number'
          ? saved.timeoutMs / 1000
          : undefined;
    if (timeoutSec !== undefined && !(timeoutSec > 0))
      throw new St3Error('E_USAGE', `--timeout expects seconds > 0, got "${values.timeout}"`);
    const review = values.review ?? saved.review === true;
    const backoffSec =
      values.backoff !== undefined ? values.backoff : typeof saved.backoffMs === 'number' ? saved.backoffMs / 1000 : 1;
    if (!(backoffSec >= 0)) throw new St3Error('E_USAGE', `--backoff expects seconds ≥ 0, got "${values.backoff}"`);

    const graph =
      positionals.length > 0
        ? await loadGraphs(positionals, { cwd: start, root: ws.root, out, usage })
        : resumeState!.graph;
    const queue = createReviewQueue(join(ws.st3Dir, 'review'));
    const feedback = existsSync(queue.file) ? await queue.regenerationFeedback() : {};
    const progress = createProgress(io, { quiet: common.quiet, label: 'execute' });
    if (values.task && !values.telemetry)
      throw new St3Error('E_USAGE', '--task goes with --telemetry', { hint: 'add --telemetry' });
    const telemetry = values.telemetry
      ? (await import('@st3/telemetry')).cliTelemetry({
          root: ws.root,
          tool: 'execute',
          ...(values.task ? { taskId: values.task } : {}),
        })
      : undefined;
    const result = await execute(graph, commandRunner(template, { cwd: ws.root, env: io.env }), {
      mode,
      concurrency,
      retries,
      timeoutMs: timeoutSec !== undefined ? timeoutSec * 1000 : undefined,
      backoff: { baseMs: backoffSec * 1000 },
      signal: io.signal,
      store,
      resume: resumeState,
      feedback,
      saveOptions: { command: template, review, backoffMs: backoffSec * 1000 },
      ...(telemetry ? { telemetry } : {}),
      onEvent: (e) => {
        if (e.type === 'progress') progress.update(e.done, e.total);
        else if (e.type === 'node:retry' && !common.json)
          out.warn(
            `${e.id}: attempt ${e.attempt} failed (${e.category}); retrying in ${(e.delayMs / 1000).toFixed(1)} s`,
          );
      },
    });
    progress.done();
    const telemetryFile = telemetry ? await telemetry.save() : undefined;
    if (telemetryFile && !common.json) out.info(`telemetry: ${telemetryFile}`);
    const reviewed = review ? await addToReview(result, graph, ws.root, retries + 1, queue) : [];
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
    } else {
      printHuman(out, result, reviewed.length, stateFile);
    }
    if (result.status === 'cancelled') return EXIT.interrupted;
    return result.status === 'succeeded' ? EXIT.ok : EXIT.problems;
  },
});

/**
 * Reads graphs, atomizer output and source paths (atomized on the fly) as `st3 graph` does, and cuts
 * cycles with the same feedback arc set, so every graph `st3 graph` accepts can be executed.
 */
async function loadGraphs(
  paths: string[],
  options: { cwd: string; root: string; out: Output; usage: string },
): Promise<GraphInput> {
  const [{ loadGraphInputs }, { analyzeGraph }] = await Promise.all([
    import('../graph-inputs.js'),
    import('@st3/dep-graph'),
  ]);
  const { graph } = await loadGraphInputs(paths, options);
  const seen = new Set<string>();
  for (const n of graph.nodes) {
    if (seen.has(n.id))
      throw new St3Error('E_EXEC_GRAPH_INVALID', `node "${n.id}" appears more than once in the inputs`, {
        hint: 'node ids must be unique across the graphs given',
      });
    seen.add(n.id);
  }
  const analysis = analyzeGraph(graph);
  if (analysis.removedEdges.length === 0) return graph;
  options.out.warn(
    `${analysis.removedEdges.length} edge(s) cut to break ${analysis.cycles.length} cycle(s): ${analysis.removedEdges
      .slice(0, 5)
      .map((e) => `${e.from} → ${e.to}`)
      .join(', ')}${analysis.removedEdges.length > 5 ? ', …' : ''}`,
  );
  const cut = new Set(analysis.removedEdges.map((e) => `${e.from}\u0000${e.to}`));
  return { nodes: graph.nodes, edges: graph.edges.filter((e) => !cut.has(`${e.from}\u0000${e.to}`)) };
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
): Promise<{ id: string; nodeId: string; level: string; score: number }[]> {
  const { checkSyntax, detectIssues, languageOf, scoreConfidence } = await import('@st3/executor');
  const added: { id: string; nodeId: string; level: string; score: number }[] = [];
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
    const confidence = scoreConfidence({
      validation: isSignal(reported.validation)
        ? reported.validation
        : syntax.ok
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
    added.push({ id: item.id, nodeId: id, level: confidence.level, score: confidence.score });
  }
  return added;
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

function printHuman(out: Output, result: Executed, reviewed: number, stateFile: string): void {
  const c = out.color;
  for (const [id, s] of Object.entries(result.nodes)) {
    if (s.status === 'failed')
      out.line(
        `${c.red('✗')} ${id}: ${s.error?.category} error after ${s.attempts.length} attempt(s): ${s.error?.message.split('\n')[0]}`,
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
  if (reviewed > 0) out.info(`${reviewed} node(s) added to the review queue: st3 review list`);
  if (result.status !== 'succeeded') out.info(`state: ${stateFile}; resume with: st3 execute --resume ${result.runId}`);
}
