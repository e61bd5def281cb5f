import { join } from 'node:path';
import type { ReviewItem, TelemetryHandle } from '@st3/schemas';
import { createAgent, loadAgentsConfig, selectAgent, type AgentSelection } from '../agents/resolve.js';
import type { Agent } from '../agents/types.js';
import { createWorkspaceFiles } from '../change/workspace.js';
import { runAgentExecution } from '../run-agents.js';
import { createFileRunStore } from '../scheduler/run-store.js';
import { createScratchPool } from '../validate/scratch.js';
import { createValidator } from '../validate/validate.js';
import { createReviewQueue } from './queue.js';
import { createReviewService, type ReviewService } from './service.js';

// The agent a command or tool names and the review service `st3 review`, the review page and the MCP
// review_action tool share (moved here from the graph CLI so every front end calls the same code).

/** What a run records about its agent, so `--resume` and regeneration use the same one. */
export interface AgentChoice {
  agent: Agent;
  name: string;
  /** `{agent, agentUrl?, agentModel?}` for the run's saved options. */
  saved: Record<string, string>;
}

/** The agent of `--agent NAME` / `--agent-url URL --agent-model M` / agents.yaml's default. */
export async function chooseAgent(
  root: string,
  env: Record<string, string | undefined>,
  selection: AgentSelection,
  options: { telemetry?: TelemetryHandle } = {},
): Promise<AgentChoice> {
  const config = await loadAgentsConfig(root);
  const { name, config: agentConfig } = selectAgent(config, selection);
  const agent = createAgent(name, agentConfig, { root, env, ...options });
  return {
    agent,
    name,
    saved: {
      agent: name,
      ...(selection.url ? { agentUrl: selection.url } : {}),
      ...(selection.model ? { agentModel: selection.model } : {}),
    },
  };
}

/** Back from a run's saved options: the agent it used. */
export function savedSelection(options: Record<string, unknown>): AgentSelection | undefined {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const name = str(options.agent);
  const url = str(options.agentUrl);
  const model = str(options.agentModel);
  if (!name && !url) return undefined;
  return { ...(name && name !== 'ad-hoc' ? { name } : {}), ...(url ? { url } : {}), ...(model ? { model } : {}) };
}

const DEFAULT_REGENERATE =
  "Regenerate this atom: keep its signature and follow the reviewer's feedback on the earlier version.";

/**
 * The review service the CLI and the review page share: approve and edit write the file (edits are
 * validated with the workspace's gates in a scratch copy); with an agent, regenerate runs the node
 * again at once with the reviewer's feedback (the instruction of the run that made the item).
 */
export async function openReviewService(
  root: string,
  env: Record<string, string | undefined>,
  options: { agent?: AgentChoice; signal?: AbortSignal } = {},
): Promise<{ service: ReviewService; dispose: () => Promise<void> }> {
  const queue = createReviewQueue(join(root, '.st3', 'review'));
  const files = createWorkspaceFiles(root, { editLog: join(root, '.st3', 'edits') });
  const pool = createScratchPool(root, 1);
  const validator = createValidator({ root, files, pool, env });
  const regenerateNow = options.agent
    ? async (item: ReviewItem) => {
        if (!item.file) return undefined;
        // The same run again for this one node: its instruction and review threshold.
        let instruction = DEFAULT_REGENERATE;
        let reviewBelow: number | undefined;
        if (item.runId) {
          const saved = await createFileRunStore(join(root, '.st3', 'runs'))
            .load(item.runId)
            .catch(() => undefined);
          if (typeof saved?.options.instruction === 'string') instruction = saved.options.instruction;
          if (typeof saved?.options.reviewBelow === 'number') reviewBelow = saved.options.reviewBelow;
        }
        const node = {
          id: item.nodeId,
          path: item.file,
          ...(item.startLine ? { startLine: item.startLine } : {}),
          ...(item.originalCode !== undefined ? { code: item.originalCode } : {}),
        };
        return runAgentExecution({
          root,
          graph: { nodes: [node], edges: [] },
          agent: options.agent!.agent,
          instruction,
          ...(reviewBelow !== undefined ? { reviewBelow } : {}),
          env,
          ...(options.signal ? { signal: options.signal } : {}),
          saveOptions: { ...options.agent!.saved, regenerated: item.id },
        });
      }
    : undefined;
  const service = createReviewService({ queue, files, validator, ...(regenerateNow ? { regenerateNow } : {}) });
  return { service, dispose: () => pool.dispose() };
}
