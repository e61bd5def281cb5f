import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { findGitRoot, walkFiles } from '@st3/fs';
import type { QualityConfig, QualityGatesState } from '@st3/schemas';
import { St3Error } from '@st3/schemas/errors';
import { fileIsPresent } from '@st3/fs';
import { changesSince, hasCommit, mergeBase, openRepo, resolveBranch, untrackedFiles, type RepoInfo } from './git.js';

export type ScopeKind = 'auto' | 'branch' | 'project' | 'files';

export interface ScopeRequest {
  kind: ScopeKind;
  /** For `files`: paths relative to `filesBase` (default: the workspace root) or absolute. */
  files?: readonly string[];
  filesBase?: string;
  /** For `branch`: the branch to diff against (else config `project_scope.parent_branch`, state `parent_branch`, then `main`). */
  parentBranch?: string;
}

export interface ResolvedScope {
  /** What was asked for. */
  kind: ScopeKind;
  /** What was used: the whole project, a set of changed/listed files, or nothing to do. */
  mode: 'project' | 'changed' | 'files' | 'none';
  /**
   * Existing files, relative to the workspace root with `/`, sorted. For `project`: every candidate file;
   * for `auto`: the changed files, the unverified ones and those that failed before (any gate).
   */
  files: string[];
  /** `auto`/`branch`: files that differ from the base commit, sorted. */
  changed?: string[];
  /** `auto`: files whose committed content at the baseline was never checked (state `unverified_files`) and exist. */
  unverified?: string[];
  /** `auto`/`branch`: files of the base commit that are gone from the work tree (a deletion can break importers). */
  deleted?: string[];
  /**
   * `auto`/`branch`: files changed or deleted in the folders above the workspace root, up to the repository's
   * top, relative to the workspace root (`../ruff.toml`). Tools look up for their config (ruff, eslint,
   * tsconfig `extends`), so a config file there can change the verdict of unchanged files.
   */
  aboveRoot?: string[];
  /**
   * `auto`/`branch`: every file changed or deleted in the repository outside the workspace root, relative to
   * it (`../shared/tsconfig.base.json`), for the config files a gate's config references (`extends`).
   */
  outsideRoot?: string[];
  /** One line saying what the scope is and why. */
  description: string;
  /** The commit changes were measured from, when any. */
  base?: string;
  /** HEAD when the workspace is in a repository with commits. */
  head?: string;
  inRepo: boolean;
  /** The repository's work tree root, when in one. */
  repoDir?: string;
  warnings: string[];
}

export interface ResolveScopeOptions {
  root: string;
  config: QualityConfig;
  request: ScopeRequest;
  /** The `quality_gates` section of state.json (baseline and failed files). */
  state?: QualityGatesState;
  /** state.json's `parent_branch`. */
  stateParentBranch?: string | null;
}

/** Works out which files a run checks (DESIGN.md scope rules). */
export async function resolveScope(options: ResolveScopeOptions): Promise<ResolvedScope> {
  const { root, request } = options;
  const repo = await openRepo(root);
  const common = {
    kind: request.kind,
    inRepo: repo !== undefined,
    head: repo?.head,
    ...(repo ? { repoDir: repo.dir } : {}),
    warnings: [] as string[],
  };
  switch (request.kind) {
    case 'project':
      return projectScope(root, common, 'whole project');
    case 'files':
      return filesScope(root, request, common);
    case 'branch':
      return branchScope(root, repo, options, common);
    case 'auto':
      return autoScope(root, repo, options, common);
    default:
      throw new St3Error('E_USAGE', `unknown scope "${String(request.kind)}"`, {
        hint: 'use auto, branch, project or files',
      });
  }
}

type Common = Pick<ResolvedScope, 'kind' | 'inRepo' | 'head' | 'repoDir' | 'warnings'>;

/**
 * `files` scope: every listed path must be an existing file. A missing one (a typo, a deleted file) or a
 * folder is a usage error naming it, never a silent skip: a run that checks less than the user named must
 * not pass.
 */
