import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { St3Error } from '@st3/schemas';
import { JinjaStore } from './templates/jinja.js';
import { TemplateStore, type TemplateChain, type TemplateEngine, type TemplateSource } from './templates/store.js';

/**
 * Old template versions, kept by hash under `.st3/templates/.versions/<hash>/`: every template of
 * the chain (concrete, layouts, partials) as it was, plus `manifest.json`. `st3 scaffold update`
 * renders a file's merge base from here, so the base survives template edits and package upgrades.
 */
export interface VersionManifest {
  hash: string;
  engine: TemplateEngine;
  /** The concrete template's id inside the snapshot. */
  concrete: string;
  templates: string[];
  created: string;
}

export function versionsDir(workspace: string): string {
  return join(workspace, '.st3', 'templates', '.versions');
}

/** Keeps a chain (once per hash): written to a temp folder, then renamed into place. */
export async function keepVersion(
  workspace: string,
  chain: TemplateChain,
  engine: TemplateEngine,
  now: Date,
): Promise<void> {
  const dir = join(versionsDir(workspace), chain.hash);
  if (existsSync(join(dir, 'manifest.json'))) return;
  const temp = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const entries = [chain.concrete, ...chain.layouts, ...chain.partials];
  // eta templates are files <id>.eta; Jinja templates and context schemas keep their names
  const fileName = (id: string) => (engine === 'eta' && !id.endsWith('.json') ? `${id}.eta` : id);
  try {
    for (const t of entries) {
      const file = join(temp, fileName(t.id));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, t.raw);
    }
    const manifest: VersionManifest = {
      hash: chain.hash,
      engine,
      concrete: chain.concrete.id,
      templates: entries.map((t) => t.id),
      created: now.toISOString(),
    };
    await writeFile(join(temp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (existsSync(join(dir, 'manifest.json'))) return; // another process kept it first
    throw new St3Error('E_WRITE', `cannot keep template version ${chain.hash}: ${(error as Error).message}`, {
      file: dir,
      cause: error,
    });
  }
}

export interface KeptVersion {
  manifest: VersionManifest;
  source: TemplateSource;
}

/**
 * A kept version as a template source, checked against its hash: a snapshot whose templates no
 * longer hash to its name is refused (E_TEMPLATE), never used as a wrong merge base.
 */
export function loadVersion(workspace: string, hash: string): KeptVersion | undefined {
  const dir = join(versionsDir(workspace), hash);
  const manifestFile = join(dir, 'manifest.json');
  if (!/^[0-9a-f]{8}$/.test(hash) || !existsSync(manifestFile)) return undefined;
  let manifest: VersionManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as VersionManifest;
  } catch (error) {
    throw new St3Error('E_TEMPLATE', `kept template version ${hash} has an unreadable manifest`, {
      file: manifestFile,
      cause: error,
      hint: `delete ${dir}; files made by that version then cannot be merged`,
    });
  }
  const source: TemplateSource =
    manifest.engine === 'nunjucks' ? new JinjaStore(dir) : new TemplateStore([{ dir, origin: 'workspace' }]);
  const actual = source.has(manifest.concrete) ? source.chain(manifest.concrete).hash : undefined;
  if (actual !== hash)
    throw new St3Error(
      'E_TEMPLATE',
      `kept template version ${hash} does not hash to its name (${actual ?? 'incomplete'})`,
      {
        file: dir,
        hint: 'a kept version was edited; restore it from version control or delete it',
      },
    );
  return { manifest, source };
}
