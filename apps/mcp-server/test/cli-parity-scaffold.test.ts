import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { realWorld } from '@st3/tooling/fixtures';
import { afterEach, describe, expect, it } from 'vitest';
import { call, connect, texts } from './harness.js';
import { repoRoot } from './workspace.js';

// The scaffold tools give what `st3 scaffold` and `st3 patterns check` give on the same workspace (they call
// the same library functions, with the same defaults: ST3_SCHEMA_FIRST, .st3/config/patterns.yaml, paths).

const CLI = join(repoRoot, 'apps/scaffold-cli/dist/bin.js');
const run = promisify(execFile);

let dirs: string[] = [];
const savedEnv = process.env.ST3_SCHEMA_FIRST;
afterEach(async () => {
  if (savedEnv === undefined) delete process.env.ST3_SCHEMA_FIRST;
  else process.env.ST3_SCHEMA_FIRST = savedEnv;
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

/** A workspace with `.st3/config/` and whatever `files` add. */
async function workspace(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-mcp-scaffold-parity-'));
  dirs.push(dir);
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** `st3-scaffold <argv> --json` in `dir` with ST3_SCHEMA_FIRST as given: the exit code and the JSON document. */
async function cli(dir: string, argv: string[], schemaFirst?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.ST3_SCHEMA_FIRST;
  if (schemaFirst !== undefined) env.ST3_SCHEMA_FIRST = schemaFirst;
  const r = await run(process.execPath, [CLI, ...argv, '--json'], { cwd: dir, env }).then(
    (ok) => ({ code: 0, stdout: ok.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  return { code: r.code, doc: JSON.parse(r.stdout) as Record<string, unknown> };
}

/** One MCP tool call on `dir` over stdio (in this process, so with its ST3_SCHEMA_FIRST): isError and the document. */
async function mcp(dir: string, tool: string, args: Record<string, unknown>, schemaFirst?: string) {
  if (schemaFirst === undefined) delete process.env.ST3_SCHEMA_FIRST;
  else process.env.ST3_SCHEMA_FIRST = schemaFirst;
  const c = await connect('stdio', dir);
  try {
    const r: CallToolResult = await call(c.client, tool, args);
    return { isError: r.isError ?? false, doc: JSON.parse(texts(r)[1]!) as Record<string, unknown> };
  } finally {
    await c.close();
  }
}

/** A document with the workspace folder written as `<ws>`, for comparing twin workspaces. */
/** A document with the paths under `dir` as tools give them: workspace-relative (the CLI prints them absolute). */
const portable = (doc: unknown, dir: string) =>
  JSON.parse(JSON.stringify(doc).split(`${dir}/`).join('').split(dir).join('.')) as unknown;
const errorCode = (doc: Record<string, unknown>) => (doc.error as { code?: string } | undefined)?.code;

describe('scaffold_artifact and update_scaffolded read ST3_SCHEMA_FIRST as st3 scaffold does', () => {
  const commit = { type: 'commit', name: 'add x', context: { type: 'feat' } };

  it.each([
    ['false', 'v1'],
    ['true', 'v2'],
  ])('ST3_SCHEMA_FIRST=%s: both render with pipeline %s', async (value, pipeline) => {
    const [cliDir, mcpDir] = [await workspace(), await workspace()];
    const c = await cli(cliDir, ['scaffold', 'commit', 'add x', '--set', 'type=feat'], value);
    const m = await mcp(mcpDir, 'scaffold_artifact', commit, value);
    expect(c.code).toBe(0);
    expect(m.isError).toBe(false);
    expect(c.doc.pipeline).toBe(pipeline);
    expect(m.doc.pipeline).toBe(pipeline);
    expect(m.doc.ephemeral).toBe(c.doc.ephemeral);
  });

  it('ST3_SCHEMA_FIRST=bogus: E_USAGE from both, for scaffolding and for update', async () => {
    const [cliDir, mcpDir] = [await workspace(), await workspace()];
    const c = await cli(cliDir, ['scaffold', 'commit', 'add x', '--set', 'type=feat'], 'bogus');
    const m = await mcp(mcpDir, 'scaffold_artifact', commit, 'bogus');
    expect([c.code, errorCode(c.doc)]).toEqual([2, 'E_USAGE']);
    expect([m.isError, errorCode(m.doc)]).toEqual([true, 'E_USAGE']);
    const cu = await cli(cliDir, ['scaffold', 'update'], 'bogus');
    const mu = await mcp(mcpDir, 'update_scaffolded', {}, 'bogus');
    expect([cu.code, errorCode(cu.doc)]).toEqual([2, 'E_USAGE']);
    expect([mu.isError, errorCode(mu.doc)]).toEqual([true, 'E_USAGE']);
  });
});

describe('update_scaffolded selects files as st3 scaffold update does', () => {
  const dto = { type: 'dto', name: 'ParityOrder', context: { fields: [{ name: 'id', type: 'string' }] } };

  it.each(['./SRC', 'SRC/', 'SRC', '.', './SRC/FILE'])('paths %s', async (given) => {
    const [cliDir, mcpDir] = [await workspace(), await workspace()];
    const made = await Promise.all(
      [cliDir, mcpDir].map(async (d) => (await mcp(d, 'scaffold_artifact', { ...dto, dryRun: false })).doc),
    );
    const file = (made[0]!.written as string[])[0]!;
    expect((made[1]!.written as string[])[0]).toBe(file);
    const path = given.replace('SRC/FILE', file).replace('SRC', file.split('/')[0]!);
    const c = await cli(cliDir, ['scaffold', 'update', path, '--dry-run']);
    const m = await mcp(mcpDir, 'update_scaffolded', { paths: [path] });
    expect(c.code).toBe(0);
    expect(m.isError).toBe(false);
    const files = (doc: Record<string, unknown>) =>
      (doc.files as { path: string; status: string }[]).map((f) => f.path);
    expect(files(c.doc)).toContain(file);
    expect(files(m.doc)).toEqual(files(c.doc));
  });
});

describe('check_patterns reads .st3/config/patterns.yaml as st3 patterns check does', () => {
  /** One pattern without a doc_id, linking a spec and a schema that do not exist. */
  const REGISTRY = {
    'patterns/specs/.keep': '',
    'patterns/PATTERN_INDEX.yaml': [
      'version: 1.0.0',
      'metadata: {created: 2026-01-01, last_updated: 2026-01-01, total_patterns: 1, total_categories: 1}',
      'patterns:',
      '  - pattern_id: PAT-ONE-FIRST-001',
      '    name: one',
      '    version: 1.0.0',
      '    status: active',
      '    category: one',
      '    spec_path: patterns/specs/one.pattern.yaml',
      '    schema_path: patterns/schemas/one.schema.json',
      '',
    ].join('\n'),
  };

  async function both(files: Record<string, string>, cliArgs: string[], mcpArgs: Record<string, unknown>) {
    const [cliDir, mcpDir] = [await workspace(files), await workspace(files)];
    const c = await cli(cliDir, ['patterns', 'check', ...cliArgs]);
    const m = await mcp(mcpDir, 'check_patterns', mcpArgs);
    return { c, m, cliDir, mcpDir };
  }

  it('rules: link-missing and doc-id-missing off: ok from both', async () => {
    const config = 'rules:\n  link-missing: "off"\n  doc-id-missing: "off"\n';
    const base = await both(REGISTRY, [], {});
    expect(base.c.code).toBe(1);
    expect(base.m.isError).toBe(true);
    expect(base.m.doc.byRule).toEqual({ 'link-missing': 2, 'doc-id-missing': 1 });
    const r = await both({ ...REGISTRY, '.st3/config/patterns.yaml': config }, [], {});
    expect(r.c.code).toBe(0);
    expect(r.m.isError).toBe(false);
    expect(r.m.doc).toMatchObject({ ok: true, errors: 0, warnings: 0 });
    expect(portable(r.m.doc, r.mcpDir)).toEqual(portable(r.c.doc, r.cliDir));
    // A rule given by the caller wins over the file's level of that rule.
    const over = await both({ ...REGISTRY, '.st3/config/patterns.yaml': config }, ['--rule', 'link-missing=error'], {
      rules: { 'link-missing': 'error' },
    });
    expect([over.c.code, over.m.isError]).toEqual([1, true]);
    expect(portable(over.m.doc, over.mcpDir)).toEqual(portable(over.c.doc, over.cliDir));
  });

  it('registry, required_folders, link_fields and link_base of the file', async () => {
    const moved = Object.fromEntries(Object.entries(REGISTRY).map(([k, v]) => [k.replace('patterns/', 'reg/'), v]));
    const config = [
      'registry: reg',
      'link_base: .',
      'required_folders: [specs, docs]',
      'link_fields: [schema_path]',
      '',
    ].join('\n');
    const r = await both({ ...moved, '.st3/config/patterns.yaml': config }, [], {});
    expect(r.c.code).toBe(1);
    expect(r.m.isError).toBe(true);
    const doc = r.m.doc as { registry: string; linkBase: string; findings: { rule: string; message: string }[] };
    // Named from the workspace root, as tools name files.
    expect(doc.registry).toBe('reg/PATTERN_INDEX.yaml');
    expect(doc.linkBase).toBe('.');
    expect(JSON.stringify(doc)).not.toContain(r.mcpDir);
    expect(doc.findings.some((f) => f.rule === 'required-folder' && f.message.includes('"docs"'))).toBe(true);
    expect(portable(r.m.doc, r.mcpDir)).toEqual(portable(r.c.doc, r.cliDir));
  });

  it('an invalid patterns.yaml: E_CONFIG_INVALID from both', async () => {
    const r = await both({ ...REGISTRY, '.st3/config/patterns.yaml': 'rules:\n  link-missing: loud\n' }, [], {});
    expect([r.c.code, errorCode(r.c.doc)]).toEqual([2, 'E_CONFIG_INVALID']);
    expect([r.m.isError, errorCode(r.m.doc)]).toEqual([true, 'E_CONFIG_INVALID']);
  });

  it('the real-world registry with its rules file: the same report', async () => {
    const [cliDir, mcpDir] = [await workspace(), await workspace()];
    const config = 'rules:\n  registry-schema: warning\n  link-missing: "off"\n';
    for (const d of [cliDir, mcpDir]) {
      await cp(join(realWorld, 'patterns'), join(d, 'patterns'), { recursive: true });
      await writeFile(join(d, '.st3/config/patterns.yaml'), config);
    }
    const c = await cli(cliDir, ['patterns', 'check']);
    const m = await mcp(mcpDir, 'check_patterns', {});
    expect((c.doc.byRule as Record<string, number>)['link-missing']).toBeUndefined();
    expect([c.code === 0, m.isError]).toEqual([c.doc.ok, !c.doc.ok]);
    expect(portable(m.doc, mcpDir)).toEqual(portable(c.doc, cliDir));
  });
});

describe('scaffold_artifact takes what st3 scaffold takes: out, pipeline, withTest, skipExisting', () => {
  const fields = JSON.stringify([{ name: 'id', type: 'string' }]);
  const dto = { type: 'dto', name: 'OutOrder', context: { fields: [{ name: 'id', type: 'string' }] } };
  const written = (doc: Record<string, unknown>) => (doc.written as string[]).slice().sort();

  it('out (a folder), pipeline v1 and withTest false write the files `--out --pipeline v1 --no-test` writes', async () => {
    const [cliDir, mcpDir] = [await workspace(), await workspace()];
    const flags = ['--out', 'lib/dto/', '--pipeline', 'v1', '--no-test'];
    const c = await cli(cliDir, ['scaffold', 'dto', 'OutOrder', '--set', `fields=${fields}`, ...flags]);
    const m = await mcp(mcpDir, 'scaffold_artifact', {
      ...dto,
      dryRun: false,
      out: 'lib/dto/',
      pipeline: 'v1',
      withTest: false,
    });
    expect(c.code).toBe(0);
    expect(m.isError).toBe(false);
    expect(written(m.doc)).toEqual(written(c.doc));
    expect(written(m.doc).every((f) => f.startsWith('lib/dto/'))).toBe(true);
    expect(m.doc.pipeline).toBe('v1');
    const escape = await mcp(mcpDir, 'scaffold_artifact', { ...dto, out: '../elsewhere/' });
    expect(errorCode(escape.doc)).toBe('E_PATH_ESCAPE');
  });

  it('skipExisting keeps a file with other content and writes the rest, as --skip-existing', async () => {
    const [cliDir, mcpDir] = [await workspace(), await workspace()];
    for (const d of [cliDir, mcpDir]) await mcp(d, 'scaffold_artifact', { ...dto, dryRun: false });
    const first = (await mcp(mcpDir, 'scaffold_artifact', dto)).doc.changes as { path: string }[];
    const mine = '// mine\n';
    for (const d of [cliDir, mcpDir]) await writeFile(join(d, first[0]!.path), mine);
    const c = await cli(cliDir, ['scaffold', 'dto', 'OutOrder', '--set', `fields=${fields}`, '--skip-existing']);
    const m = await mcp(mcpDir, 'scaffold_artifact', { ...dto, dryRun: false, skipExisting: true });
    expect(c.code).toBe(0);
    expect(m.isError).toBe(false);
    expect(m.doc.changes).toEqual(c.doc.changes);
    expect(m.doc.changes).toContainEqual({ path: first[0]!.path, action: 'skip' });
    expect(await readFile(join(mcpDir, first[0]!.path), 'utf8')).toBe(mine);
  });
});