function filesScope(root: string, request: ScopeRequest, common: Common): ResolvedScope {
  const base = request.filesBase ?? root;
  const files = new Set<string>();
  const missing: string[] = [];
  const notFiles: string[] = [];
  for (const f of request.files ?? []) {
    const abs = isAbsolute(f) ? f : resolve(base, f);
    const rel = relative(root, abs).split(sep).join('/');
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw new St3Error('E_PATH_ESCAPE', `${f} is outside the workspace ${root}`, {
        hint: 'pass files inside the workspace',
      });
    }
    const kind = pathKind(abs, rel);
    if (kind === 'missing') missing.push(rel);
    else if (kind === 'other') notFiles.push(rel);
    else files.add(rel);
  }
  const fromRel = relative(root, base).split(sep).join('/');
  const from = fromRel === '' ? 'the workspace root' : fromRel.startsWith('..') ? base : fromRel;
  if (missing.length > 0) {
    const list = [...new Set(missing)];
    throw new St3Error(
      'E_FILE_NOT_FOUND',
      `listed file${list.length === 1 ? '' : 's'} not found: ${list.join(', ')} (nothing was run)`,
      {
        file: list[0],
        hint: `fix or drop the path (relative paths are resolved from ${from}); deleted files are checked by the auto and branch scopes`,
        details: { missing: list },
      },
    );
  }
  if (notFiles.length > 0) {
    const list = [...new Set(notFiles)];
    throw new St3Error('E_USAGE', `not a file: ${list.join(', ')} (nothing was run)`, {
      file: list[0],
      hint: 'list the files to check, or use the project or auto scope',
      details: { not_files: list },
    });
  }
  const list = [...files].sort();
  return {
    ...common,
    mode: list.length > 0 ? 'files' : 'none',
    files: list,
    description: `${list.length} listed file${list.length === 1 ? '' : 's'}`,
  };
}

/** A listed path: a regular file, missing (no entry, or a file where a folder was expected), or something else. */
function pathKind(abs: string, rel: string): 'file' | 'missing' | 'other' {
  try {
    const stat = statSync(abs, { throwIfNoEntry: false });
    return !stat ? 'missing' : stat.isFile() ? 'file' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
    throw new St3Error('E_FILE_READ', `${rel}: ${(error as Error).message}`, {
      file: rel,
      hint: 'check the permissions of the file and its folders',
      cause: error,
    });
  }
}

async function branchScope(
  root: string,
  repo: RepoInfo | undefined,
  options: ResolveScopeOptions,
  common: Common,
): Promise<ResolvedScope> {
  if (!repo)
    throw new St3Error('E_NO_REPO', `--scope branch needs a git repository; ${root} is not in one`, {
      hint: 'use --scope project or --scope files',
    });
  if (!repo.head) {
    const files = await untrackedFiles(repo.dir).then((fs) => toRootRelative(repo.dir, root, fs));
    return {
      ...common,
      mode: files.length ? 'changed' : 'none',
      files,
      description: 'repository has no commits yet: every file is new',
    };
  }
  const { name: parentName, oid: parent } = await parentCommit(repo.dir, options, common.warnings);
  const base = await mergeBase(repo.dir, repo.head, parent);
  // Unrelated histories are the user's choice of parent, not a broken repository.
  if (!base)
    throw new St3Error('E_USAGE', `HEAD and ${parentName} have no common ancestor`, {
      hint: 'pass --parent with a related branch (list them with `git branch -a`), or use --scope project',
    });
  const diff = await changesSince(repo.dir, base);
  const files = withoutOwnFiles(toRootRelative(repo.dir, root, diff.changed), options.config);
  const deleted = withoutOwnFiles(toRootRelative(repo.dir, root, diff.deleted), options.config);
  const aboveRoot = inFoldersAbove(repo.dir, root, [...diff.changed, ...diff.deleted]);
  const outsideRoot = outsideWorkspace(repo.dir, root, [...diff.changed, ...diff.deleted]);
  return {
    ...common,
    mode: files.length || deleted.length || aboveRoot.length ? 'changed' : 'none',
    files,
    changed: files,
    deleted,
    aboveRoot,
    outsideRoot,
    base,
    description: `${files.length} file${files.length === 1 ? '' : 's'} changed since the merge base ${base.slice(0, 8)} with ${parentName}`,
  };
}

