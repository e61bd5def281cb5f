import { existsSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { St3Error, type TemplateRegistry } from '@st3/schemas';
import type { Scaffolder } from '../scaffolder.js';
import { parseHeader, syntaxFor } from './header.js';
import { readTemplateRegistry } from './template-registry.js';

export type CheckStatus = 'current' | 'outdated' | 'unknown' | 'malformed';

export interface CheckedFile {
  path: string;
  status: CheckStatus;
  artifactType?: string;
  version?: string;
  /** For outdated files: the template that made them, from the registry. */
  from?: { template_id?: string; version?: string; created?: string };
  /** The current hash of the same artifact type, when known. */
  currentVersion?: string;
  problems?: string[];
}

export interface CheckReport {
  files: CheckedFile[];
  counts: Record<CheckStatus, number>;
  /** True when any file is outdated, unknown or malformed. */
  failed: boolean;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.turbo', 'coverage', '__pycache__', '.venv']);

/** Finds generated files (by header) under `paths` and judges each against the current templates and the template registry. */
export async function checkFiles(root: string, paths: string[], scaffolder: Scaffolder): Promise<CheckReport> {
  const registry: Pick<TemplateRegistry, 'version_hashes' | 'current_versions'> = await readTemplateRegistry(
    root,
  ).catch(() => ({ version_hashes: {}, current_versions: {} }));
  const current = scaffolder.currentHashes();
  const currentByType = new Map<string, string>();
  for (const [hash, type] of current) if (!currentByType.has(type)) currentByType.set(type, hash);
  const files: CheckedFile[] = [];
  for (const file of collect(root, paths.length > 0 ? paths : ['.'])) {
    const head = await readHead(file);
    const rel = relative(root, file).split(/[\\/]/).join('/');
    const header = parseHeader(head, file, scaffolder.metadataConfig);
    if (header.status === 'none') continue;
    const base = { path: rel, artifactType: header.template, version: header.version };
    if (header.status === 'malformed') {
      files.push({ ...base, status: 'malformed', problems: header.problems });
      continue;
    }
    const version = header.version!;
    const currentVersion =
      (header.template && currentByType.get(header.template)) ?? registry.current_versions[header.template ?? ''];
    if (current.has(version)) files.push({ ...base, status: 'current' });
    else if (registry.version_hashes[version]) {
      const entry = registry.version_hashes[version] as {
        concrete?: { template_id?: string; version?: string };
        created?: string;
      };
      files.push({
        ...base,
        status: 'outdated',
        from: { template_id: entry.concrete?.template_id, version: entry.concrete?.version, created: entry.created },
        currentVersion,
      });
    } else
      files.push({
        ...base,
        status: 'unknown',
        currentVersion,
        problems: [`version ${version} is in neither the current templates nor .st3/template_registry.json`],
      });
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const counts: Record<CheckStatus, number> = { current: 0, outdated: 0, unknown: 0, malformed: 0 };
  for (const f of files) counts[f.status]++;
  return { files, counts, failed: counts.outdated + counts.unknown + counts.malformed > 0 };
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
