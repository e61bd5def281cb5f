import { isAbsolute, posix } from 'node:path';
import type { CheckContext, Diagnostic, ScaffoldAnswer, ScaffoldAnswers } from '@st3/schemas';

/**
 * The form answers.json records a path in, and every lookup expects: workspace-relative, `/`-separated,
 * without `.` segments, repeated slashes or `..` that stays inside (`./src/x.ts` and `src//x.ts` are
 * `src/x.ts`), read lexically as `resolveInside` resolves it. `\` is left alone: on POSIX it is part of a name.
 */
export function canonicalRecordedPath(key: string): { path: string } | { escape: string } | { invalid: string } {
  if (isAbsolute(key) || /^[A-Za-z]:[\\/]/.test(key) || key.startsWith('\\'))
    return { escape: 'an absolute path leaves the workspace' };
  const path = posix.normalize(key);
  if (path === '..' || path.startsWith('../')) return { escape: 'the path leaves the workspace' };
  if (path === '.' || path.endsWith('/')) return { invalid: 'names a folder, not a file' };
  return { path };
}

const FILE = '.st3/scaffold/answers.json';
const HINT = 'key each record by the path of its file relative to the workspace root, e.g. "src/dtos/user.ts"';

/**
 * The keys of answers.json that cannot be read as one recorded file each, at the key's line:col: a path out of
 * the workspace (E_PATH_ESCAPE), a folder, or two keys naming the same file once written canonically.
 */
export function recordedPathProblems(value: ScaffoldAnswers, ctx: CheckContext): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const firstKeyOf = new Map<string, string>();
  for (const key of Object.keys(value.files)) {
    const canonical = canonicalRecordedPath(key);
    const at = (code: string, message: string, hint = HINT): Diagnostic => ({
      code,
      severity: 'error',
      file: ctx.file,
      ...ctx.locate(['files', key], { atKey: true }),
      message,
      hint,
    });
    if ('escape' in canonical)
      problems.push(at('E_PATH_ESCAPE', `recorded path "${key}" is outside the workspace: ${canonical.escape}`));
    else if ('invalid' in canonical)
      problems.push(at('E_CONFIG_INVALID', `recorded path "${key}" ${canonical.invalid}`));
    else {
      const earlier = firstKeyOf.get(canonical.path);
      if (earlier === undefined) firstKeyOf.set(canonical.path, key);
      else
        problems.push(
          at(
            'E_CONFIG_INVALID',
            `recorded paths "${earlier}" and "${key}" are the same file (${canonical.path}): which record holds?`,
            `keep one record for ${canonical.path} in ${FILE} and delete the other`,
          ),
        );
    }
  }
  return problems;
}

/** The records keyed canonically (`recordedPathProblems` found nothing, so no two keys collide). */
export function canonicalFiles(files: Record<string, ScaffoldAnswer>): Record<string, ScaffoldAnswer> {
  const out: Record<string, ScaffoldAnswer> = {};
  for (const [key, answer] of Object.entries(files)) {
    const canonical = canonicalRecordedPath(key);
    Object.defineProperty(out, 'path' in canonical ? canonical.path : key, {
      value: answer,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
