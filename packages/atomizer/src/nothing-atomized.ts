import { St3Error } from '@st3/schemas/errors';

/** A file matched but not atomized, and why (binary, unknown language, unreadable). */
export interface NotAtomizedFile {
  path: string;
  reason: string;
}

/**
 * The error when no file was atomized: no file matched the paths or globs given, or every file matched was
 * skipped. Nothing atomized is no verdict (never "0 files, 0 atoms (0 not atomic)"): E_ATOMIZE_NO_FILES, as
 * `st3 graph`, `st3 waves`, `st3 validate-plan` and `st3 complexity` say it.
 */
export function nothingAtomized(patterns: readonly string[], skipped: readonly NotAtomizedFile[]): St3Error {
  return noSourceFile(patterns, skipped, (given, named) => ({
    message: `no source file of ${given} could be atomized (${skipped.length} skipped)`,
    hint: `${named} (TypeScript, JavaScript and Python are atomized; binary and unreadable files are skipped)`,
  }));
}

/**
 * E_ATOMIZE_NO_FILES for a run that took no file: "no source files matched" when none matched, else the
 * caller's words (`say`) with the first skipped files named (`path: reason; …`).
 */
export function noSourceFile(
  patterns: readonly string[],
  skipped: readonly NotAtomizedFile[],
  say: (given: string, named: string) => { message: string; hint: string },
): St3Error {
  const given = patterns.join(' ');
  if (skipped.length === 0)
    return new St3Error('E_ATOMIZE_NO_FILES', `no source files matched ${given}`, {
      hint: 'files ignored by .gitignore are skipped',
    });
  const named =
    skipped
      .slice(0, 3)
      .map((s) => `${s.path}: ${s.reason}`)
      .join('; ') + (skipped.length > 3 ? '; …' : '');
  const { message, hint } = say(given, named);
  return new St3Error('E_ATOMIZE_NO_FILES', message, { hint });
}
