import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';

describe('st3 execute refused before it starts', () => {
  it('leaves no .st3/ in a folder that had none (it would become the workspace of every folder below)', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'graph.json'), JSON.stringify({ nodes: [{ id: 'a' }], edges: [] }));
      writeFileSync(join(dir, 'bad.json'), '{"nodes": [\n  {"id": "a",}\n]}\n');
      const noWorker = await runSt3(['execute', 'graph.json', '--json'], { cwd: dir });
      expect([noWorker.code, json(noWorker).error.code]).toEqual([2, 'E_USAGE']);
      const badInput = await runSt3(['execute', 'bad.json', '--run', 'node x.mjs', '--json'], { cwd: dir });
      expect([badInput.code, json(badInput).error]).toEqual([1, expect.objectContaining({ code: 'E_PARSE', line: 2 })]);
      expect(existsSync(join(dir, '.st3'))).toBe(false);
    });
  });
});
