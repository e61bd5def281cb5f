import { existsSync } from 'node:fs';
import { extname, join, posix } from 'node:path';
import {
  checkProjectStructure,
  errorFromDiagnostics,
  loadFile,
  ProjectStructureSchema,
  St3Error,
  type DirectoryPolicy,
} from '@st3/schemas';

/**
 * `.st3/config/project_structure.yaml`: which artifact types and extensions each directory takes.
 * It decides where an artifact goes when neither `--out` nor the registry's `base_path` says, and
 * refuses a placement it forbids. A directory's own `allowed_artifact_types` overrides its
 * parent's (absent = inherited; `[]` = none); `allowed_extensions` is inherited when absent and
 * `[]` allows any. Paths under no declared directory are not governed.
 */
export interface PlacementPolicy {
  file: string;
  directories: { path: string; policy: DirectoryPolicy; order: number }[];
}

export async function loadPlacementPolicy(
  workspace: string | undefined,
  file?: string,
): Promise<PlacementPolicy | undefined> {
  const path = file ?? (workspace ? join(workspace, '.st3', 'config', 'project_structure.yaml') : undefined);
  if (!path || !existsSync(path)) return undefined;
  const result = await loadFile(path, { schema: ProjectStructureSchema, check: checkProjectStructure });
  if (result.errors.length > 0 || !result.value)
    throw errorFromDiagnostics('E_CONFIG_INVALID', 'invalid project structure', result.errors);
  return {
    file: path,
    directories: Object.entries(result.value.directories).map(([dir, policy], order) => ({
      path: dir.replace(/\/+$/, ''),
      policy,
      order,
    })),
  };
}

type Entry = PlacementPolicy['directories'][number];

function byPath(policy: PlacementPolicy): Map<string, Entry> {
  return new Map(policy.directories.map((d) => [d.path, d]));
}

/** The allowed artifact types of a directory, its own or inherited. */
function allowedTypes(policy: PlacementPolicy, entry: Entry): string[] {
  const all = byPath(policy);
  for (let e: Entry | undefined = entry; e; e = e.policy.parent ? all.get(e.policy.parent) : undefined)
    if (e.policy.allowed_artifact_types !== undefined) return e.policy.allowed_artifact_types;
  return [];
}

/** The allowed extensions of a directory, inherited; undefined means any. */
function allowedExtensions(policy: PlacementPolicy, entry: Entry): string[] | undefined {
  const all = byPath(policy);
  for (let e: Entry | undefined = entry; e; e = e.policy.parent ? all.get(e.policy.parent) : undefined)
    if (e.policy.allowed_extensions !== undefined)
      return e.policy.allowed_extensions.length === 0 ? undefined : e.policy.allowed_extensions;
  return undefined;
}

/** The deepest declared directory holding a path (a file path: its folder is what counts). */
function governing(policy: PlacementPolicy, filePath: string): Entry | undefined {
  let best: Entry | undefined;
  const folder = posix.dirname(filePath);
  for (const d of policy.directories)
    if ((folder === d.path || folder.startsWith(`${d.path}/`)) && (!best || d.path.length > best.path.length)) best = d;
  return best;
}

/** Directories that take this type with this extension, best first. */
export function directoriesFor(policy: PlacementPolicy, type: string, extension: string, near?: string): string[] {
  const top = near?.split('/')[0];
  const candidates = policy.directories.filter((d) => {
    const exts = allowedExtensions(policy, d);
    return allowedTypes(policy, d).includes(type) && (!exts || exts.includes(extension));
  });
  const named = (d: Entry) => {
    const base = d.path.split('/').at(-1)!;
    return base === type || base === `${type}s` || base === `${type}es` ? 0 : 1;
  };
  const nearby = (d: Entry) => (top && d.path.split('/').includes(top) ? 0 : 1);
  return candidates
    .sort(
      (a, b) =>
        nearby(a) - nearby(b) ||
        named(a) - named(b) ||
        allowedTypes(policy, a).length - allowedTypes(policy, b).length ||
        b.path.split('/').length - a.path.split('/').length ||
        a.order - b.order,
    )
    .map((d) => d.path);
}

/**
 * Refuses a path the policy forbids for this artifact type (E_PLACEMENT, exit 2), with a hint that
 * names the directories that take it. Returns the declared directory that allowed it, or undefined when
 * no declared directory holds the path (not governed: nothing was checked).
 */
export function checkPlacement(policy: PlacementPolicy, path: string, type: string): string | undefined {
  const entry = governing(policy, path);
  if (!entry) return undefined;
  const ext = extname(path);
  const types = allowedTypes(policy, entry);
  const exts = allowedExtensions(policy, entry);
  const problem = !types.includes(type)
    ? types.length === 0
      ? `${entry.path}/ takes no scaffolded artifacts`
      : `${entry.path}/ takes ${types.join(', ')}, not ${type}`
    : exts && !exts.includes(ext)
      ? `${entry.path}/ takes ${exts.join(', ')} files, not ${ext || 'files without an extension'}`
      : undefined;
  if (!problem) return entry.path;
  const allowed = directoriesFor(policy, type, ext);
  throw new St3Error('E_PLACEMENT', `refusing to place a ${type} at ${path}: ${problem} (${policy.file})`, {
    file: policy.file,
    hint:
      allowed.length > 0
        ? `${type} goes in ${allowed.map((d) => `${d}/`).join(', ')}`
        : `no directory of project_structure.yaml takes a ${type} with ${ext || 'no extension'}`,
    details: { path, type, allowed },
  });
}

/** Folder of the default path of an artifact under the policy, or undefined when no directory takes it. */
export function defaultFolder(
  policy: PlacementPolicy,
  type: string,
  extension: string,
  near?: string,
): string | undefined {
  return directoriesFor(policy, type, extension, near)[0];
}
