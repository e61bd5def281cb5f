import { applyInjections, type InjectionOutcome } from './inject.js';
import { stageRendered } from './stage.js';
import { VirtualTree, type OverwritePolicy, type PlannedChange } from './tree/virtual-tree.js';
import type { RenderedFile, RenderResult, Scaffolder } from './types.js';

export interface WriteRenderedOptions {
  /** The workspace root every path is under. */
  root: string;
  /** What to do with an existing file with other content (default: refuse, a conflict). */
  policy?: OverwritePolicy;
  /** Plan only: report the changes and write nothing. */
  dryRun?: boolean;
  /** The time written in `updated=` of a changed file (default: now). */
  now?: Date;
}

export interface WriteRenderedReport {
  /** False when a dry run found a conflict (a real run throws on one instead). */
  ok: boolean;
  changes: PlannedChange[];
  /** Paths written (empty on a dry run). */
  written: string[];
  /** The files as staged: provenance kept across re-runs. */
  files: RenderedFile[];
  injected: InjectionOutcome[];
}

/**
 * Writes a render result as `st3 scaffold` and the scaffold_artifact MCP tool do: files staged keeping their
 * provenance, the artifact type's injections applied, everything committed at once (or only planned on a
 * dry run), and the versions of the files written recorded. The records (template registry, answers) are read
 * and validated first, and checked writable: when they are invalid (E_CONFIG_INVALID) or cannot be written (E_WRITE
 * naming the folder that cannot), nothing is written, and a dry run fails the same way (it promises what the run
 * would do). Recording that still fails rolls the written files back.
 */
export async function writeRendered(
  scaffolder: Pick<Scaffolder, 'recordVersions' | 'checkRecords'>,
  result: Pick<RenderResult, 'files' | 'injections'>,
  options: WriteRenderedOptions,
): Promise<WriteRenderedReport> {
  if (result.files.length > 0) await scaffolder.checkRecords({ writable: true, dryRun: options.dryRun === true });
  const tree = new VirtualTree(options.root, { policy: options.policy ?? 'refuse', durable: true });
  const files = await stageRendered(tree, result.files, options.now ? { now: options.now } : {});
  const injected = await applyInjections(tree, result.injections ?? []);
  if (options.dryRun) {
    const changes = await tree.plan();
    return { ok: !changes.some((c) => c.action === 'conflict'), changes, written: [], files, injected };
  }
  // recorded inside the commit: files that cannot be recorded are rolled back, never left unrecorded
  const report = await tree.commit({
    then: async ({ written }) => {
      if (written.length > 0) await scaffolder.recordVersions(files.filter((f) => written.includes(f.path)));
    },
  });
  return { ok: true, changes: report.changes, written: report.written, files, injected };
}

/** What a file was rendered from, as `st3 scaffold --json` lists it. */
export function renderedFileOrigin(
  f: RenderedFile,
): Pick<RenderedFile, 'path' | 'artifactType' | 'templateId' | 'templateVersion' | 'versionHash'> {
  return {
    path: f.path,
    artifactType: f.artifactType,
    templateId: f.templateId,
    templateVersion: f.templateVersion,
    versionHash: f.versionHash,
  };
}
