import type { CliDefinition, RunStage } from '@st3/cli-kit';
import type { PlacementPolicy } from '@st3/scaffolder';
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

/** What the `st3 run` stage scaffolds: a DTO with three fields (and its companion test). */
const EXAMPLE_DTO = {
  name: 'ExampleOrder',
  context: {
    description: 'An order as the example API returns it',
    fields: [
      { name: 'id', type: 'string', description: 'Order identifier' },
      { name: 'quantity', type: 'integer' },
      { name: 'note', type: 'string', optional: true },
    ],
  },
};

/** One part of what the stage proves; a part that could not be checked says `skipped` and why, never `passed`. */
interface StageCheck {
  name: 'placement' | 'context' | 'write' | 'provenance';
  status: 'passed' | 'failed' | 'skipped';
  detail: string;
}

/**
 * The scaffold stage of `st3 run`: proves that an artifact scaffolds with the workspace's own config. A DTO
 * and its test are rendered schema-first with the workspace's registry, templates and header format, in the
 * registry's language for dto; their placement is checked by `project_structure.yaml` at the paths they
 * would have in the workspace; then they are written through the virtual tree into a scratch folder outside
 * the workspace (the system temp folder), their versions recorded in a copy of `.st3/template_registry.json`
 * there, and their provenance headers checked. The workspace is never written to, so a dry run checks as much.
 */
export const stage: RunStage = {
  name: 'scaffold',
  title: 'scaffold a DTO and its test with the workspace config (written to a scratch folder outside it)',
  async run(ctx) {
    const [{ mkdtemp, rm, mkdir, copyFile }, { existsSync }, { tmpdir }, { join }] = await Promise.all([
      import('node:fs/promises'),
      import('node:fs'),
      import('node:os'),
      import('node:path'),
    ]);
    const { checkFiles, checkPlacement, createScaffolder, stageRendered, templateRegistryPath, VirtualTree } =
      await import('@st3/scaffolder');
    const { formatDiagnostic } = await import('@st3/schemas');
    const scaffolder = await createScaffolder({ workspace: ctx.root, telemetry: ctx.telemetry });
    if (!scaffolder.listArtifactTypes().some((t) => t.type === 'dto'))
      return {
        stage: 'scaffold',
        ok: true,
        skipped: true,
        summary: 'skipped: the artifact registry has no dto type',
      };
    // Throws on a context the template's schema refuses, or a placement project_structure.yaml forbids.
    const result = scaffolder.render({ type: 'dto', ...EXAMPLE_DTO, pipeline: 'v2' });
    const checks: StageCheck[] = [
      placementCheck(scaffolder.placement, result.files, checkPlacement),
      result.warnings.some((w) => w.code === 'W_NO_CONTEXT_SCHEMA')
        ? { name: 'context', status: 'skipped', detail: 'its template declares no context_schema' }
        : { name: 'context', status: 'passed', detail: 'valid for its template (schema-first)' },
    ];
    const scratch = await mkdtemp(join(tmpdir(), 'st3-run-scaffold-'));
    try {
      const tree = new VirtualTree(scratch, { policy: 'refuse' });
      const staged = await stageRendered(tree, result.files);
      const { changes, written } = await tree.commit();
      checks.push({
        name: 'write',
        status: written.length === staged.length ? 'passed' : 'failed',
        detail: `${written.length} of ${staged.length} file(s) written atomically to a scratch folder`,
      });
      // The workspace's template registry, copied: its real format is read and updated, the workspace's file is not.
      if (existsSync(templateRegistryPath(ctx.root))) {
        await mkdir(join(scratch, '.st3'), { recursive: true });
        await copyFile(templateRegistryPath(ctx.root), templateRegistryPath(scratch));
      }
      await scaffolder.recordVersions(staged, { workspace: scratch });
      const report = await checkFiles(
        scratch,
        staged.map((f) => f.path),
        scaffolder,
      );
      const judged = staged.map((f) => {
        const c = report.files.find((r) => r.path === f.path);
        return `${f.path}: ${c ? [c.status, ...(c.problems ?? [])].join(' - ') : 'no provenance header'}`;
      });
      const current = report.files.filter((c) => c.status === 'current').length;
      checks.push({
        name: 'provenance',
        status: current === staged.length && !report.failed ? 'passed' : 'failed',
        detail:
          current === staged.length
            ? `${current} of ${staged.length} file(s) current (header, recorded version and answers)`
            : judged.join('; '),
      });
      const ok = !checks.some((c) => c.status === 'failed');
      const counted = checks.map((c) =>
        c.status === 'skipped' ? `${c.name} skipped (${c.detail})` : `${c.name} ${c.status}`,
      );
      return {
        stage: 'scaffold',
        ok,
        summary: `${staged.map((f) => f.artifactType).join(' + ')} (template ${staged[0]?.versionHash ?? '?'}) scaffolded outside the workspace: ${counted.join(', ')}`,
        lines: [
          ...changes.map((c) => `${c.action.toUpperCase().padEnd(9)} ${c.path}`),
          ...checks.map(
            (c) =>
              `${`${c.name}:`.padEnd(12)} ${c.status}${c.status === 'skipped' ? ` (${c.detail})` : ` - ${c.detail}`}`,
          ),
          ...result.warnings.map((w) => formatDiagnostic(w)),
        ],
        data: {
          dryRun: ctx.dryRun,
          checks,
          files: staged.map(({ path, artifactType, versionHash }) => ({ path, artifactType, versionHash })),
          warnings: result.warnings,
        },
      };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};

/**
 * Placement by project_structure.yaml at each file's would-be path in the workspace: passed when a declared
 * directory takes it (render has already refused one that does not), skipped when there is no policy or a
 * path is under no declared directory (nothing to check there).
 */
function placementCheck(
  policy: PlacementPolicy | undefined,
  files: readonly { path: string; artifactType: string }[],
  check: (policy: PlacementPolicy, path: string, type: string) => string | undefined,
): StageCheck {
  if (!policy) return { name: 'placement', status: 'skipped', detail: 'no project_structure.yaml' };
  const placed = files.map((f) => ({ path: f.path, directory: check(policy, f.path, f.artifactType) }));
  const allowed = placed.filter((p) => p.directory !== undefined).map((p) => `${p.path} allowed in ${p.directory}/`);
  const ungoverned = placed.filter((p) => p.directory === undefined).map((p) => p.path);
  if (ungoverned.length === 0) return { name: 'placement', status: 'passed', detail: allowed.join(', ') };
  return {
    name: 'placement',
    status: 'skipped',
    detail: [`${ungoverned.join(', ')} under no directory of project_structure.yaml`, ...allowed].join('; '),
  };
}
