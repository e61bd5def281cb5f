import { createRequire } from 'node:module';
import { St3Error } from '@st3/schemas/errors';
import type { Parser as TSParser } from 'web-tree-sitter';

export interface PythonEngine {
  parser: TSParser;
}

let loaded: Promise<PythonEngine> | undefined;

/** web-tree-sitter with the tree-sitter-python wasm grammar, loaded on first use (no native build). */
export function loadPython(): Promise<PythonEngine> {
  loaded ??= (async () => {
    try {
      const { Parser, Language } = await import('web-tree-sitter');
      await Parser.init();
      const require = createRequire(import.meta.url);
      const wasm = require.resolve('tree-sitter-python/tree-sitter-python.wasm');
      const language = await Language.load(wasm);
      const parser = new Parser();
      parser.setLanguage(language);
      return { parser };
    } catch (error) {
      loaded = undefined;
      throw new St3Error('E_ATOMIZE_ENGINE', `cannot load the Python grammar: ${(error as Error).message}`, {
        cause: error,
      });
    }
  })();
  return loaded;
}
