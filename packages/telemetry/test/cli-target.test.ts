import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTelemetry, cliTelemetryDir } from '../src/index.js';

describe('cliTelemetry', () => {
  it('saves telemetry-<tool>.json in .st3/telemetry, or in the task context with a task id', async () => {
    const root = await mkdtemp(join(tmpdir(), 'st3-telemetry-cli-'));
    try {
      expect(cliTelemetryDir({ root, tool: 'gates' })).toBe(join(root, '.st3', 'telemetry'));
      expect(cliTelemetryDir({ root, tool: 'gates', taskId: 'TASK-1', tasksDir: join(root, 'ctx') })).toBe(
        join(root, 'ctx', 'TASK-1'),
      );
      const plain = cliTelemetry({ root, tool: 'atomize' });
      plain.count('atomizer.files', 3);
      const path = await plain.save();
      expect(path).toBe(join(root, '.st3', 'telemetry', 'telemetry-atomize.json'));
      const task = cliTelemetry({ root, tool: 'execute', taskId: 'TASK-7' });
      task.count('executor.nodes', 1);
      const saved = JSON.parse(await readFile(await task.save(), 'utf8'));
      expect(saved).toMatchObject({
        agent: 'execute',
        task_id: 'TASK-7',
        counters: [{ name: 'executor.nodes', value: 1 }],
      });
      expect(await task.save()).toBe(join(root, '.st3', 'tasks', 'TASK-7', 'telemetry-execute.json'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
