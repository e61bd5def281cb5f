import { join, resolve } from 'node:path';
import { createOutput, defineCommand, EXIT } from '@st3/cli-kit';
import { writeFileAtomic } from '@st3/fs';
import { exportJsonSchemas, jsonSchemaText, KINDS, St3Error, writeJsonSchemas } from '@st3/schemas';

const exportCommand = defineCommand({
  name: 'export',
  summary: 'write <kind>.schema.json for every ST3 format',
  options: {
    out: {
      type: 'string',
      valueName: 'DIR',
      description: 'target folder (default: .st3/schemas); created if missing, existing schema files replaced',
    },
  },
  examples: ['st3 schema export', 'st3 schema export --out schemas --json'],
  async run({ values, common, io }) {
    const out = createOutput(io, common);
    const dir = resolve(io.cwd, common.cwd ?? '.', values.out ?? join('.st3', 'schemas'));
    const files = await writeJsonSchemas(dir, writeFileAtomic);
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
  examples: ['st3 schema list'],
  async run({ common, io }) {
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
  // Kinds and record schemas (violation, atoms, ...): checked below, against what is exported.
  args: [{ name: 'kind', description: 'the kind or record (see `st3 schema list`)', required: true, complete: 'none' }],
  examples: ['st3 schema show quality > quality.schema.json'],
  async run({ args, io }) {
    const name = args.kind;
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
  subcommands: { export: exportCommand, list: listCommand, show: showCommand },
  examples: ['st3 schema export --out schemas', 'st3 schema list', 'st3 schema show task'],
});
