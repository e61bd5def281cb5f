import { join } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';

export const listCommand = defineCommand({
  name: 'list',
  summary: 'list the configured gates',
  examples: ['st3 gates list', 'st3 gates list --json'],
  async run({ common, io }) {
    const { listConfiguredGates, QUALITY_CONFIG_PATH, requireQualityConfig } = await import('@st3/quality-gates');
    const ws = resolveWorkspace(io, common);
    const out = createOutput(io, common);
    const path = ws.configPath ?? join(ws.root, QUALITY_CONFIG_PATH);
    const { config, warnings } = await requireQualityConfig(path);
    for (const w of warnings) out.diagnostic(w);
    const gates = listConfiguredGates(config);
    if (common.json) {
      out.document({ config: path, gates });
      return EXIT.ok;
    }
    const width = Math.max(...gates.map((g) => g.id.length), 2);
    for (const g of gates) {
      const mark = g.active ? out.color.green('●') : out.color.dim('○');
      out.line(
        `${mark} ${g.id.padEnd(width)}  ${g.name}  ${out.color.dim(`${g.file_types.join(',')} · ${g.scope_mode} · ${g.parsing_strategy} · ${g.command.join(' ')}${g.fix ? ' · fix' : ''}`)}`,
      );
    }
    out.info(out.color.dim(`${gates.filter((g) => g.active).length} active of ${gates.length} (● active)`));
    return EXIT.ok;
  },
});
