import { join } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { loadQualityConfig, QUALITY_CONFIG_PATH } from '@st3/quality-gates';
import { errorFromDiagnostics, St3Error } from '@st3/schemas';

export const listCommand = defineCommand({
  name: 'list',
  summary: 'list the configured gates',
  examples: ['st3 gates list', 'st3 gates list --json'],
  async run({ common, io }) {
    const ws = resolveWorkspace(io, common);
    const out = createOutput(io, common);
    const path = ws.configPath ?? join(ws.root, QUALITY_CONFIG_PATH);
    const loaded = await loadQualityConfig(path);
    if (loaded.errors[0]?.code === 'E_FILE_NOT_FOUND')
      throw new St3Error('E_FILE_NOT_FOUND', `no quality config at ${path}`, {
        file: path,
        hint: 'run `st3 gates init`',
      });
    if (!loaded.value || loaded.errors.length > 0)
      throw errorFromDiagnostics('E_CONFIG_INVALID', `invalid quality config ${path}`, loaded.errors);
    for (const w of loaded.warnings) out.diagnostic(w);
    const config = loaded.value;
    const active = new Set(config.active_gates.length > 0 ? config.active_gates : Object.keys(config.gates));
    const gates = Object.entries(config.gates).map(([id, g]) => ({
      id,
      name: g.name,
      active: active.has(id),
      file_types: g.capabilities.file_types,
      parsing_strategy: g.capabilities.parsing_strategy,
      command: g.execution.command,
      supports_autofix: g.capabilities.supports_autofix,
      // How far its verdict reaches in auto scope (absent in the config = importers) and its fixer.
      scope_mode: g.capabilities.scope_mode ?? 'importers',
      fix: g.capabilities.fix?.command ?? null,
    }));
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
    out.info(out.color.dim(`${active.size} active of ${gates.length} (● active)`));
    return EXIT.ok;
  },
});
