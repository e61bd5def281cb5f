import type { CliDefinition, RunStage } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

/**
 * The commands of this app, loaded lazily: `st3-gates <command>` runs them alone and the
 * `st3` entry dispatches to the same table.
 */
export const cli: CliDefinition = {
  name: 'st3-gates',
  version: pkg.version,
  description: 'quality gates scoped to what changed',
  commands: {
    gates: {
      summary: 'run the quality gates (linters, type-checkers) on what changed',
      load: async () => (await import('./commands/gates.js')).command,
    },
    test: {
      summary: 'run the test command and report passed/failed/skipped',
      load: async () => (await import('./commands/test.js')).command,
    },
  },
};

/**
 * The gates stage of `st3 run`: runs the workspace's quality gates on the whole project (loaded
 * lazily so `st3 --help` does not pay for the engine). A workspace without quality.yaml is skipped.
 * Under --dry-run the baseline in state.json is left alone.
 */
export const stage: RunStage = {
  name: 'gates',
  title: 'quality gates',
  async run(ctx) {
    const { join } = await import('node:path');
    const { fileIsPresent } = await import('@st3/fs');
    const { runGates, QUALITY_CONFIG_PATH } = await import('@st3/quality-gates');
    // Only a file that is not there skips the stage: one that cannot be looked at is E_FILE_READ, not "none".
    if (!fileIsPresent(join(ctx.root, QUALITY_CONFIG_PATH))) {
      return { stage: 'gates', ok: true, skipped: true, summary: `no ${QUALITY_CONFIG_PATH} (run \`st3 gates init\`)` };
    }
    const { isSt3Error } = await import('@st3/schemas/errors');
    const result = await runGates({
      cwd: ctx.root,
      scope: 'project',
      signal: ctx.io.signal,
      env: ctx.io.env,
      updateState: !ctx.dryRun,
      logOutput: !ctx.dryRun,
      cacheConfig: ctx.dryRun ? 'read-only' : true,
      telemetry: ctx.telemetry,
    }).catch((error: unknown) => {
      // No source file any gate takes: skipped as the atomize and graph stages skip a workspace with no
      // sources (said, never a pass); `st3 gates` itself refuses it (E_GATES_NO_FILES).
      if (isSt3Error(error) && error.code === 'E_GATES_NO_FILES') return error;
      throw error;
    });
    if (isSt3Error(result)) return { stage: 'gates', ok: true, skipped: true, summary: `skipped: ${result.message}` };
    const lines = result.gates.map(
      (g) =>
        `${g.status === 'passed' ? '✓' : g.status === 'skipped' ? '○' : '✗'} ${g.id}: ${g.status}${g.violations.length ? ` (${g.violations.length} violation${g.violations.length === 1 ? '' : 's'})` : ''}${g.status !== 'passed' && g.reason ? ` — ${g.reason.split('\n')[0]}` : ''}`,
    );
    return { stage: 'gates', ok: result.overall_pass, summary: result.summary, lines, data: result };
  },
};
