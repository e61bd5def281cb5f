import { existsSync, readdirSync, statSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { St3Error, type ScaffoldAnswer, type ScaffoldMetadataConfig, type TemplateRegistry } from '@st3/schemas';
import type { Language } from '../registry.js';
import { contentHash } from '../render/render-file.js';
import type { Scaffolder } from '../types.js';
import { parseHeader, syntaxFor } from './header.js';
import { readRecords } from './records.js';

export type CheckStatus = 'current' | 'outdated' | 'modified' | 'unknown' | 'malformed';

export interface CheckedFile {
  path: string;
  status: CheckStatus;
  artifactType?: string;
  version?: string;
  /** For outdated files: the template that made them, from the registry. */
  from?: { template_id?: string; version?: string; created?: string };
  /** The current hash for this file: its recorded request, else its type in the file's own language. */
  currentVersion?: string;
  /** Content differs from what its answers generate (known only for files with recorded answers). */
  modified?: boolean;
  /** Lines holding conflict markers left by `scaffold update`. */
  conflictMarkers?: number[];
  problems?: string[];
}

export interface CheckReport {
  files: CheckedFile[];
  counts: Record<CheckStatus, number>;
  /** True when any file is outdated, unknown or malformed, or holds conflict markers. */
  failed: boolean;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.turbo', 'coverage', '__pycache__', '.venv']);

/**
 * Finds generated files under `paths` (by header, and every file recorded in `.st3/scaffold/answers.json`)
 * and judges each: `current` (made by the template it would be made with now, and not edited since),
 * `outdated` (an older version: from -> to), `modified` (current, but its text differs from what its
 * recorded answers generate), `unknown` (a version nobody recorded) or `malformed` (a broken header, or a
 * recorded file whose header is gone or that is gone itself). Invalid records are E_CONFIG_INVALID
 * (located), never read as empty; a file that cannot be read is E_FILE_READ.
 */
export async function checkFiles(root: string, paths: string[], scaffolder: Scaffolder): Promise<CheckReport> {
  const { registry, answers: recorded } = await readRecords(root);
  const scope = (paths.length > 0 ? paths : ['.']).map((p) => resolve(root, p));
  const answers = Object.fromEntries(
    Object.entries(recorded.files).filter(([rel]) => inScope(resolve(root, rel), scope)),
  );
  const config = scaffolder.metadataConfig;
  const found = collect(root, scope, Object.keys(answers), config).map((abs) => [abs, toRel(root, abs)] as const);
  const seen = new Set(found.map(([, rel]) => rel));
  const candidates = [
    ...found,
    ...Object.keys(answers)
      .filter((rel) => !seen.has(rel))
      .map((rel) => [resolve(root, rel), rel] as const),
  ];
  const files: CheckedFile[] = [];
  for (const [file, rel] of candidates) {
    const checked = await checkOne(file, rel, answers[rel], registry, scaffolder);
    if (checked) files.push(checked);
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const counts: Record<CheckStatus, number> = { current: 0, outdated: 0, modified: 0, unknown: 0, malformed: 0 };
  for (const f of files) counts[f.status]++;
  const markers = files.some((f) => f.conflictMarkers);
  return { files, counts, failed: counts.outdated + counts.unknown + counts.malformed > 0 || markers };
}

type Registry = Pick<TemplateRegistry, 'version_hashes' | 'current_versions'>;

/** One file: undefined when it is neither generated (no header) nor recorded. */
async function checkOne(
  file: string,
  rel: string,
  answer: ScaffoldAnswer | undefined,
  registry: Registry,
  scaffolder: Scaffolder,
): Promise<CheckedFile | undefined> {
  const recordedAs = answer && {
    artifactType: answer.role === 'test' ? 'unit_test' : answer.artifact_type,
    version: answer.version_hash,
  };
  if (answer && !existsSync(file))
    return { path: rel, ...recordedAs, status: 'malformed', problems: [`missing: ${RECORDED}, but not on disk`] };
  const header = parseHeader(await readHead(file, rel), file, scaffolder.metadataConfig);
  if (header.status === 'none') {
    if (!answer) return undefined;
    // an extension that takes no header is judged by its answers alone
    if (syntaxFor(rel, scaffolder.metadataConfig))
      return { path: rel, ...recordedAs, status: 'malformed', problems: [`provenance header missing (${RECORDED})`] };
    return judge(file, rel, answer.version_hash, { path: rel, ...recordedAs }, answer, registry, scaffolder);
  }
  const base = { path: rel, artifactType: header.template, version: header.version };
  if (header.status === 'malformed') return { ...base, status: 'malformed', problems: header.problems };
  return judge(file, rel, header.version!, base, answer, registry, scaffolder);
}

const RECORDED = 'recorded in .st3/scaffold/answers.json';

function toRel(root: string, abs: string): string {
  return relative(root, abs).split(/[\\/]/).join('/');
}

function inScope(abs: string, scope: readonly string[]): boolean {
  return scope.some((s) => abs === s || abs.startsWith(s.endsWith(sep) ? s : `${s}${sep}`));
}

async function judge(
  file: string,
  rel: string,
  version: string,
  base: Pick<CheckedFile, 'path' | 'artifactType' | 'version'>,
  answer: ScaffoldAnswer | undefined,
  registry: Registry,
  scaffolder: Scaffolder,
): Promise<CheckedFile> {
  const type = base.artifactType ?? '';
  const language = languageOfPath(rel);
  let current: string[];
  try {
    current = answer ? [scaffolder.currentVersion(answer)] : scaffolder.versionsOf(type, language);
  } catch {
    current = [];
  }
  const currentVersion = current[0] ?? registry.current_versions[type];
  const text = answer ? await readFile(file, 'utf8') : undefined;
  const modified =
    answer && text !== undefined && answer.version_hash === version
      ? contentHash(text) !== answer.content_sha256
      : undefined;
  const markers = text !== undefined ? conflictMarkerLines(text) : [];
  const extra = {
    ...(modified !== undefined ? { modified } : {}),
    ...(markers.length > 0
      ? { conflictMarkers: markers, problems: [`unresolved conflict markers at line(s) ${markers.join(', ')}`] }
      : {}),
  };
  if (current.includes(version)) return { ...base, status: modified ? 'modified' : 'current', ...extra };
  const recorded = registry.version_hashes[version] as
    { concrete?: { template_id?: string; version?: string }; created?: string } | undefined;
  if (recorded || (answer && answer.version_hash === version))
    return {
      ...base,
      status: 'outdated',
      from: {
        template_id: recorded?.concrete?.template_id ?? answer?.template_id,
        version: recorded?.concrete?.version ?? answer?.template_version,
        created: recorded?.created ?? answer?.created,
      },
      currentVersion,
      ...extra,
    };
  return {
    ...base,
    status: 'unknown',
    currentVersion,
    ...extra,
    problems: [
      ...(extra.problems ?? []),
      `version ${version} is in neither the current templates nor .st3/template_registry.json`,
    ],
  };
}

/** ts for TypeScript/JavaScript files, py for Python: whose current hash a file is judged against. */
function languageOfPath(path: string): Language | undefined {
  if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(path)) return 'ts';
  if (/\.py$/.test(path)) return 'py';
  return undefined;
}

function conflictMarkerLines(text: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (/^(<{7}|>{7})( |$)/.test(line)) out.push(i + 1);
  });
  return out;
}

