import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, failure, ok, texts, TRANSPORTS, workspaceSession } from './harness.js';

describe.each(TRANSPORTS)('core and gate tools over %s', (transport) => {
  const c = workspaceSession(transport);
  const ws = c;

  it('validate_files: valid config, located error in a broken file (isError, full document)', async () => {
    const good = await ok(c.client, 'validate_files', { paths: ['.st3/config'] });
    expect(good.files.map((f: { file: string }) => f.file)).toContain('.st3/config/quality.yaml');
    await writeFile(join(ws.dir, 'broken.task.yaml'), 'schema_version: "1.1"\nid: [unclosed\n');
    const bad = await call(c.client, 'validate_files', { paths: ['broken.task.yaml'] });
    expect(bad.isError).toBe(true);
    const doc = bad.structuredContent as { ok: boolean; files: { errors: { line: number }[] }[] };
    expect(doc.ok).toBe(false);
    expect(texts(bad)[0]).toContain(
      `0 valid, 1 invalid; first error: broken.task.yaml:${doc.files[0]!.errors[0]!.line}:`,
    );
    expect(await failure(c.client, 'validate_files', { paths: ['x.yaml'], kind: 'no-such-kind' })).toBe(
      'E_KIND_UNKNOWN',
    );
  });

  it('export_schemas: writes the JSON Schemas inside the workspace', async () => {
    const r = await ok(c.client, 'export_schemas', { out: 'schemas' });
    expect(r.files.length).toBeGreaterThan(10);
    expect(existsSync(join(ws.dir, r.files[0]))).toBe(true);
    expect(await failure(c.client, 'export_schemas', { out: '../outside' })).toBe('E_PATH_ESCAPE');
  });

  it('list_gates: the configured gates', async () => {
    const r = await ok(c.client, 'list_gates');
    expect(r.gates.map((g: { id: string; active: boolean }) => [g.id, g.active])).toEqual([
      ['todo', true],
      ['slow', false],
    ]);
  });

  it('run_quality_gates: the gate-run contract, isError on a failed gate, the baseline kept as the CLI keeps it', async () => {
    await writeFile(join(ws.dir, 'src/util.ts'), 'export const x = 1; // TODO remove\n');
    const r = await call(c.client, 'run_quality_gates', { files: ['src/util.ts'] });
    const run = r.structuredContent as {
      overall_pass: boolean;
      summary: string;
      gates: { id: string; violations: object[] }[];
    };
    expect(texts(r)[0]).toBe(run.summary);
    expect(run.overall_pass).toBe(false);
    expect(r.isError).toBe(true);
    expect(run.gates[0]!.violations).toContainEqual(
      expect.objectContaining({ file: 'src/util.ts', line: 1, rule: 'todo-left' }),
    );
    // the baseline state machine runs for agents too: the failing file is remembered in .st3/state.json
    const state = JSON.parse(await readFile(join(ws.dir, '.st3/state.json'), 'utf8'));
    expect(JSON.stringify(state.quality_gates)).toContain('src/util.ts');
    await writeFile(join(ws.dir, 'src/util.ts'), 'export const x = 1;\n');
    const green = await ok(c.client, 'run_quality_gates', { scope: 'project' });
    expect(green.overall_pass).toBe(true);
    expect(await failure(c.client, 'run_quality_gates', { scope: 'files' })).toBe('E_USAGE');
    expect(await failure(c.client, 'run_quality_gates', { files: ['../x.py'] })).toBe('E_PATH_ESCAPE');
  });

  it('run_tests: the test command of quality.yaml, parsed', async () => {
    const r = await ok(c.client, 'run_tests');
    expect(r).toMatchObject({ ok: true, total: 2, passed: 2, failed: 0 });
  });

  it('init_gates: refuses to overwrite, writes with force', async () => {
    expect(await failure(c.client, 'init_gates', { presets: ['ruff'] })).toBe('E_CONFIG_EXISTS');
    const before = await readFile(join(ws.dir, '.st3/config/quality.yaml'), 'utf8');
    try {
      const r = await ok(c.client, 'init_gates', { presets: ['ruff'], force: true });
      expect(r.presets).toEqual(['ruff']);
      expect(await readFile(join(ws.dir, '.st3/config/quality.yaml'), 'utf8')).toContain('ruff');
      expect(await failure(c.client, 'init_gates', { presets: ['nope'], force: true })).toBe('E_USAGE');
    } finally {
      await writeFile(join(ws.dir, '.st3/config/quality.yaml'), before);
    }
  });

  it('bad arguments are an E_USAGE tool error with both items, not a protocol error', async () => {
    expect(await failure(c.client, 'atomize', { paths: [] })).toBe('E_USAGE');
    expect(await failure(c.client, 'validate_files', { paths: 'not-an-array' })).toBe('E_USAGE');
  });

  it('resources: task files, standards sections, the review queue', async () => {
    const { resources } = await c.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain('st3://tasks/TASK-0001');
    expect(uris).toContain('st3://standards/engineering.md#evidence');
    expect(uris).toContain('st3://review/queue');
    const task = await c.client.readResource({ uri: 'st3://tasks/TASK-0001' });
    expect(task.contents[0]).toMatchObject({ mimeType: 'application/yaml' });
    expect((task.contents[0] as { text: string }).text).toContain('id: TASK-0001');
    const section = await c.client.readResource({ uri: 'st3://standards/engineering.md#validation' });
    expect((section.contents[0] as { text: string }).text).toMatch(/^## Validation\n\nEach task lists the commands/);
    const byHeading = await c.client.readResource({ uri: 'st3://standards/standards/engineering.md#Evidence' });
    expect((byHeading.contents[0] as { text: string }).text).toContain('hashed when attached');
    const queue = await c.client.readResource({ uri: 'st3://review/queue' });
    expect(JSON.parse((queue.contents[0] as { text: string }).text)).toEqual({ items: [] });
    await expect(c.client.readResource({ uri: 'st3://standards/engineering.md#no-such-section' })).rejects.toThrow(
      /not found/,
    );
    await expect(c.client.readResource({ uri: 'st3://standards/../../etc/passwd' })).rejects.toThrow(/E_PATH_ESCAPE/);
    const { resourceTemplates } = await c.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('st3://tasks/{id}');
  });

  it('prompt regenerate_atom: the atom with its context, by id or by FILE:LINE', async () => {
    const { prompts } = await c.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['regenerate_atom']);
    const byLine = await c.client.getPrompt({
      name: 'regenerate_atom',
      arguments: { atom: 'src/pricing.ts:10', instruction: 'reject NaN' },
    });
    const text = (byLine.messages[0]!.content as { text: string }).text;
    expect(text).toContain('lineTotal');
    expect(text).toContain('## Instruction\n\nreject NaN');
    expect(text).toMatch(/^You are a careful software engineer/);
    expect(text).toContain('export interface LineItem');
    expect(text).toMatch(/```\w*\n[\s\S]*lineTotal[\s\S]*```/);
    const id = /src\/pricing\.ts#L\d+-L\d+/.exec(byLine.description ?? '')![0];
    const byId = await c.client.getPrompt({ name: 'regenerate_atom', arguments: { atom: id } });
    expect(byId.description).toBe(byLine.description);
    await expect(c.client.getPrompt({ name: 'regenerate_atom', arguments: { atom: '../x.ts:1' } })).rejects.toThrow(
      /E_PATH_ESCAPE/,
    );
  });

  it('prompt regenerate_atom: declares every argument it reads, refuses others, and honours the budget', async () => {
    const { prompts } = await c.client.listPrompts();
    expect(prompts[0]!.arguments!.map((a) => a.name)).toEqual(['atom', 'instruction', 'paths', 'budget']);
    const full = await c.client.getPrompt({ name: 'regenerate_atom', arguments: { atom: 'src/pricing.ts:10' } });
    const small = await c.client.getPrompt({
      name: 'regenerate_atom',
      arguments: { atom: 'src/pricing.ts:10', budget: '40' },
    });
    const textOf = (r: typeof full) => (r.messages[0]!.content as { text: string }).text;
    expect(textOf(small).length).toBeLessThan(textOf(full).length);
    await expect(
      c.client.getPrompt({ name: 'regenerate_atom', arguments: { atom: 'src/pricing.ts:10', budjet: '40' } }),
    ).rejects.toThrow(/no argument budjet/);
    await expect(
      c.client.getPrompt({ name: 'regenerate_atom', arguments: { atom: 'src/pricing.ts:10', budget: 'ten' } }),
    ).rejects.toThrow(/budget must be a positive integer/);
  });
});
