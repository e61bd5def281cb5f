import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createOutput, defineCommand, dispatchSubcommand, EXIT, parseCommandArgs } from '@st3/cli-kit';
import { exportJsonSchemas, jsonSchemaText, KINDS, St3Error, writeFileAtomic } from '@st3/schemas';

const exportUsage = 'st3 schema export [--out DIR] [--json]';
const exportCommand = defineCommand({
  name: 'export',
  summary: 'write <kind>.schema.json for every ST3 format',
  usage: exportUsage,
  options: ['--out DIR   target folder (default: .st3/schemas); created if missing, existing schema files replaced'],
  examples: ['st3 schema export', 'st3 schema export --out schemas --json'],
  async run(argv, io) {
    const { values, common } = parseCommandArgs(argv, { out: { type: 'string' } }, exportUsage);
    const out = createOutput(io, common);
    const dir = resolve(io.cwd, common.cwd ?? '.', values.out ?? join('.st3', 'schemas'));
    const schemas = exportJsonSchemas();
    try {
      await mkdir(dir, { recursive: true });
      for (const { fileName, schema } of schemas) await writeFileAtomic(join(dir, fileName), jsonSchemaText(schema));
    } catch (error) {
      throw new St3Error('E_WRITE', `cannot write schemas to ${dir}: ${(error as Error).message}`, {
        hint: 'check the folder and its permissions',
      });
    }
    const files = schemas.map((s) => join(dir, s.fileName));
    if (out.json) out.document({ ok: true, out: dir, files });
    else {
      for (const f of files) out.info(f);
      out.line(`wrote ${files.length} JSON Schemas to ${dir}`);
    }
    return EXIT.ok;
  },
});

const listCommand = defineCommand({
  name: 'list',
  summary: 'list the kinds of ST3 files and the names they are recognised by',
  usage: 'st3 schema list [--json]',
  examples: ['st3 schema list'],
  async run(argv, io) {
    const { common } = parseCommandArgs(argv, {}, 'st3 schema list [--json]');
    const out = createOutput(io, common);
    const kinds = KINDS.map((k) => ({
      name: k.name,
      description: k.description,
      filename: k.filename?.source ?? null,
    }));
    if (out.json) out.document({ ok: true, kinds });
    else {
      const width = Math.max(...kinds.map((k) => k.name.length));
      for (const k of kinds) out.line(`${k.name.padEnd(width)}  ${k.description}`);
    }
    return EXIT.ok;
  },
});

const showCommand = defineCommand({
  name: 'show',
  summary: 'print the JSON Schema of one kind',
  usage: 'st3 schema show <kind>',
  examples: ['st3 schema show quality > quality.schema.json'],
  async run(argv, io) {
    const { positionals } = parseCommandArgs(argv, {}, 'st3 schema show <kind>');
    const name = positionals[0];
    if (!name) throw new St3Error('E_USAGE', 'name a kind', { hint: `one of: ${KINDS.map((k) => k.name).join(', ')}` });
    const found = exportJsonSchemas().find((s) => s.fileName === `${name}.schema.json`);
    if (!found)
      throw new St3Error('E_KIND_UNKNOWN', `unknown kind "${name}"`, {
        hint: `one of: ${KINDS.map((k) => k.name).join(', ')}`,
      });
    io.stdout.write(jsonSchemaText(found.schema));
    return EXIT.ok;
  },
});

export const command = defineCommand({
  name: 'schema',
  summary: 'JSON Schemas of every ST3 format (for editors and other languages)',
  usage: 'st3 schema <export|list|show> [args]',
  examples: ['st3 schema export --out schemas', 'st3 schema list', 'st3 schema show task'],
  run(argv, io) {
    return dispatchSubcommand(command, { export: exportCommand, list: listCommand, show: showCommand }, argv, io);
  },
});
