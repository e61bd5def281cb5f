import { checkFiles, contextJsonSchema, createScaffolder, stageRendered, VirtualTree } from '@st3/scaffolder';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resolveInside } from '../paths.js';
import { jsonResult, plural } from '../results.js';

/**
 * `scaffold_artifact`: renders an artifact and plans its files against the workspace. With
 * `dryRun` (the default) nothing is written and the planned changes carry diffs and contents;
 * otherwise the files are written atomically (existing files with other content are a conflict).
 */
export async function scaffoldArtifact(
  root: string,
  args: { type: string; name: string; context: Record<string, unknown>; dryRun: boolean; language?: 'ts' | 'py' },
): Promise<CallToolResult> {
  const scaffolder = await createScaffolder({ workspace: root });
  const result = scaffolder.render({
    type: args.type,
    name: args.name,
    context: args.context,
    ...(args.language ? { language: args.language } : {}),
  });
  if (result.ephemeral !== undefined) {
    return jsonResult(`${args.type} "${args.name}" rendered (ephemeral: nothing to write)`, {
      ok: true,
      type: args.type,
      ephemeral: result.ephemeral,
      warnings: result.warnings,
    });
  }
  // The virtual tree refuses paths outside the root; checking here gives the same error code early.
  for (const f of result.files) resolveInside(root, f.path);
  const tree = new VirtualTree(root, { policy: 'refuse', durable: true });
  const staged = await stageRendered(tree, result.files);
  const files = staged.map((f) => ({
    path: f.path,
    artifactType: f.artifactType,
    templateId: f.templateId,
    templateVersion: f.templateVersion,
    versionHash: f.versionHash,
    content: f.content,
  }));
  if (args.dryRun) {
    const changes = await tree.plan();
    const conflicts = changes.filter((c) => c.action === 'conflict').length;
    const text = `dry run: ${changes.map((c) => `${c.action} ${c.path}`).join(', ')}${conflicts > 0 ? ` (${plural(conflicts, 'conflict')}: existing files differ)` : ''}; nothing was written`;
    return jsonResult(text, {
      ok: conflicts === 0,
      dryRun: true,
      pipeline: result.pipeline,
      changes,
      files,
      warnings: result.warnings,
    });
  }
  const report = await tree.commit();
  if (report.written.length > 0) await scaffolder.recordVersions(staged.filter((f) => report.written.includes(f.path)));
  const text =
    report.written.length > 0 ? `wrote ${report.written.join(', ')}` : 'nothing to write: every file is unchanged';
  return jsonResult(text, {
    ok: true,
    dryRun: false,
    pipeline: result.pipeline,
    changes: report.changes,
    written: report.written,
    files,
    warnings: result.warnings,
  });
}

/** `list_artifact_types`: the registry's types with their languages, templates and context JSON Schema. */
export async function listArtifactTypes(root: string): Promise<CallToolResult> {
  const scaffolder = await createScaffolder({ workspace: root });
  const types = scaffolder.listArtifactTypes().map((t) => ({ ...t, contextSchema: contextJsonSchema(t.type) }));
  return jsonResult(`${plural(types.length, 'artifact type')}: ${types.map((t) => t.type).join(', ')}`, {
    ok: true,
    types,
  });
}

/** `check_scaffolded`: generated files found by their provenance header, current or outdated. */
export async function checkScaffolded(root: string, args: { paths?: string[] }): Promise<CallToolResult> {
  const scaffolder = await createScaffolder({ workspace: root });
  const paths = (args.paths ?? []).map((p) => resolveInside(root, p));
  const report = await checkFiles(root, paths, scaffolder);
  const c = report.counts;
  return jsonResult(
    `${report.files.length} generated file(s): ${c.current} current, ${c.outdated} outdated, ${c.unknown} unknown, ${c.malformed} malformed`,
    { ok: !report.failed, ...report },
  );
}
