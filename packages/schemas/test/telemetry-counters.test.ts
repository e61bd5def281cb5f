// A telemetry counter only counts up: a negative one would cancel real counts when series are summed
// (a `json_parse_failures` of -1 hid a failed parse from the pilot's json_parse_failures criterion).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFile, TelemetryRecordSchema, validateFiles } from '../src/index.js';

const record = (value: number) =>
  [
    '{',
    '  "schema_version": "1.0",',
    '  "agent": "reviewer",',
    '  "task_id": "TASK-0001",',
    '  "started_at": "2026-01-01T00:00:00.000Z",',
    '  "ended_at": "2026-01-01T00:00:01.000Z",',
    '  "file_reads": [],',
    '  "cache": { "hits": 0, "misses": 0, "bytes_saved": 0, "tokens_saved": 0 },',
    '  "commands": [],',
    '  "warnings": [],',
    '  "counters": [',
    '    { "name": "json_parse_failures", "labels": { "source": "executor:agent" }, "value": 1 },',
    `    { "name": "json_parse_failures", "labels": { "source": "other" }, "value": ${value} }`,
    '  ],',
    '  "histograms": []',
    '}',
    '',
  ].join('\n');

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'st3-telemetry-counters-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('telemetry-<agent>.json counters', () => {
  it('a negative counter value is E_SCHEMA located at the value (file:line:col)', async () => {
    const file = join(root, 'telemetry-reviewer.json');
    const text = record(-1);
    await writeFile(file, text);
    // The value itself: line 13, the column of `-1`.
    const line13 = text.split('\n')[12]!;
    const r = await loadFile(file, { schema: TelemetryRecordSchema });
    expect(r.value).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      code: 'E_SCHEMA',
      file,
      line: 13,
      column: line13.indexOf('-1') + 1,
      path: ['counters', 1, 'value'],
    });
  });

  it('st3 validate calls the file invalid; zero and positive values stay valid', async () => {
    await writeFile(join(root, 'telemetry-reviewer.json'), record(-1));
    await writeFile(join(root, 'telemetry-coder.json'), record(0));
    const verdicts = await validateFiles(['telemetry-reviewer.json', 'telemetry-coder.json'], root);
    const byFile = Object.fromEntries(verdicts.map((v) => [v.file, v.errors.map((e) => e.code)]));
    expect(byFile).toEqual({ 'telemetry-reviewer.json': ['E_SCHEMA'], 'telemetry-coder.json': [] });
  });
});
