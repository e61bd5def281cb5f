import { join, relative } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { PRESETS } from '@st3/quality-gates/presets';

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
    const { initQualityConfig, QUALITY_CONFIG_PATH, QUALITY_SCHEMA_FILE } = await import('@st3/quality-gates');
    const ws = resolveWorkspace(io, common);
    const out = createOutput(io, common);
    const target = ws.configPath ?? join(ws.root, QUALITY_CONFIG_PATH);
    // The same code as the MCP tool init_gates.
    const result = await initQualityConfig(ws.root, {
      configPath: target,
      ...(values.preset ? { presets: values.preset } : {}),
      force: values.force === true,
      display: relative(io.cwd, target) || target,
      hints: { force: 'pass --force to overwrite it', presets: 'pass --preset ID for the tools you use' },
    });
    const { presets, reasons, gitignore } = result;
    if (common.json) {
      out.document({ ok: true, path: result.path, presets, reasons, gitignore });
    } else {
      out.line(
        `wrote ${relative(io.cwd, target) || target} with ${presets.length} gate${presets.length === 1 ? '' : 's'}:`,
      );
      for (const id of presets) out.line(`  ${id.padEnd(8)} ${reasons[id] ?? 'asked for with --preset'}`);
      if (gitignore.added.length > 0)
        out.line(`${gitignore.created ? 'created' : 'updated'} .gitignore: ${gitignore.added.join(', ')}`);
      out.info(out.color.dim(`editor validation: ${QUALITY_SCHEMA_FILE} beside it; run the gates with \`st3 gates\``));
    }
    return EXIT.ok;
  },
});
