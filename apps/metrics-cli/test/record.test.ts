import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEvents, metricsPaths, recordEvents } from '../src/index.js';

describe('st3 telemetry record: events', () => {
  it('refuses flag combinations that do not say one thing', () => {
    const bad: [Parameters<typeof checkEvents>[0], RegExp][] = [
      [{}, /nothing to record/],
      [{ cacheHit: 'snapshot' }, /--cache-hit needs --bytes/],
      [{ bytes: 3, warning: 'w' }, /--bytes goes with/],
      [{ fileRead: ['a', 'b'], bytes: 3 }, /one --file-read/],
      [{ fileRead: ['a'], cacheHit: 's', bytes: 3 }, /ambiguous/],
      [{ command: 'pnpm test', exitCode: 0 }, /--exit-code and --duration-ms/],
      [{ exitCode: 0, warning: 'w' }, /go with --command/],
      [{ warning: 'w', level: 'info', baselineBytes: 3 }, /--baseline-bytes goes with --prompt-bytes/],
      [{ fileRead: ['a'], level: 'info' }, /--level goes with --warning/],
      [{ fileRead: ['a'], source: 'x' }, /--source goes with --json-parse/],
    ];
    for (const [events, message] of bad)
      expect(() => checkEvents(events), JSON.stringify(events)).toThrow(
        expect.objectContaining({ code: 'E_USAGE', message: expect.stringMatching(message) }),
      );
    expect(() => checkEvents({ fileRead: ['a'], warning: 'w', promptBytes: 5, jsonParse: 'ok' })).not.toThrow();
  });

  it("adds an agent's events to its telemetry file, measuring files it is not told the size of", async () => {
    const root = await mkdtemp(join(tmpdir(), 'st3-record-'));
    try {
      await mkdir(join(root, '.st3/tasks/TASK-0001'), { recursive: true });
      await writeFile(join(root, '.st3/tasks/TASK-0001/context.json'), '{}');
      await writeFile(join(root, 'a.ts'), '12345');
      const paths = await metricsPaths(root);
      await recordEvents(paths, 'task-0001', 'coder', { fileRead: ['a.ts', 'gone.ts'] });
      const { file, recorded } = await recordEvents(paths, 'TASK-0001', 'coder', {
        cacheHit: 'task_snapshot',
        bytes: 400,
        command: 'pnpm test --run',
        exitCode: 1,
        durationMs: 9,
        promptBytes: 80,
        baselineBytes: 100,
        jsonParse: 'failed',
      });
      expect(recorded).toHaveLength(4);
      const saved = JSON.parse(await readFile(file, 'utf8'));
      expect(saved.file_reads).toEqual([
        { path: 'a.ts', bytes: 5, count: 1 },
        { path: 'gone.ts', bytes: 0, count: 1 },
      ]);
      expect(saved.cache).toMatchObject({
        hits: 1,
        bytes_saved: 400,
        by_type: { task_snapshot: { hits: 1, bytes_saved: 400 } },
      });
      expect(saved.commands).toEqual([{ argv: ['pnpm', 'test', '--run'], exit_code: 1, duration_ms: 9 }]);
      expect(saved.prompts).toEqual({ count: 1, bytes: 80, compared: { count: 1, bytes: 80, baseline_bytes: 100 } });
      expect(saved.counters).toEqual([
        { name: 'json_parses', labels: { source: 'coder' }, value: 1 },
        { name: 'json_parse_failures', labels: { source: 'coder' }, value: 1 },
      ]);
      await expect(recordEvents(paths, 'TASK-0002', 'coder', { warning: 'w' })).rejects.toMatchObject({
        code: 'E_CONTEXT_NOT_FOUND',
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
