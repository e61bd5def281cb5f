import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { ResolveOptions } from '@st3/atomizer';
import { St3Error } from '@st3/schemas';

/**
 * `compilerOptions.paths`/`baseUrl` of a tsconfig (JSON with comments and trailing commas), as the
 * {@link ResolveOptions} of `buildGraphFromAtoms` and `validatePlan`. The file is `explicit` when given
 * (E_FILE_NOT_FOUND when it is missing), else `<root>/tsconfig.json` (none: no options). `baseUrl` is made
 * relative to `base`, the folder the atoms' paths are relative to (default the root). The one reader of
 * tsconfig paths: `st3 graph`, `st3 waves`, `st3 validate-plan`, `st3 execute` and their MCP tools all use it.
 */
export function readTsconfigPaths(root: string, explicit?: string, base = root): ResolveOptions {
  const file = explicit ?? resolve(root, 'tsconfig.json');
  if (!existsSync(file)) {
    if (explicit)
      throw new St3Error('E_FILE_NOT_FOUND', `tsconfig not found: ${explicit}`, {
        file: explicit,
        hint: 'name an existing tsconfig.json, or leave it out to use the workspace tsconfig.json',
      });
    return {};
  }
  let config: { compilerOptions?: { paths?: Record<string, string[]>; baseUrl?: string } };
  try {
    config = JSON.parse(stripJsonComments(readFileSync(file, 'utf8'))) as typeof config;
  } catch (error) {
    throw new St3Error('E_PARSE', `cannot parse ${relative(root, file)}: ${(error as Error).message}`, { file });
  }
  const co = config.compilerOptions ?? {};
  const dir = dirname(file);
  const baseUrl = resolve(dir, co.baseUrl ?? '.');
  const rel = relative(base, baseUrl).split(sep).join('/') || '.';
  return {
    ...(co.paths ? { paths: co.paths } : {}),
    ...(co.baseUrl !== undefined || co.paths ? { baseUrl: rel } : {}),
  };
}

/** Removes // and /* comments and trailing commas outside strings. */
function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
