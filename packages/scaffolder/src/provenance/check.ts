import { existsSync, readdirSync, statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { St3Error, type ScaffoldAnswer, type TemplateRegistry } from '@st3/schemas';
import { readAnswers } from '../answers.js';
import type { Language } from '../registry.js';
import { contentHash } from '../render/render-file.js';
import type { Scaffolder } from '../types.js';
import { parseHeader, syntaxFor } from './header.js';
import { readTemplateRegistry } from './template-registry.js';

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
 * Finds generated files (by header) under `paths` and judges each: `current` (made by the template
 * it would be made with now, and not edited since), `outdated` (an older version: from -> to),
 * `modified` (current, but its text differs from what its recorded answers generate), `unknown` (a
 * version nobody recorded) or `malformed` (a broken header).
 */
export async function checkFiles(root: string, paths: string[], scaffolder: Scaffolder): Promise<CheckReport> {
  const registry: Pick<TemplateRegistry, 'version_hashes' | 'current_versions'> = await readTemplateRegistry(
    root,
  ).catch(() => ({ version_hashes: {}, current_versions: {} }));
  const answers = (await readAnswers(root).catch(() => undefined))?.files ?? {};
  const files: CheckedFile[] = [];
  for (const file of collect(root, paths.length > 0 ? paths : ['.'])) {
    const rel = relative(root, file).split(/[\\/]/).join('/');
    const header = parseHeader(await readHead(file), file, scaffolder.metadataConfig);
    if (header.status === 'none') continue;
    const base = { path: rel, artifactType: header.template, version: header.version };
    if (header.status === 'malformed') {
      files.push({ ...base, status: 'malformed', problems: header.problems });
      continue;
    }
    files.push(await judge(file, rel, header.version!, base, answers[rel], registry, scaffolder));
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const counts: Record<CheckStatus, number> = { current: 0, outdated: 0, modified: 0, unknown: 0, malformed: 0 };
  for (const f of files) counts[f.status]++;
  const markers = files.some((f) => f.conflictMarkers);
  return { files, counts, failed: counts.outdated + counts.unknown + counts.malformed > 0 || markers };
}

async function judge(
  file: string,
  rel: string,
  version: string,
  base: Pick<CheckedFile, 'path' | 'artifactType' | 'version'>,
  answer: ScaffoldAnswer | undefined,
  registry: Pick<TemplateRegistry, 'version_hashes' | 'current_versions'>,
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

function collect(root: string, paths: string[]): string[] {
  const out: string[] = [];
  const visit = (abs: string) => {
    const info = statSync(abs);
    if (info.isDirectory()) {
      for (const name of readdirSync(abs).sort()) {
        if (SKIP_DIRS.has(name) || (name.startsWith('.') && name !== '.st3')) continue;
        visit(join(abs, name));
      }
    } else if (info.isFile() && syntaxFor(abs)) out.push(abs);
  };
  for (const p of paths) {
    const abs = resolve(root, p);
    if (!existsSync(abs))
      throw new St3Error('E_FILE_NOT_FOUND', `path not found: ${p}`, {
        hint: 'paths are relative to the workspace root',
      });
    visit(abs);
  }
  return out;
}

/** The first 4 KiB is enough for a two-line header; big files are never read whole. */
async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
