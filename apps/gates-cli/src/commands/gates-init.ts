import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { findPreset, PRESETS } from '@st3/quality-gates/presets';
import { St3Error } from '@st3/schemas/errors';

export const initCommand = defineCommand({
  name: 'init',
  summary: 'write .st3/config/quality.yaml from shipped presets',
  description:
    'Detects the workspace (TypeScript/JavaScript, Python) or takes --preset, writes quality.yaml with its JSON Schema beside it, and adds .st3/logs/ and .st3/state.json to .gitignore (creating it if needed).',
  options: {
    preset: {
      type: 'string',
      multiple: true,
      valueName: 'ID',
      description: `use these presets instead of detecting: ${PRESETS.map((p) => p.id).join(', ')}`,
    },
    force: { type: 'boolean', description: 'overwrite an existing quality.yaml' },
  },
  examples: ['st3 gates init', 'st3 gates init --preset ruff --preset mypy'],
  async run({ values, common, io }) {
    const {
      addToGitignore,
      detectWorkspace,
      QUALITY_CONFIG_PATH,
      QUALITY_SCHEMA_FILE,
      qualitySchemaText,
      renderQualityConfig,
    } = await import('@st3/quality-gates');
    const ws = resolveWorkspace(io, common);
    const out = createOutput(io, common);
    const target = ws.configPath ?? join(ws.root, QUALITY_CONFIG_PATH);
    if (existsSync(target) && !values.force) {
      throw new St3Error('E_CONFIG_EXISTS', `${relative(io.cwd, target) || target} already exists`, {
        file: target,
        hint: 'pass --force to overwrite it',
      });
    }
    const detection = detectWorkspace(ws.root);
    const presets = values.preset && values.preset.length > 0 ? values.preset : detection.presets;
    for (const id of presets) {
      if (!findPreset(id))
        throw new St3Error('E_USAGE', `unknown preset "${id}"`, {
          hint: `presets: ${PRESETS.map((p) => p.id).join(', ')}`,
        });
    }
    if (presets.length === 0) {
      throw new St3Error('E_USAGE', `found no TypeScript/JavaScript or Python project in ${ws.root}`, {
        hint: 'pass --preset ID for the tools you use',
      });
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, renderQualityConfig(presets));
    await writeFile(join(dirname(target), QUALITY_SCHEMA_FILE), qualitySchemaText());
    const ignored = addToGitignore(ws.root);
    if (common.json) {
      out.document({
        ok: true,
        path: target,
        presets,
        reasons: values.preset ? {} : detection.reasons,
        gitignore: { added: ignored.added, created: ignored.created },
      });
    } else {
      out.line(
        `wrote ${relative(io.cwd, target) || target} with ${presets.length} gate${presets.length === 1 ? '' : 's'}:`,
      );
      for (const id of presets) out.line(`  ${id.padEnd(8)} ${detection.reasons[id] ?? 'asked for with --preset'}`);
      if (ignored.added.length > 0)
        out.line(`${ignored.created ? 'created' : 'updated'} .gitignore: ${ignored.added.join(', ')}`);
      out.info(out.color.dim(`editor validation: ${QUALITY_SCHEMA_FILE} beside it; run the gates with \`st3 gates\``));
    }
    return EXIT.ok;
  },
});
