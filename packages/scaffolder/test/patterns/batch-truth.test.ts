import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithFixtures } from '@st3/tooling/fixtures';
import {
  checkPatterns,
  createAjv,
  parseHeader,
  readDocLink,
  runPatternBatch,
  validateInstance,
  type PatternFinding,
} from '../../src/index.js';
import { copyFixture } from './helpers.js';

const NOW = new Date('2026-01-02T03:04:05Z');

async function repo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'st3-batch-truth-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

const entry = (id: string, name: string, extra = '') =>
  `- pattern_id: ${id}\n  name: ${name}\n  version: 1.0.0\n  status: draft\n  category: demo\n  spec_path: patterns/specs/${name}.pattern.yaml\n${extra}`;
const registry = (...entries: string[]) =>
  `version: 1.0.0\nmetadata: { created: '2025-01-01', last_updated: '2025-01-01', total_patterns: ${entries.length}, total_categories: 1 }\npatterns:\n${entries.join('')}`;
const spec = (id: string, name: string, extra = '') =>
  `pattern_id: ${id}\nname: ${name}\n${extra}inputs:\n  target:\n    type: string\n    required: true\nexecution_steps:\n  - step_id: S1\n`;

let root: string;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('pattern batches never lie', () => {
  it('generated examples validate against a hand-written schema beside them, or the batch fails naming the file', async () => {
    root = await repo({
      'patterns/PATTERN_INDEX.yaml': registry(
        entry('PAT-KEPT-SCHEMA-001', 'kept'),
        entry('PAT-HARD-SCHEMA-002', 'hard'),
      ),
      'patterns/specs/kept.pattern.yaml': spec('PAT-KEPT-SCHEMA-001', 'kept'),
      'patterns/specs/hard.pattern.yaml': spec('PAT-HARD-SCHEMA-002', 'hard'),
      // hand-written: a doc_id const and an extra required field the spec does not have
      'patterns/schemas/kept.schema.json': JSON.stringify({
        type: 'object',
        required: ['pattern_id', 'doc_id', 'inputs'],
        properties: {
          pattern_id: { const: 'PAT-KEPT-SCHEMA-001' },
          doc_id: { type: 'string', const: 'DOC-KEPT-SCHEMA-HAND-1' },
          inputs: { type: 'object' },
        },
      }),
      // hand-written, and no example can be made from its constraints
      'patterns/schemas/hard.schema.json': JSON.stringify({
        type: 'object',
        required: ['code'],
        additionalProperties: false,
        properties: { code: { type: 'string', pattern: '^zz[0-9]{5}$' } },
      }),
    });
    const report = await runPatternBatch(join(root, 'patterns'), { now: NOW, batchSize: 1 });
    const ajv = createAjv();
    const kept = JSON.parse(await readFile(join(root, 'patterns/schemas/kept.schema.json'), 'utf8'));
    for (const kind of ['minimal', 'full', 'test']) {
      const instance = JSON.parse(await readFile(join(root, `patterns/examples/kept/instance_${kind}.json`), 'utf8'));
      expect(validateInstance(ajv, kept, instance), kind).toEqual({ valid: true, errors: [] });
    }
    const failed = report.batches.find((b) => b.phase === 2 && b.patterns.includes('PAT-HARD-SCHEMA-002'))!;
    expect(failed.ok).toBe(false);
    expect(failed.error!.message).toMatch(
      /patterns\/examples\/hard\/instance_minimal\.json \(generated minimal example\) does not validate against patterns\/schemas\/hard\.schema\.json: \/code must match pattern/,
    );
    await expect(readdir(join(root, 'patterns/examples/hard'))).rejects.toThrow();
    expect(report.ok).toBe(false);
    expect(report.counts.failed).toBeGreaterThan(0);
  });

  it('derives each doc id once, whatever the phase order: phase 2 first, then phase 1, agree everywhere', async () => {
    const files = {
      'patterns/PATTERN_INDEX.yaml': registry(
        entry('PAT-SPEC-OWNED-001', 'owned'),
        entry('PAT-DERIVED-ONE-002', 'derived', '  executor_path: patterns/executors/derived_executor.ps1\n'),
      ),
      // this spec already carries a doc id: both phases must take it
      'patterns/specs/owned.pattern.yaml': spec('PAT-SPEC-OWNED-001', 'owned', 'doc_id: DOC-OWNED-BY-SPEC-7\n'),
      'patterns/specs/derived.pattern.yaml': spec('PAT-DERIVED-ONE-002', 'derived'),
    };
    root = await repo(files);
    const p = join(root, 'patterns');
    expect((await runPatternBatch(p, { phases: [2], now: NOW })).batches.every((b) => b.ok)).toBe(true);
    expect((await runPatternBatch(p, { phases: [1], now: NOW })).batches.every((b) => b.ok)).toBe(true);
    const expected = { owned: 'DOC-OWNED-BY-SPEC-7', derived: 'DOC-DERIVED-ONE-002' };
    for (const [name, docId] of Object.entries(expected)) {
      const ext = name === 'derived' ? 'ps1' : 'py';
      const executor = await readFile(join(p, `executors/${name}_executor.${ext}`), 'utf8');
      expect(readDocLink(executor)?.value).toBe(docId);
      const example = JSON.parse(await readFile(join(p, `examples/${name}/instance_minimal.json`), 'utf8'));
      expect(example.doc_id).toBe(docId);
      expect(await readFile(join(p, `schemas/${name}.schema.id.yaml`), 'utf8')).toContain(`doc_id: ${docId}\n`);
    }
    expect(await readFile(join(p, 'PATTERN_INDEX.yaml'), 'utf8')).toContain(
      '- pattern_id: PAT-SPEC-OWNED-001\n  doc_id: DOC-OWNED-BY-SPEC-7\n',
    );
    const check = await checkPatterns(p);
    expect(check.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('gives PowerShell executors and tests the provenance header, and counts a missing spec once', async () => {
    root = await repo({
      'patterns/PATTERN_INDEX.yaml': registry(
        entry(
          'PAT-POWER-SHELL-001',
          'power',
          '  executor_path: patterns/executors/power_executor.ps1\n  test_path: patterns/tests/test_power_executor.ps1\n',
        ),
        entry('PAT-GONE-SPEC-002', 'gone'),
      ),
      'patterns/specs/power.pattern.yaml': spec('PAT-POWER-SHELL-001', 'power'),
    });
    const report = await runPatternBatch(join(root, 'patterns'), { now: NOW });
    for (const [file, template] of [
      ['executors/power_executor.ps1', 'pattern_executor'],
      ['tests/test_power_executor.ps1', 'pattern_test'],
    ] as const) {
      const text = await readFile(join(root, 'patterns', file), 'utf8');
      expect(parseHeader(text, file), file).toMatchObject({ status: 'ok', template, path: `patterns/${file}` });
      expect(text.split('\n')[2]).toBe('# DOC_LINK: DOC-POWER-SHELL-001');
    }
    expect(report.missingSpecs).toEqual(['PAT-GONE-SPEC-002']);
    expect(report.notes.filter((n) => n.kind === 'missing-spec')).toHaveLength(1);
  });
});

describeWithFixtures('a full batch over a copy of the real registry', () => {
  let fx: Awaited<ReturnType<typeof copyFixture>>;
  beforeEach(async () => {
    fx = await copyFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('introduces no error that patterns check reports: every error after it was there before', async () => {
    const key = (f: PatternFinding) => `${f.rule}|${f.file?.replace(fx.root, '')}|${f.message}`;
    const errors = async () => {
      const counts = new Map<string, number>();
      for (const f of (await checkPatterns(fx.patterns)).findings)
        if (f.severity === 'error') counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
      return counts;
    };
    const before = await errors();
    const report = await runPatternBatch(fx.registry, { now: NOW });
    expect(report.counts.created).toBeGreaterThan(5);
    // the registry's own malformed doc ids are its author's to fix: reported, never rewritten
    expect(report.batches.every((b) => b.ok)).toBe(true);
    const after = await errors();
    const introduced = [...after].filter(([k, n]) => n > (before.get(k) ?? 0)).map(([k]) => k);
    expect(introduced).toEqual([]);
    // and it fixed some: links to the executors and tests it generated now resolve
    expect([...after.values()].reduce((a, b) => a + b, 0)).toBeLessThan(
      [...before.values()].reduce((a, b) => a + b, 0),
    );
  });
});
