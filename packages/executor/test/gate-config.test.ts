// An invalid quality.yaml is the run's configuration error, found before any agent is asked: in the
// scratch copies it failed every attempt of every node as if the code were wrong (exit 1, retries spent
// on the agent, a temporary path in the message).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import { createOpenAiAgent, runAgentExecution } from '../src/index.js';
import { about, CALC, calcGraph, impl } from './calc-fixture.js';
import { startFakeOpenAi } from './fake-openai.js';
import { makeWorkspace, qualityYaml, TSCONFIG } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function runWith(quality: string) {
  const ws = await makeWorkspace({
    'src/calc.ts': CALC,
    'tsconfig.json': TSCONFIG,
    '.st3/config/quality.yaml': quality,
  });
  cleanup.push(ws.dispose);
  const server = await startFakeOpenAi((body) => `\`\`\`ts\n${impl(about(body))}\n\`\`\``);
  cleanup.push(server.close);
  const graph: GraphInput = { nodes: calcGraph().nodes.slice(0, 2), edges: [] };
  const agent = createOpenAiAgent({ baseUrl: server.url, model: 'm' });
  const run = runAgentExecution({ root: ws.root, graph, agent, instruction: 'x', retries: 1, backoff: { baseMs: 1 } });
  return { ws, server, run };
}

describe('the quality config of an agent run', () => {
  it('an invalid quality.yaml is E_CONFIG_INVALID, located in the workspace, before any agent call', async () => {
    const { ws, server, run } = await runWith(qualityYaml().replace('active_gates: [tsc]', 'active_gates: [tsc'));
    const error = await run.then(
      () => undefined,
      (e: unknown) => e as { code?: string; file?: string; line?: number },
    );
    expect(error).toMatchObject({ code: 'E_CONFIG_INVALID', file: join(ws.root, '.st3', 'config', 'quality.yaml') });
    expect(error?.line).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(0);
  });

  it('a schema error (an unknown parsing strategy) is refused the same way', async () => {
    const { server, run } = await runWith(
      qualityYaml().replace('parsing_strategy: text_violations', 'parsing_strategy: text'),
    );
    await expect(run).rejects.toMatchObject({ code: 'E_CONFIG_INVALID', line: expect.any(Number) });
    expect(server.requests).toHaveLength(0);
  });
});
