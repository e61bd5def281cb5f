import { JS_LIB_VALUES, PY_LIB_NAMES, TS_LIB_TYPES } from './globals.generated.js';

// Built on first use: the lists are long, and `st3 complexity` never needs them.
let js: ReadonlySet<string> | undefined;
let types: ReadonlySet<string> | undefined;
let py: ReadonlySet<string> | undefined;

/** Names every JS/TS program may use without defining or importing them (ECMAScript, DOM, Node.js). */
export function jsGlobals(): ReadonlySet<string> {
  return (js ??= new Set([...JS_LIB_VALUES.split(' '), 'this', 'super']));
}

/** Built-in TypeScript types (lib files, @types/node) and the global values (usable in `typeof`). */
export function tsTypes(): ReadonlySet<string> {
  return (types ??= new Set([...TS_LIB_TYPES.split(' '), ...jsGlobals()]));
}

/** Python's builtins and module dunders (annotations use the same names). */
export function pyBuiltins(): ReadonlySet<string> {
  return (py ??= new Set(PY_LIB_NAMES.split(' ')));
}

/** Every name a file of `language` may use without defining or importing it (values and, for TS, types). */
export function languageGlobals(language: string): ReadonlySet<string> {
  return language === 'python' ? pyBuiltins() : tsTypes();
}
