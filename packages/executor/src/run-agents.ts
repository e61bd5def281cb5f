import { join } from 'node:path';
import type { GraphInput, RunState } from '@st3/schemas';
import type { Agent } from './agents/types.js';
import { locateLines } from './change/text.js';
import { createWorkspaceFiles, type WorkspaceFiles } from './change/workspace.js';
import { writeFileAtomic } from './fs.js';
import { priorOutcomes, writtenNodes } from './ledger.js';
import { createReviewQueue } from './review/queue.js';
import { createAgentRunner } from './runners/agent.js';
import { execute, type ExecuteOptions, type ExecuteResult } from './scheduler/execute.js';
import { createFileRunStore, newRunId } from './scheduler/run-store.js';
import { checkGateConfig } from './validate/gate-config.js';
import { createScratchPool } from './validate/scratch.js';
import { createValidator } from './validate/validate.js';
import { nothingToRun } from './setup/runnable.js';

export interface AgentExecutionOptions extends Pick<
  ExecuteOptions,
  | 'mode'
  | 'concurrency'
  | 'retries'
  | 'timeoutMs'
  | 'signal'
  | 'onEvent'
  | 'backoff'
  | 'clock'
  | 'random'
  | 'telemetry'
  | 'backend'
> {
  /** Workspace root (holds `.st3/`). */
  root: string;
  graph: GraphInput;
  agent: Agent;
  instruction: string;
  /** Below this confidence a change is queued for review (default 0.7). */
  reviewBelow?: number;
  /** Nothing is written but the run record and `.st3/runs/<id>.patch`. */
  dryRun?: boolean;
  /** Continue this saved run. */
  resume?: RunState;
  runId?: string;
  /** Environment of the gate tools (libraries do not read process.env). */
  env?: Record<string, string | undefined>;
  /** Run the quality gates in scratch copies (default: when the workspace has quality.yaml). */
  gates?: boolean;
  /** Scratch copies (gate runs at once; default 2). */
  validationConcurrency?: number;
  /** Saved with the run (what a resume reuses), e.g. the agent's name. */
  saveOptions?: Record<string, unknown>;
}

export interface AgentExecutionResult extends ExecuteResult {
  /** `.st3/runs/<id>.patch` when the run changed (or, dry, would change) anything. */
  patchFile?: string;
  /** Nodes not run because an earlier run or a reviewer settled them. */
  alreadyDone: Record<string, string>;
  /** Nodes an earlier run applied that ran again because their file no longer holds that change, with why. */
  stale: Record<string, string>;
}

/**
 * One `st3 execute --agent` run: the nodes an earlier run applied, a reviewer approved or the queue
 * holds are skipped, rejected ones are regenerated with the reviewer's feedback; every other node
 * goes through the agent runner (validated in scratch copies, applied or queued); the run record is
 * `.st3/runs/<id>.json` and its combined diff `.st3/runs/<id>.patch`. A graph with no node is
 * E_EXEC_NOTHING; an invalid quality.yaml is E_CONFIG_INVALID before any agent is asked.
 */
export async function runAgentExecution(options: AgentExecutionOptions): Promise<AgentExecutionResult> {
  // A run of no node would be a success that checked nothing.
  if (options.graph.nodes.length === 0) throw nothingToRun(0);
  await checkGateConfig(options.root, options.gates);
  const runsDir = join(options.root, '.st3', 'runs');
  const store = createFileRunStore(runsDir);
  const queue = createReviewQueue(join(options.root, '.st3', 'review'));
  const dryRun = options.dryRun === true;
  const prior = options.resume
    ? { done: {}, feedback: {}, written: {}, stale: {} }
    : await priorOutcomes(runsDir, queue, { root: options.root });
  const runId = options.resume?.id ?? options.runId ?? newRunId();
  // A node is done when its id was, or when its code is what an earlier run or a reviewer wrote.
  const done = { ...writtenNodes(options.graph.nodes, prior.written), ...prior.done };
  const files = createWorkspaceFiles(options.root, { dryRun, editLog: join(options.root, '.st3', 'edits') });
  await keepEditedDone(options.graph, prior.stale, done, files);
  const pool = createScratchPool(options.root, options.validationConcurrency ?? 2);
  try {
    const validator = createValidator({
      root: options.root,
      files,
      pool,
      ...(options.gates !== undefined ? { gates: options.gates } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    const runner = createAgentRunner({
      agent: options.agent,
      instruction: options.instruction,
      files,
      validator,
      runId,
      ...(options.reviewBelow !== undefined ? { reviewBelow: options.reviewBelow } : {}),
      ...(dryRun ? {} : { queue }),
      graph: options.graph,
      reviewerFeedback: prior.feedback,
    });
    const {
      root: _root,
      graph,
      agent: _agent,
      instruction,
      reviewBelow,
      dryRun: _dry,
      resume,
      env: _env,
      gates: _gates,
      validationConcurrency: _vc,
      saveOptions,
      ...rest
    } = options;
    // Nodes run elsewhere (workers) write the files themselves: the run's patch is taken against the
    // files as they are now.
    if (options.backend) await files.track(atomPaths(graph));
    const result = await execute(graph, runner, {
      ...rest,
      runId,
      store,
      ...(resume ? { resume } : {}),
      done,
      feedback: Object.fromEntries(
        Object.entries(prior.feedback).map(([id, text]) => [id, `Reviewer feedback: ${text}`]),
      ),
      saveOptions: { instruction, reviewBelow: reviewBelow ?? 0.7, dryRun, agent: options.agent.name, ...saveOptions },
    });
    let patchFile: string | undefined;
    const patch = await files.patch();
    if (patch) {
      patchFile = join(runsDir, `${runId}.patch`);
      await writeFileAtomic(patchFile, patch);
    }
    const stale = Object.fromEntries(
      graph.nodes.filter((n) => prior.stale[n.id] && !done[n.id]).map((n) => [n.id, prior.stale[n.id]!]),
    );
    return { ...result, ...(patchFile ? { patchFile } : {}), alreadyDone: done, stale };
  } finally {
    await pool.dispose();
  }
}

/**
 * A node whose applied change its file no longer holds runs again only when its original code is back
 * (a revert: `git checkout`); when it is not there either, the change was edited since (reformatted, changed
 * by hand) and generating again would have nothing to replace: it stays done, saying so.
 */
async function keepEditedDone(
  graph: GraphInput,
  stale: Readonly<Record<string, string>>,
  done: Record<string, string>,
  files: WorkspaceFiles,
): Promise<void> {
  for (const node of graph.nodes) {
    const why = stale[node.id];
    const [path] = atomPaths({ nodes: [node], edges: [] });
    const { code, startLine } = node as { code?: unknown; startLine?: unknown };
    if (!why || done[node.id] || path === undefined || typeof code !== 'string') continue;
    const text = await files.read(path);
    if (text === undefined || locateLines(text, code, typeof startLine === 'number' ? startLine : 1)) continue;
    done[node.id] =
      `${why.replace(/: generated again$/, '')}, and its original code is not back (edited since, not reverted): not generated again`;
  }
}

/** The files the graph's atoms name (`path`, else `file`). */
function atomPaths(graph: GraphInput): string[] {
  const paths: string[] = [];
  for (const node of graph.nodes) {
    const { path, file } = node as { path?: unknown; file?: unknown };
    const p = typeof path === 'string' ? path : typeof file === 'string' ? file : undefined;
    if (p !== undefined) paths.push(p);
  }
  return paths;
}
