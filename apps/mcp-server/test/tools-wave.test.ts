import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failure, ok, TRANSPORTS, workspaceSession } from './harness.js';
import { git } from './workspace.js';

// The tools of the verbs this wave added to the CLI: st3 atomize --context, st3 scaffold update,
// st3 gates --new-only (telemetry_record, execute --agent and review regenerate --agent are in
// tools-execute-metrics.test.ts).
describe.each(TRANSPORTS)('atom_context, update_scaffolded, run_quality_gates new_only over %s', (transport) => {
  const c = workspaceSession(transport);

  it("atom_context: an atom's context by FILE:LINE, within a token budget (st3 atomize --context)", async () => {
    const r = await ok(c.client, 'atom_context', { atom: 'src/pricing.ts:10', paths: ['src'] });
    expect(r.atom.id).toMatch(/^src\/pricing\.ts#L\d+-L\d+/);
    expect(r.atom.startLine).toBeLessThanOrEqual(10);
    expect(r.atom.endLine).toBeGreaterThanOrEqual(10);
    expect(r.tokens).toBeGreaterThan(0);
    const small = await ok(c.client, 'atom_context', { atom: r.atom.id, paths: ['src'], budget: 20 });
    expect(small.atom.id).toBe(r.atom.id);
    expect(small.budget).toBe(20);
    expect(small.tokens).toBeLessThanOrEqual(r.tokens);
    expect(small.trimmed.length > 0 || small.tokens <= 20, JSON.stringify(small.trimmed)).toBe(true);
    expect(await failure(c.client, 'atom_context', { atom: 'src/pricing.ts:9999' })).toMatch(/^E_/);
    expect(await failure(c.client, 'atom_context', { atom: '../outside.ts:1' })).toBe('E_PATH_ESCAPE');
  });

  it('atom_context finds an id the atomize tool made with other sizes when given the same sizes', async () => {
    const sizes = { targetLoc: 2, maxLoc: 3 };
    const atomized = await ok(c.client, 'atomize', { paths: ['src/pricing.ts'], ...sizes });
    const ids = (atomized.files[0].atoms as { id: string }[]).map((a) => a.id);
    const defaults = await ok(c.client, 'atomize', { paths: ['src/pricing.ts'] });
    const id = ids.find((x) => !(defaults.files[0].atoms as { id: string }[]).some((a) => a.id === x))!;
    expect(id, 'an atom that only the smaller sizes make').toBeDefined();
    expect(await failure(c.client, 'atom_context', { atom: id })).toBe('E_ATOMIZE_ATOM_NOT_FOUND');
    const r = await ok(c.client, 'atom_context', { atom: id, ...sizes });
    expect(r.atom.id).toBe(id);
    expect(await failure(c.client, 'atom_context', { atom: id, targetLoc: 5, maxLoc: 3 })).toBe('E_ATOMIZE_OPTIONS');
  });

  it('update_scaffolded: a scaffolded file is current, an edited one keeps its edit (st3 scaffold update)', async () => {
    const made = await ok(c.client, 'scaffold_artifact', {
      type: 'dto',
      name: 'WaveOrder',
      context: { fields: [{ name: 'id', type: 'string' }] },
      dryRun: false,
    });
    const path = made.written[0] as string;
    const dry = await ok(c.client, 'update_scaffolded', { paths: [path] });
    expect(dry).toMatchObject({ dryRun: true, failed: false, written: [] });
    expect(dry.files).toEqual([expect.objectContaining({ path, status: 'current' })]);
    const edited = `${await readFile(join(c.dir, path), 'utf8')}// kept by the user\n`;
    await writeFile(join(c.dir, path), edited);
    const again = await ok(c.client, 'update_scaffolded', { paths: [path], dryRun: false });
    expect(again.failed).toBe(false);
    expect(await readFile(join(c.dir, path), 'utf8')).toBe(edited);
    expect(await failure(c.client, 'update_scaffolded', { paths: ['../elsewhere'] })).toBe('E_PATH_ESCAPE');
  });

  it('run_quality_gates new_only: violations already on the parent branch are counted, not failed (st3 gates --new-only)', async () => {
    const file = join(c.dir, 'src/util.ts');
    const before = await readFile(file, 'utf8');
    await writeFile(file, `${before}// TODO old\n`);
    git(c.dir, 'commit', '-q', '-am', 'an old TODO');
    // A feature branch measured from its merge base with main (with no baseline, HEAD is never the reference).
    git(c.dir, 'checkout', '-q', '-b', 'wave-feature');
    const branch = { scope: 'branch', parent: 'main', new_only: true };
    await writeFile(file, `// touched\n${before}// TODO old\n`);
    const old = await ok(c.client, 'run_quality_gates', branch);
    expect(old.overall_pass).toBe(true);
    expect(old.new_only.preexisting).toBeGreaterThanOrEqual(1);
    await writeFile(file, `// touched\n${before}// TODO old\n// TODO new\n`);
    const r = await c.client.callTool({ name: 'run_quality_gates', arguments: branch });
    const run = r.structuredContent as { overall_pass: boolean; gates: { violations: { message: string }[] }[] };
    expect(r.isError).toBe(true);
    expect(run.overall_pass).toBe(false);
    expect(run.gates[0]!.violations.map((v) => v.message).join('\n')).toContain('TODO new');
    expect(run.gates[0]!.violations.map((v) => v.message).join('\n')).not.toContain('TODO old');
    await writeFile(file, before);
    git(c.dir, 'checkout', '-q', '-B', 'main');
  });

  it('run_quality_gates parent: a branch that does not exist, or parent without scope branch, is E_USAGE (as st3 gates --parent)', async () => {
    expect(await failure(c.client, 'run_quality_gates', { scope: 'branch', parent: 'no-such-branch' })).toBe('E_USAGE');
    expect(await failure(c.client, 'run_quality_gates', { parent: 'main' })).toBe('E_USAGE');
    expect(await failure(c.client, 'run_quality_gates', { scope: 'project', parent: 'main' })).toBe('E_USAGE');
  });

  it('run_quality_gates fix: nothing is fixed without it; with it the fixer of the failing gate runs, then the gates again', async () => {
    const file = join(c.dir, 'src/util.ts');
    const before = await readFile(file, 'utf8');
    await writeFile(file, `${before}// TODO remove\n`);
    const plain = await c.client.callTool({ name: 'run_quality_gates', arguments: { files: ['src/util.ts'] } });
    expect(plain.isError).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(`${before}// TODO remove\n`);
    const fixed = await ok(c.client, 'run_quality_gates', { files: ['src/util.ts'], fix: true });
    expect(fixed.overall_pass).toBe(true);
    expect(fixed.fix).toMatchObject({
      fixers: [{ gate: 'todo', command: ['node', 'tools/todo-fix.mjs'], files: 1, exit_code: 0 }],
      files_changed: ['src/util.ts'],
      violations_before: 1,
      violations_after: 0,
      fixed: 1,
    });
    expect(await readFile(file, 'utf8')).toBe(`${before}// remove\n`);
    await writeFile(file, before);
  });
});
