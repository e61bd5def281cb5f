import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadFile, loadKind, loadText, QualityConfigSchema } from '../src/index.js';
import { fixture, finding } from './helpers.js';

const QUALITY = `version: "1.1"
active_gates: [ruff]
gatess:
  other: {}
gates:
  ruff:
    name: ruff
    execution:
      comand: [ruff, check, --fix]
      command: [ruff, check]
      timeout_secs: 5
      env: { RUFF_CACHE_DIR: /tmp/x }
    capabilities:
      file_types: [.py]
      parsing_strategy: json_violations
      json_violations:
        field_map: { file: filename, line: location/row }
        fixable_when: { path: fix, equals: true }
`;

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-unknown-keys-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('unknown keys', () => {
  it('each mistyped key of quality.yaml is a located W_UNKNOWN_KEY warning naming the closest key', async () => {
    const path = await tempFile('quality.yaml', QUALITY);
    const r = await loadKind(path);
    expect(r.errors).toEqual([]);
    const unknown = r.warnings.filter((w) => w.code === 'W_UNKNOWN_KEY');
    expect(unknown.map(finding)).toEqual([
      '3:1 gatess: unknown key "gatess" is ignored',
      '9:7 gates.ruff.execution.comand: unknown key "comand" is ignored',
      '11:7 gates.ruff.execution.timeout_secs: unknown key "timeout_secs" is ignored',
    ]);
    expect(unknown.map((w) => w.hint)).toEqual([
      'did you mean "gates"?',
      'did you mean "command"?',
      'did you mean "timeout_seconds"?',
    ]);
    expect(unknown.every((w) => w.file === path && w.severity === 'warning')).toBe(true);
  });

  it('also warns when the file is invalid: the typo behind a missing required key is named', () => {
    const text =
      'version: "1.1"\ngates:\n  lint:\n    name: lint\n    execution: { comand: [eslint] }\n' +
      '    capabilities: { file_types: [.ts], parsing_strategy: exit_code }\n';
    const r = loadText(text, { file: 'quality.yaml', schema: QualityConfigSchema, unknownKeys: 'warn' });
    expect(r.errors.map(finding)).toEqual([
      '5:16 gates.lint.execution.command: Invalid input: expected array, received undefined',
    ]);
    expect(r.warnings.map(finding)).toEqual(['5:18 gates.lint.execution.comand: unknown key "comand" is ignored']);
  });

  it('no false warnings: the real quality.yaml, user-named gates/env/field_map, x- anchors, and off by default', async () => {
    const real = await loadKind(fixture('st3-config', 'quality.yaml'));
    expect(real.errors).toEqual([]);
    expect(real.warnings.filter((w) => w.code === 'W_UNKNOWN_KEY')).toEqual([]);
    const anchored = 'version: "1.1"\nx-common: &t { timeout_seconds: 5 }\ngates: {}\n';
    expect(loadText(anchored, { schema: QualityConfigSchema, unknownKeys: 'warn' }).warnings).toEqual([]);
    const path = await tempFile('q.yaml', QUALITY);
    expect((await loadFile(path, { schema: QualityConfigSchema })).warnings).toEqual([]);
  });

  it('a YAML merge key, which YAML 1.2 does not apply, is named as such', () => {
    const text =
      'version: "1.1"\ngates:\n  a:\n    name: a\n    execution:\n      <<: { timeout_seconds: 5 }\n' +
      '      command: [x]\n    capabilities: { file_types: [.py], parsing_strategy: exit_code }\n';
    const r = loadText(text, { schema: QualityConfigSchema, unknownKeys: 'warn' });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ code: 'W_UNKNOWN_KEY', line: 6, column: 7 });
    expect(r.warnings[0]!.hint).toMatch(/merge keys/);
  });

  it('follows unions, records, intersections and typed catchalls; stops at preprocess, strict and unknown', () => {
    const Schema = z.object({
      union: z.union([z.object({ a: z.number() }), z.object({ b: z.string() }).loose()]),
      record: z.record(z.string(), z.object({ n: z.number() })),
      both: z.intersection(z.object({ l: z.number() }), z.object({ r: z.number() })),
      typed: z.object({}).catchall(z.object({ v: z.number() })),
      migrated: z.preprocess((v) => v, z.object({ kept: z.number() })),
      strict: z.object({}).strict().optional(),
      free: z.unknown(),
    });
    const value = {
      union: { b: 'x', bb: 1 },
      record: { anyName: { n: 1, nn: 2 } },
      both: { l: 1, r: 2, lr: 3 },
      typed: { mine: { v: 1, vv: 2 } },
      migrated: { legacy: 1 },
      free: { whatever: 1 },
    };
    const r = loadText(JSON.stringify(value), { format: 'json', schema: Schema, unknownKeys: 'warn' });
    expect(r.warnings.map((w) => w.path!.join('.'))).toEqual([
      'union.bb',
      'record.anyName.nn',
      'both.lr',
      'typed.mine.vv',
    ]);
  });
});
