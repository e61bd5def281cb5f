import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReviewQueue, runAgentExecution, type Agent } from '@st3/executor';
import { openReviewService } from '../src/agent-setup.js';

const FILE = "export function half(x: number): number {\n  // TODO: half\n  throw new Error('TODO');\n}\n";

describe('review regenerate with an agent', () => {
  it("runs the item's node again at once, with the reviewer's feedback and the run's instruction; the item comes back pending", async () => {
    const root = await mkdtemp(join(tmpdir(), 'st3-regen-'));
    try {
      await mkdir(join(root, 'src'), { recursive: true });
      await mkdir(join(root, '.st3'), { recursive: true });
      await writeFile(join(root, 'src/half.ts'), FILE);
      const prompts: string[] = [];
      const agent: Agent = {
        name: 'fake',
        kind: 'custom',
        generate: async (r) => {
          const prompt = r.messages[1]!.content;
          prompts.push(prompt);
          const body = prompt.includes('use a shift') ? 'return x >> 1;' : 'return x / 2;';
          return { text: `\`\`\`ts\nexport function half(x: number): number {\n  ${body}\n}\n\`\`\`` };
        },
      };
      const code = FILE.split('\n').slice(0, 4).join('\n');
      const graph = { nodes: [{ id: 'half', path: 'src/half.ts', startLine: 1, endLine: 4, code }], edges: [] };
      // Everything is queued (the threshold is above any confidence).
      const first = await runAgentExecution({
        root,
        graph,
        agent,
        instruction: 'Halve it.',
        reviewBelow: 1.01,
        gates: false,
      });
      expect(first.nodes.half!.change!.outcome).toBe('queued');
      const queue = createReviewQueue(join(root, '.st3', 'review'));
      const [item] = await queue.list();

      const { service, dispose } = await openReviewService(
        root,
        {},
        { agent: { agent, name: 'fake', saved: { agent: 'fake' } } },
      );
      try {
        const r = await service.regenerate(item!.id, { feedback: 'use a shift', by: 'ana' });
        expect(r.regenerated).toBe(true);
        expect(r.item).toMatchObject({ id: item!.id, status: 'pending', code: expect.stringContaining('x >> 1') });
        expect(prompts).toHaveLength(2);
        expect(prompts[1]).toContain('## Instruction\n\nHalve it.');
        expect(prompts[1]).toContain('## Reviewer feedback on an earlier version\n\nuse a shift');
        expect(await queue.list()).toHaveLength(1);
        // Still queued, so the file is untouched until a reviewer approves.
        expect(await readFile(join(root, 'src/half.ts'), 'utf8')).toBe(FILE);
        await service.approve(item!.id, { by: 'ana' });
        expect(await readFile(join(root, 'src/half.ts'), 'utf8')).toBe(
          'export function half(x: number): number {\n  return x >> 1;\n}\n',
        );
      } finally {
        await dispose();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 120_000);
});
