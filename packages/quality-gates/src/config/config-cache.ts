import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ignoreInGit, writeJsonAtomic } from '@st3/fs';
import type { QualityConfig, Result } from '@st3/schemas';

// quality.yaml is validated by zod and the semantic checks (regexes compile, field maps) on every run, and
// loading zod is most of a dry run's start-up. A validation is a pure function of the text and of the code
// that validates it, so its result is kept, content-addressed, in the workspace's cache: the same bytes
// read by the same build of ST3 are not validated twice. Only valid configs are kept; anything else is
// validated again (and its errors reported with positions).

interface Entry {
  key: string;
  value: QualityConfig;
  warnings: Result<QualityConfig>['warnings'];
}

let identity: string | undefined;
/** The validating code: this package's module, @st3/schemas' build, and the Node version (regex syntax). */
function codeIdentity(): string {
  if (identity === undefined) {
    const self = fileURLToPath(import.meta.url);
    const schemas = join(dirname(createRequire(import.meta.url).resolve('@st3/schemas/package.json')), 'dist');
    const stamp = (p: string) => {
      const s = statSync(p, { throwIfNoEntry: false });
      return s ? `${s.size}:${s.mtimeMs}` : 'none';
    };
    const version = JSON.parse(readFileSync(join(schemas, '..', 'package.json'), 'utf8')).version as string;
    identity = [process.version, version, stamp(self), stamp(join(schemas, 'index.js'))].join('|');
  }
  return identity;
}

/**
 * Loads quality.yaml as `loadQualityConfig` does, answering from `cacheFile` when the same text was
 * validated by the same code before (no zod loaded then). A missing or damaged cache is a miss; a failed
 * cache write is ignored (the answer does not depend on it). `readOnly` (a dry run) never writes it.
 */
export async function cachedQualityConfig(
  path: string,
  cacheFile: string,
  options: { readOnly?: boolean } = {},
): Promise<Result<QualityConfig>> {
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    // Missing, a folder, unreadable: the loader reports it with its code.
  }
  const key =
    text === undefined
      ? undefined
      : createHash('sha256').update(`${codeIdentity()}\0${path}\0`).update(text).digest('hex');
  if (key !== undefined) {
    try {
      const entry = JSON.parse(await readFile(cacheFile, 'utf8')) as Entry;
      if (entry.key === key) return { value: entry.value, warnings: entry.warnings, errors: [] };
    } catch {
      // No cache yet, or a damaged one: validate.
    }
  }
  const { loadQualityConfig, parseQualityConfig } = await import('./load-config.js');
  const result =
    text === undefined
      ? await loadQualityConfig(path)
      : parseQualityConfig(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, path);
  if (key !== undefined && !options.readOnly && result.value && result.errors.length === 0) {
    const entry: Entry = { key, value: result.value, warnings: result.warnings };
    // The cache folder ignores itself: the file is never an untracked change in `git status` (or auto scope).
    await writeJsonAtomic(cacheFile, entry)
      .then(() => ignoreInGit(dirname(cacheFile)))
      .catch(() => undefined);
  }
  return result;
}
