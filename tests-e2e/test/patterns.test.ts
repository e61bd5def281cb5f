import { createHash } from 'node:crypto';
import { cp, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { fixtures, json, runSt3, withTempDir } from '../src/run-cli.js';
import { describeWithFixtures } from '@st3/tooling/fixtures';

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else
        out[relative(dir, p)] = createHash('sha256')
          .update(await readFile(p))
          .digest('hex');
    }
  };
  await walk(dir);
  return out;
}

/** A temp repo holding a copy of the real pattern registry as `patterns/`. */
function withPatterns<T>(fn: (root: string) => Promise<T>): Promise<T> {
  return withTempDir(async (root) => {
    await cp(join(fixtures, 'patterns'), join(root, 'patterns'), { recursive: true });
    return fn(root);
  });
}

describeWithFixtures('st3 patterns check on the real registry', () => {
  it('reports the broken spec_path links and schema breaks with line numbers, exit 1', async () => {
    await withPatterns(async (root) => {
      const r = await runSt3(['patterns', 'check', 'patterns', '--json'], { cwd: root });
      expect(r.code).toBe(1);
      const doc = json(r);
      expect(doc.ok).toBe(false);
      expect(doc.patterns).toBe(190);
      const spec = doc.findings.find((f: { rule: string; line: number }) => f.rule === 'link-missing' && f.line === 16);
      expect(spec.message).toBe(
        'PAT-MODULE-REFACTOR-SCAN-001: spec_path patterns/specs/module_refactor_scan_docs.pattern.yaml does not exist',
      );
      expect(
        doc.findings.find(
          (f: { rule: string; path?: unknown[] }) =>
            f.rule === 'registry-schema' && f.path?.join('.') === 'patterns.5.status',
        ),
      ).toMatchObject({ line: 88, column: 11 });
      const text = await runSt3(['patterns', 'check'], { cwd: root });
      expect(text.code).toBe(1);
      expect(text.stdout).toContain(
        'patterns/PATTERN_INDEX.yaml:16:14: [link-missing] PAT-MODULE-REFACTOR-SCAN-001: spec_path',
      );
      // The text names the field, as `st3 validate` does (a required field left out is located at its parent).
      expect(text.stdout).toContain('patterns/PATTERN_INDEX.yaml:88:11: [registry-schema] Invalid option');
      expect(text.stdout).toMatch(/PATTERN_INDEX\.yaml:88:11: \[registry-schema\] .* at patterns\[5\]\.status /);
      expect(text.stdout).toMatch(/190 patterns, \d+ error\(s\)/);
    });
  });

  it('reads rule levels from .st3/config/patterns.yaml', async () => {
    await withPatterns(async (root) => {
      const { mkdir, writeFile } = await import('node:fs/promises');
      await mkdir(join(root, '.st3', 'config'), { recursive: true });
      await writeFile(
        join(root, '.st3/config/patterns.yaml'),
        'registry: patterns\nrules:\n  link-missing: off\n  registry-schema: off\n  doc-id-format: off\n  path-shared: off\n',
      );
      const r = await runSt3(['patterns', 'check', '--json'], { cwd: root });
      expect(r.code).toBe(0);
      expect(json(r).errors).toBe(0);
    });
  });
});

