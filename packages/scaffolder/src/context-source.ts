import { z } from 'zod';
import { readFileIfThere } from '@st3/fs';
import { decodeUtf8, loadText, St3Error, type CheckContext, type Diagnostic, type Result } from '@st3/schemas';

/**
 * Where (part of) a render context was read from: a context error at a value the file gave points at
 * that value's file:line:col (see `RenderRequest.contextSource`).
 */
export interface ContextSource {
  /** The file, as diagnostics name it. */
  file: string;
  /** 1-based line and column of the value at a path of the file (of its nearest ancestor when missing). */
  locate: CheckContext['locate'];
  /**
   * The top-level keys whose values the request took from this file; a value given another way (e.g.
   * `--set` over the file) is not located in it. Default: every key of the request's context.
   */
  keys?: readonly string[];
}

const AnyValue = z.unknown();

/**
 * Parses a context document (YAML, or JSON for a `.json` file) as `loadText` does, and keeps where its
 * values are: `source`, present exactly when there are no errors, goes into `RenderRequest.contextSource`.
 */
export function loadContextText(text: string, file: string): Result<unknown> & { source?: ContextSource } {
  let locate: CheckContext['locate'] = () => undefined;
  const loaded = loadText(text, {
    file,
    schema: AnyValue,
    check: (_value, ctx) => {
      locate = ctx.locate;
      return [];
    },
  });
  return loaded.errors.length === 0 ? { ...loaded, source: { file, locate } } : loaded;
}

/**
 * `loadContextText` of the file at `path`. Its bytes must be UTF-8 (E_FILE_ENCODING at the line and column of
 * the first byte that is not: decoded anyway, `café` in Latin-1 would be rendered and recorded as `caf\uFFFD`);
 * nothing there is E_FILE_NOT_FOUND, a file that cannot be read (a folder, no permission) E_FILE_READ.
 */
export async function loadContextFile(path: string): Promise<Result<unknown> & { source?: ContextSource }> {
  const bytes = await readFileIfThere(path);
  if (bytes === undefined)
    throw new St3Error('E_FILE_NOT_FOUND', `context file not found: ${path}`, {
      file: path,
      hint: 'give a JSON or YAML file with --context, or the values with --set key=value',
    });
  return loadContextText(decodeUtf8(bytes, path), path);
}

/**
 * A context diagnostic at its place in the source file, when its value came from the file (or is missing
 * from the context altogether: the file is where it goes); others are returned as they are.
 */
export function locateInSource(
  source: ContextSource,
  context: Record<string, unknown>,
  d: Diagnostic,
  options: { atKey?: boolean } = {},
): Diagnostic {
  const path = d.path ?? [];
  const top = path[0];
  const fromFile =
    top === undefined || !Object.hasOwn(context, top) || (source.keys ? source.keys.includes(String(top)) : true);
  if (!fromFile) return d;
  const pos = source.locate(path, options);
  return { ...d, file: source.file, ...(pos ? { line: pos.line, column: pos.column } : {}) };
}
