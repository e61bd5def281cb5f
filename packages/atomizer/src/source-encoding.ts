import type { Diagnostic } from '@st3/schemas';

// A Python file may declare its encoding (PEP 263): `# -*- coding: latin-1 -*-` on line 1, or on line 2
// after a comment or blank line 1. Python reads such a file in that encoding; read as UTF-8, its
// non-ASCII characters would become U+FFFD (in the atoms an agent regenerates) and a valid file a syntax error.

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const BLANK_OR_COMMENT = /^[ \t\f]*(?:[#\r\n]|$)/;
/** Python's names of ISO-8859-1 (normalized): WHATWG's TextDecoder reads most of them as windows-1252. */
const LATIN_1 = new Set([
  'latin-1',
  'latin1',
  'latin',
  'l1',
  'iso-8859-1',
  'iso8859-1',
  'iso-latin-1',
  '8859',
  'cp819',
]);

/** The encoding a Python file declares, as CPython's tokenizer finds it; undefined with a UTF-8 BOM (which wins). */
export function declaredPythonEncoding(bytes: Uint8Array): { name: string; line: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  // The cookie is ASCII: the first two lines read byte for byte are enough.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString('latin1');
  const [first = '', second = ''] = head.split('\n', 2);
  const cookie = COOKIE.exec(first) ?? (BLANK_OR_COMMENT.test(first) ? COOKIE.exec(second) : null);
  if (!cookie) return undefined;
  return { name: normalName(cookie[1]!), line: cookie.input === first ? 1 : 2 };
}

/** CPython's `_get_normal_name`, with `_` read as `-` throughout (codec lookup does the same). */
function normalName(raw: string): string {
  const name = raw.toLowerCase().replace(/_/g, '-');
  if (name === 'utf-8' || name.startsWith('utf-8-') || name === 'utf8') return 'utf-8';
  if (LATIN_1.has(name) || /^(latin-1|iso-8859-1|iso-latin-1)-/.test(name)) return 'iso-8859-1';
  return name;
}

/**
 * The file decoded in the encoding it declares, or undefined when it is to be read as UTF-8 (UTF-8 or
 * ASCII declared, or an encoding this runtime cannot decode). Bytes invalid in the declared encoding
 * are read as U+FFFD, with a warning.
 */
export function decodeDeclared(
  bytes: Uint8Array,
  declared: { name: string; line: number },
  path: string,
): { text: string; warnings: Diagnostic[] } | undefined {
  const { name } = declared;
  if (name === 'utf-8' || name === 'ascii' || name === 'us-ascii' || /^utf-(16|32)/.test(name)) return undefined;
  if (name === 'iso-8859-1')
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), warnings: [] };
  try {
    return { text: new TextDecoder(name, { fatal: true }).decode(bytes), warnings: [] };
  } catch (error) {
    if (error instanceof RangeError) return undefined; // not an encoding TextDecoder knows
    const text = new TextDecoder(name).decode(bytes);
    const warning: Diagnostic = {
      code: 'E_ATOMIZE_SYNTAX',
      severity: 'warning',
      file: path,
      message: `the file is not valid ${name} (the encoding it declares on line ${declared.line}); invalid bytes were read as U+FFFD`,
    };
    return { text, warnings: [warning] };
  }
}