describeWithFixtures('st3 scaffold batch on the real registry', () => {
  it('--dry-run lists every planned file and writes nothing', async () => {
    await withPatterns(async (root) => {
      const before = await snapshot(root);
      const r = await runSt3(['scaffold', 'batch', 'patterns/PATTERN_INDEX.yaml', '--dry-run'], { cwd: root });
      expect(await snapshot(root)).toEqual(before);
      expect(r.stdout).toContain('UPDATE    patterns/PATTERN_INDEX.yaml');
      expect(r.stdout).toContain('CREATE    patterns/schemas/atomic_create.schema.id.yaml');
      expect(r.stdout).toContain('KEPT      patterns/schemas/atomic_create.schema.json');
      expect(r.stdout).toMatch(/dry run, nothing written/);
      // the registry's own malformed doc ids are findings: exit 1
      expect(r.stdout).toContain('DOC-PAT-EVERY_REUSABLE_PATTERN-005');
      expect(r.code).toBe(1);
      const j = json(await runSt3(['scaffold', 'batch', 'patterns', '--dry-run', '--json'], { cwd: root }));
      expect(j.dryRun).toBe(true);
      expect(j.counts.planned).toBeGreaterThan(5);
      expect(j.counts.created).toBe(0);
    });
  });

  it('--phase 1 writes doc ids surgically and patterns check then finds the sidecars consistent', async () => {
    await withPatterns(async (root) => {
      const r = await runSt3(['scaffold', 'batch', 'patterns', '--phase', '1', '--json'], { cwd: root });
      const j = json(r);
      expect(j.batches.every((b: { ok: boolean }) => b.ok)).toBe(true);
      expect(j.counts.created).toBeGreaterThan(0);
      const registry = await readFile(join(root, 'patterns/PATTERN_INDEX.yaml'), 'utf8');
      expect(registry).toContain(
        '- pattern_id: PAT-MODULE-REFACTOR-SCAN-001\n  doc_id: DOC-MODULE-REFACTOR-SCAN-001\n',
      );
      const check = json(await runSt3(['patterns', 'check', 'patterns', '--json'], { cwd: root }));
      expect(check.byRule['sidecar-mismatch']).toBeUndefined();
      expect(check.byRule['doc-link-mismatch']).toBeUndefined();
      const again = json(await runSt3(['scaffold', 'batch', 'patterns', '--phase', '1', '--json'], { cwd: root }));
      expect(again.counts.created + again.counts.updated).toBe(0);
    });
  });

  it('rejects a bad --phase with exit 2', async () => {
    const r = await runSt3(['scaffold', 'batch', 'x', '--phase', '4', '--json']);
    expect(r.code).toBe(2);
    expect(json(r).error.code).toBe('E_USAGE');
  });
});

describeWithFixtures('a full st3 scaffold batch over a copy of the real registry', () => {
  it('introduces no error that st3 patterns check reports, and writes the seed layout', async () => {
    await withPatterns(async (root) => {
      const key = (f: { rule: string; file?: string; message: string }) =>
        `${f.rule}|${(f.file ?? '').replace(root, '')}|${f.message}`;
      const errors = async () => {
        const counts = new Map<string, number>();
        for (const f of json(await runSt3(['patterns', 'check', 'patterns', '--json'], { cwd: root })).findings)
          if (f.severity === 'error') counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
        return counts;
      };
      const before = await errors();
      const batch = await runSt3(['scaffold', 'batch', 'patterns', '--json'], { cwd: root });
      const report = json(batch);
      expect(report.batches.every((b: { ok: boolean }) => b.ok)).toBe(true);
      expect(report.missingSpecs.length).toBe(new Set(report.missingSpecs).size);
      const after = await errors();
      expect([...after].filter(([k, n]) => n > (before.get(k) ?? 0)).map(([k]) => k)).toEqual([]);
      const sidecar = await readFile(join(root, 'patterns/schemas/batch_create.schema.id.yaml'), 'utf8');
      expect(sidecar).toContain('pattern_id: PAT-BATCH-CREATE-001\nrole: schema\n');
      const example = JSON.parse(
        await readFile(join(root, 'patterns/examples/batch_create/instance_minimal.json'), 'utf8'),
      );
      expect(example.doc_id).toBe('DOC-PAT-BATCH-CREATE-SCHEMA-111');
      const executor = await readFile(join(root, 'patterns/executors/batch_create_executor.ps1'), 'utf8');
      expect(executor.split('\n')[1]).toMatch(/^# template=pattern_executor version=[0-9a-f]{8} created=/);
    });
  });
});
