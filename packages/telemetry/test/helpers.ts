import { createCollector } from '../src/index.js';

/** A collector on a fake clock that starts at 2026-01-01T00:00:00Z and moves 1 s per reading. */
export function fakeCollector(agent: string, taskId = 'TASK-1', dir?: string) {
  let t = Date.UTC(2026, 0, 1);
  return createCollector({ agent, taskId, dir, now: () => (t += 1000) });
}