function collect(root: string, scope: string[], recorded: string[], config: ScaffoldMetadataConfig): string[] {
  const out: string[] = [];
  const visit = (abs: string) => {
    const info = statSync(abs);
    if (info.isDirectory()) {
      for (const name of readdirSync(abs).sort()) {
        if (SKIP_DIRS.has(name) || (name.startsWith('.') && name !== '.st3')) continue;
        visit(join(abs, name));
      }
    } else if (info.isFile() && syntaxFor(abs, config)) out.push(abs);
  };
  for (const abs of scope) {
    if (existsSync(abs)) visit(abs);
    // a recorded file that is gone is reported as such; any other path must exist
    else if (!recorded.some((rel) => inScope(resolve(root, rel), [abs])))
      throw new St3Error('E_FILE_NOT_FOUND', `path not found: ${toRel(root, abs)}`, {
        hint: 'paths are relative to the workspace root',
      });
  }
  return out;
}

/** The first 4 KiB is enough for a two-line header; big files are never read whole. */
async function readHead(file: string, rel: string): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw unreadable(file, rel, error);
  }
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    throw unreadable(file, rel, error);
  } finally {
    await handle.close();
  }
}

/** A file check cannot read: its verdict cannot be established, so the check stops (E_FILE_READ, exit 3). */
function unreadable(file: string, rel: string, error: unknown): St3Error {
  return new St3Error('E_FILE_READ', `cannot read ${rel}: ${(error as Error).message}`, {
    file,
    cause: error,
    hint: 'check its permissions, or leave it out of the paths checked',
  });
}
