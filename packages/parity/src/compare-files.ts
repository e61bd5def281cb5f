import { readFile } from 'node:fs/promises';
import { decodeUtf8, isSt3Error, St3Error } from '@st3/schemas/errors';
import type { Language } from './normalize/types.js';
import { compareOutputs, type Verdict } from './verdict.js';

export interface CompareFilesOptions {
  /** Picks the rule preset; default from the right file's extension, else `text`. */
  language?: Language;
  /** How the files are named in errors and the diff (default: the paths as given). */
  labels?: [string, string];
}

/**
 * Compares two files as `compareOutputs` compares two texts, reading their bytes: equal bytes are
 * identical; a file that is not valid UTF-8 is compared byte for byte (decoding would turn different
 * invalid bytes into the same U+FFFD and call them identical). A missing file is `E_FILE_NOT_FOUND`, a
 * folder or an unreadable file `E_FILE_READ`, each naming the file.
 */
export async function compareFiles(left: string, right: string, options: CompareFilesOptions = {}): Promise<Verdict> {
  const labels = options.labels ?? [left, right];
  const [a, b] = await Promise.all([readBytes(left, labels[0]), readBytes(right, labels[1])]);
  if (a.equals(b)) return { kind: 'identical' };
  const texts = [utf8(a), utf8(b)];
  if (texts[0] === undefined || texts[1] === undefined) return binaryDifference(a, b, labels);
  return compareOutputs(texts[0], texts[1], {
    path: labels[1],
    labels,
    ...(options.language ? { language: options.language } : {}),
  });
}

async function readBytes(path: string, label: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new St3Error('E_FILE_NOT_FOUND', `file not found: ${label}`, { file: label, cause: error });
    throw new St3Error(
      'E_FILE_READ',
      code === 'EISDIR' ? `${label} is a folder, not a file` : `cannot read ${label} (${code ?? 'error'})`,
      { file: label, hint: 'name two regular files you can read', cause: error },
    );
  }
}

/** The exact text (the project's one strict decoding: a BOM kept, a difference), or undefined when not UTF-8. */
function utf8(bytes: Buffer): string | undefined {
  try {
    return decodeUtf8(bytes, '');
  } catch (error) {
    if (isSt3Error(error, 'E_FILE_ENCODING')) return undefined;
    throw error;
  }
}

/** Files that are not both text: no normalization applies; the first differing byte and its line. */
function binaryDifference(a: Buffer, b: Buffer, labels: [string, string]): Verdict {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  let line = 1;
  for (let k = 0; k < i; k++) if (a[k] === 0x0a) line++;
  return {
    kind: 'different',
    rules: [],
    binary: { offset: i },
    diff: `Binary files ${labels[0]} and ${labels[1]} differ\n`,
    firstDifference: { line },
  };
}