/**
 * The commit of the parent branch. A name the user typed (`--parent`) that names nothing is their input: a
 * usage error, never silently replaced by main (that would check a range they did not ask for). A name from
 * quality.yaml or state.json falls back to main with a warning, as before; no parent at all is a usage
 * error too. A repository git cannot read stays `E_GIT` (thrown by `resolveBranch`).
 */
async function parentCommit(
  dir: string,
  options: ResolveScopeOptions,
  warnings: string[],
): Promise<{ name: string; oid: string }> {
  const given = options.request.parentBranch;
  const configured = options.config.project_scope?.parent_branch ?? options.stateParentBranch ?? undefined;
  const wanted = given ?? configured ?? 'main';
  const oid = await resolveBranch(dir, wanted);
  if (oid) return { name: wanted, oid };
  const listRefs = 'list the branches with `git branch -a`';
  if (given !== undefined)
    throw new St3Error('E_USAGE', `parent branch "${given}" (--parent) not found in ${dir}`, {
      hint: `${listRefs} and pass one of them to --parent`,
    });
  const main = wanted !== 'main' ? await resolveBranch(dir, 'main') : undefined;
  if (main) {
    warnings.push(`parent branch "${wanted}" not found; using main`);
    return { name: 'main', oid: main };
  }
  throw new St3Error('E_USAGE', `parent branch "${wanted}" not found${wanted !== 'main' ? ' (nor main)' : ''}`, {
    hint: `${listRefs}; pass --parent BRANCH, or set project_scope.parent_branch in quality.yaml`,
  });
}

async function autoScope(
  root: string,
  repo: RepoInfo | undefined,
  options: ResolveScopeOptions,
  common: Common,
): Promise<ResolvedScope> {
  const baseline = options.state?.baseline_sha ?? undefined;
  const project = (why: string): Promise<ResolvedScope> => projectScope(root, common, `whole project (${why})`);
  if (!repo) return project('not a git repository');
  if (!baseline) return project('no baseline yet');
  let diff: Awaited<ReturnType<typeof changesSince>>;
  try {
    diff = await changesSince(repo.dir, baseline);
  } catch (error) {
    // Only now pay for isomorphic-git: is the baseline gone (history rewritten), or is the repository broken?
    if (await hasCommit(repo.dir, baseline)) throw error;
    common.warnings.push(
      `baseline ${baseline.slice(0, 8)} is not in this repository (history rewritten?): checking the whole project`,
    );
    return project(`baseline ${baseline.slice(0, 8)} not found`);
  }
  const unverified = (options.state?.unverified_files ?? []).filter((f) => fileIsPresent(join(root, f)));
  const changed = withoutOwnFiles(toRootRelative(repo.dir, root, diff.changed), options.config);
  const deleted = withoutOwnFiles(toRootRelative(repo.dir, root, diff.deleted), options.config);
  const aboveRoot = inFoldersAbove(repo.dir, root, [...diff.changed, ...diff.deleted]);
  const outsideRoot = outsideWorkspace(repo.dir, root, [...diff.changed, ...diff.deleted]);
  const failed = [...new Set(allFailedFiles(options.state))].filter((f) => fileIsPresent(join(root, f)));
  const files = [...new Set([...changed, ...unverified, ...failed])].sort();
  const what = `${changed.length} file${changed.length === 1 ? '' : 's'} changed since ${baseline.slice(0, 8)}`;
  const above = aboveRoot.length ? `, ${aboveRoot.length} above the workspace` : '';
  const extra = `${deleted.length ? `, ${deleted.length} deleted` : ''}${unverified.length ? `, ${unverified.length} unverified` : ''}${above}`;
  const description = `${what}${extra}, ${failed.length} failed before`;
  const nothing = files.length === 0 && deleted.length === 0 && aboveRoot.length === 0;
  return {
    ...common,
    mode: nothing ? 'none' : 'changed',
    files,
    changed,
    unverified,
    deleted,
    aboveRoot,
    outsideRoot,
    base: baseline,
    description: nothing ? `nothing changed since ${baseline.slice(0, 8)} and nothing failed` : description,
  };
}

