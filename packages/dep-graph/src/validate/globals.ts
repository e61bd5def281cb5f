import { languageGlobals } from '@st3/atomizer';

/**
 * The built-in names of a language (atomizer language names): the atomizer's lists, generated from
 * TypeScript's lib files, @types/node and Python's builtins — one list for both packages.
 */
export function builtinGlobals(language: string): ReadonlySet<string> {
  return languageGlobals(language);
}
