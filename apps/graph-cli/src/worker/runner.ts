import { join } from 'node:path';
import type { RemoteTask, RunNode } from '@st3/executor';
import { St3Error, type RunState } from '@st3/schemas';

interface CachedRunner {
  runNode: RunNode<unknown>;
  dispose(): Promise<void>;
}

/**
 * The node runners of a worker's workspace, one per run, built from the run record the coordinator
 * saved (`.st3/runs/<id>.json`) exactly as `st3 execute` builds them: `--run CMD` gives the command
 * runner, an agent run the agent runner (prompt, validation in scratch copies with the workspace's
 * gates, apply or review queue). A run this workspace does not hold is E_WORKER_WORKSPACE.
 */
export function workspaceRunners(root: string, env: Record<string, string | undefined>) {
  const cache = new Map<string, Promise<CachedRunner>>();
  const build = async (task: RemoteTask): Promise<CachedRunner> => {
    const exec = await import('@st3/executor');
    const store = exec.createFileRunStore(join(root, '.st3', 'runs'));
    let record: RunState;
    try {
      record = await store.load(task.runId);
    } catch (error) {
      throw new St3Error(
        'E_WORKER_WORKSPACE',
        `this workspace (${root}) has no run ${task.runId}: ${(error as Error).message}`,
        {
          hint: 'start st3 worker --cwd <the workspace of the coordinator>, or give other workspaces their own --queue',
        },
      );
    }
    if (!record.graph.nodes.some((n) => n.id === task.node.id))
      throw new St3Error('E_WORKER_WORKSPACE', `run ${task.runId} of ${root} has no node ${task.node.id}`, {
        hint: 'the coordinator and this worker do not share the workspace',
      });
    const options = task.options;
    if (typeof options.command === 'string')
      return { runNode: exec.commandRunner(options.command, { cwd: root, env }), dispose: async () => undefined };
    return agentRunner(root, env, record, options);
  };
  return {
    runnerFor(task: RemoteTask): Promise<RunNode<unknown>> {
      let entry = cache.get(task.runId);
      if (!entry) {
        entry = build(task);
        cache.set(task.runId, entry);
        // A run it could not serve may be servable later (the record was still being written).
        entry.catch(() => cache.delete(task.runId));
      }
      return entry.then((e) => e.runNode);
    },
    async dispose(): Promise<void> {
      const all = await Promise.allSettled(cache.values());
      for (const r of all) if (r.status === 'fulfilled') await r.value.dispose();
    },
  };
}

async function agentRunner(
  root: string,
  env: Record<string, string | undefined>,
  record: RunState,
  options: Record<string, unknown>,
): Promise<CachedRunner> {
  const exec = await import('@st3/executor');
  const { chooseAgent, savedSelection } = await import('../agent-setup.js');
  if (typeof options.instruction !== 'string')
    throw new St3Error('E_WORKER_WORKSPACE', `run ${record.id} names neither a command nor an instruction`, {
      hint: 'run it with a coordinator of the same ST3 version',
    });
  const choice = await chooseAgent(root, env, savedSelection(options) ?? {});
  const queue = exec.createReviewQueue(join(root, '.st3', 'review'));
  const files = exec.createWorkspaceFiles(root, { editLog: join(root, '.st3', 'edits') });
  const pool = exec.createScratchPool(root, 2);
  const validator = exec.createValidator({ root, files, pool, env });
  const prior = await exec.priorOutcomes(join(root, '.st3', 'runs'), queue);
  const runNode = exec.createAgentRunner({
    agent: choice.agent,
    instruction: options.instruction,
    files,
    validator,
    runId: record.id,
    ...(typeof options.reviewBelow === 'number' ? { reviewBelow: options.reviewBelow } : {}),
    queue,
    graph: record.graph,
    reviewerFeedback: prior.feedback,
  }) as RunNode<unknown>;
  return { runNode, dispose: () => pool.dispose() };
}
