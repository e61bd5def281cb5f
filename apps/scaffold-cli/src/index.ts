import type { CliDefinition, RunStage } from '@st3/cli-kit';
import pkg from '../package.json' with { type: 'json' };

/**
 * The commands of this app, loaded lazily: `st3-scaffold <command>` runs them alone and the
 * `st3` entry dispatches to the same table.
 */
export const cli: CliDefinition = {
  name: 'st3-scaffold',
  version: pkg.version,
  description: 'artifacts from versioned templates, pattern batches and parity proofs',
  commands: {
    scaffold: {
      summary: 'scaffold artifacts from versioned templates (list, check, update, batch)',
      load: async () => (await import('./commands/scaffold.js')).command,
    },
    patterns: {
      summary: 'check a pattern registry for compliance',
      load: async () => (await import('./commands/patterns.js')).command,
    },
    parity: {
      summary: 'prove two renderers give equivalent output',
      load: async () => (await import('./commands/parity.js')).command,
    },
  },
};

/** Where the `st3 run` stage scaffolds, relative to the workspace root. */
export const SCRATCH_DIR = '.st3/scratch/scaffold';

/**
 * The scaffold stage of `st3 run`: renders a DTO and its test (schema-first) into the workspace's
 * scratch area through the virtual tree; with dryRun (the default) it only reports the plan.
 */
export const stage: RunStage = {
  name: 'scaffold',
  title: 'scaffold a DTO and its test into the scratch area',
  async run(ctx) {
    const { createScaffolder, stageRendered, VirtualTree } = await import('@st3/scaffolder');
    const scaffolder = await createScaffolder({ workspace: ctx.root, telemetry: ctx.telemetry });
    const result = scaffolder.render({
      type: 'dto',
      name: 'ExampleOrder',
      language: 'ts',
      pipeline: 'v2',
      baseDir: SCRATCH_DIR,
      context: {
        description: 'An order as the example API returns it',
        fields: [
          { name: 'id', type: 'string', description: 'Order identifier' },
          { name: 'quantity', type: 'integer' },
          { name: 'note', type: 'string', optional: true },
        ],
      },
    });
    const tree = new VirtualTree(ctx.root, { policy: 'force' });
    const staged = await stageRendered(tree, result.files);
    const changes = ctx.dryRun ? await tree.plan() : (await tree.commit()).changes;
    if (!ctx.dryRun)
      await scaffolder.recordVersions(
        staged.filter((f) =>
          changes.some((c) => c.path === f.path && (c.action === 'create' || c.action === 'update')),
        ),
      );
    const verb = ctx.dryRun ? 'would write' : 'wrote';
    return {
      stage: 'scaffold',
      ok: true,
      summary: `${verb} ${changes.filter((c) => c.action === 'create' || c.action === 'update').length} of ${changes.length} file(s) (dto + test, template ${staged[0]?.versionHash ?? '?'})${ctx.dryRun ? ', dry run' : ''}`,
      lines: changes.map((c) => `${c.action.toUpperCase().padEnd(9)} ${c.path}`),
      data: {
        dryRun: ctx.dryRun,
        changes: changes.map(({ path, action }) => ({ path, action })),
        files: staged.map(({ path, artifactType, versionHash }) => ({ path, artifactType, versionHash })),
      },
    };
  },
};