/** Every file any gate failed on: the seed's union and the per-gate lists. */
export function allFailedFiles(state: QualityGatesState | undefined): string[] {
  const out = new Set(state?.failed_files ?? []);
  for (const g of Object.values(state?.gates ?? {})) for (const f of g.failed_files ?? []) out.add(f);
  return [...out].sort();
}

/** ST3's own state (`.st3/`) and the gate logs change on every run: they are never "changed code". */
function withoutOwnFiles(files: string[], config: QualityConfig): string[] {
  const logDir = config.artifact_logging?.output_dir?.replace(/^\.\//, '').replace(/\/+$/, '');
  return files.filter((f) => !f.startsWith('.st3/') && !(logDir && f.startsWith(`${logDir}/`)));
}

/** Repository-relative paths as workspace-relative ones, dropping those outside the workspace. */
function toRootRelative(repoDir: string, root: string, files: string[]): string[] {
  if (resolve(repoDir) === resolve(root)) return files;
  const prefix = relative(repoDir, root).split(sep).join('/');
  return files.filter((f) => f.startsWith(`${prefix}/`)).map((f) => f.slice(prefix.length + 1));
}

/**
 * Repository-relative paths in the folders above the workspace root (its ancestors up to the repository's
 * top, not their other subfolders), as `../`-relative paths from the root.
 */
function inFoldersAbove(repoDir: string, root: string, files: readonly string[]): string[] {
  const prefix = relative(repoDir, root).split(sep).join('/');
  if (prefix === '') return [];
  const ancestors = new Set(['']);
  for (let i = prefix.indexOf('/'); i !== -1; i = prefix.indexOf('/', i + 1)) ancestors.add(prefix.slice(0, i));
  const depth = prefix.split('/').length;
  return files
    .filter((f) => ancestors.has(f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : ''))
    .map((f) => `${'../'.repeat(depth)}${f}`)
    .sort();
}

/** Repository-relative paths outside the workspace root, as `../`-relative paths from the root. */
function outsideWorkspace(repoDir: string, root: string, files: readonly string[]): string[] {
  const prefix = relative(repoDir, root).split(sep).join('/');
  if (prefix === '') return [];
  return files
    .filter((f) => !f.startsWith(`${prefix}/`))
    .map((f) => relative(root, join(repoDir, f)).split(sep).join('/'))
    .sort();
}

/**
 * Every file of the workspace, skipping `.git`, `node_modules` and what `.gitignore` ignores (the walk of
 * @st3/fs, rules from the repository's top when in one). Gate filters then narrow it by type and globs.
 * In a repository, a folder holding its own `.git` (a submodule, a nested clone) is another repository:
 * the diff of auto and branch scope cannot see into it, so the project does not take it either — else
 * auto would pass what project fails.
 */
export async function listProjectFiles(root: string, nested: string[] = []): Promise<string[]> {
  if (!findGitRoot(root)) return walkFiles(root, { gitignore: true });
  const enter = (dir: string): boolean => !(existsSync(join(root, dir, '.git')) && nested.push(dir));
  return walkFiles(root, { gitignore: true, enter });
}

/** The whole project as a scope, saying which nested repositories it left out. */
async function projectScope(root: string, common: Common, description: string): Promise<ResolvedScope> {
  const nested: string[] = [];
  const files = await listProjectFiles(root, nested);
  for (const dir of nested.sort())
    common.warnings.push(
      `${dir}/ left out: a nested git repository (submodule or clone) is not part of the project; check its files with --files or in that repository`,
    );
  return { ...common, mode: 'project', files, description };
}
