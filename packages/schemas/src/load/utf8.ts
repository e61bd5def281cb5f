import { St3Error } from '../errors/st3-error.js';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Where the first byte that is not UTF-8 lies (1-based line and column, counted in bytes from the line's start). */
export function firstInvalidUtf8(bytes: Uint8Array): { offset: number; line: number; column: number } | undefined {
  try {
    strict.decode(bytes);
    return undefined;
  } catch {
    // Narrow down by decoding growing prefixes is quadratic: walk the bytes once instead.
  }
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      line++;
      lineStart = i + 1;
    }
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length || !validSequence(bytes, i, len))
      return { offset: i, line, column: i - lineStart + 1 };
    i += len;
  }
  return undefined;
}

function validSequence(bytes: Uint8Array, i: number, len: number): boolean {
  for (let k = 1; k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return false;
  if (len === 3) {
    const b1 = bytes[i + 1]!;
    if (bytes[i] === 0xe0 && b1 < 0xa0) return false; // overlong
    if (bytes[i] === 0xed && b1 >= 0xa0) return false; // surrogate
  }
  if (len === 4) {
    const b1 = bytes[i + 1]!;
    if (bytes[i] === 0xf0 && b1 < 0x90) return false; // overlong
    if (bytes[i] === 0xf4 && b1 >= 0x90) return false; // past U+10FFFF
  }
  return true;
}

/**
 * `bytes` as text, exactly: a byte sequence that is not UTF-8 is an `E_FILE_ENCODING` error at its line and
 * column (a lossy decoding would turn different bytes into the same U+FFFD, and whatever is compared,
 * hashed or written back afterwards would no longer be the file). A leading BOM is kept (`ignoreBOM`):
 * stripping it is the caller's decision.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes) ?? { offset: 0, line: 1, column: 1 };
    throw new St3Error(
      'E_FILE_ENCODING',
      `${file} is not UTF-8 text: byte 0x${bytes[at.offset]?.toString(16).padStart(2, '0') ?? '??'} at offset ${at.offset}`,
      {
        file,
        line: at.line,
        column: at.column,
        hint: 'save the file as UTF-8',
      },
    );
  }
}
