/**
 * A deterministic tar writer (POSIX ustar, with a pax `path`/`linkpath` record when a name does
 * not fit ustar or is not ASCII). Every header is normalised: mtime 0, uid/gid 0, no user or
 * group names, mode 0644/0755 for files, 0755 for folders, so the same tree gives the same bytes
 * on any machine. GNU tar and bsdtar read it (`tar --zstd -xf`).
 */
const BLOCK = 512;

export type TarEntryKind = 'file' | 'directory' | 'symlink';

export interface TarHeaderInput {
  /**
   * POSIX relative path, no `..`, no leading `/`; folders end without a slash (added here). A string
   * is written as UTF-8; bytes are written as they are (a name that is not UTF-8 gets a pax
   * `hdrcharset=BINARY` record, so any byte-valid file name round-trips).
   */
  path: string | Uint8Array;
  kind: TarEntryKind;
  size: number;
  executable?: boolean;
  linkname?: string | Uint8Array;
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder('utf-8', { fatal: true });
const bytesOf = (v: string | Uint8Array | undefined): Uint8Array =>
  v === undefined ? new Uint8Array(0) : typeof v === 'string' ? encoder.encode(v) : v;

/** Is `bytes` valid UTF-8? */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The header block(s) for one entry: a pax record first when needed, then the ustar header. */
export function tarHeader(entry: TarHeaderInput): Uint8Array {
  const pathBytes = bytesOf(entry.path);
  assertSafeName(pathBytes);
  const nameBytes = entry.kind === 'directory' ? concat(pathBytes, encoder.encode('/')) : pathBytes;
  const linkBytes = bytesOf(entry.linkname);
  const split = splitUstarName(nameBytes);
  const pax: [string, Uint8Array][] = [];
  const binary = !isUtf8(nameBytes) || !isUtf8(linkBytes);
  if (binary) pax.push(['hdrcharset', encoder.encode('BINARY')]);
  if (!split) pax.push(['path', nameBytes]);
  const linkInPax = linkBytes.length > 100 || !isAsciiBytes(linkBytes);
  if (linkInPax) pax.push(['linkpath', linkBytes]);
  const main = ustarHeader({
    name: split ? split.name : truncateAscii(nameBytes, 100),
    prefix: split ? split.prefix : '',
    mode: entry.kind === 'directory' || entry.executable ? 0o755 : 0o644,
    size: entry.kind === 'file' ? entry.size : 0,
    type: entry.kind === 'file' ? '0' : entry.kind === 'directory' ? '5' : '2',
    linkname: linkInPax ? '' : new TextDecoder().decode(linkBytes),
  });
  if (pax.length === 0) return main;
  const body = concat(...pax.map(([k, v]) => paxRecord(k, v)));
  const paxHeader = ustarHeader({
    name: truncateAscii(concat(encoder.encode('PaxHeaders/'), nameBytes), 100),
    prefix: '',
    mode: 0o644,
    size: body.length,
    type: 'x',
    linkname: '',
  });
  const out = new Uint8Array(BLOCK + padded(body.length) + BLOCK);
  out.set(paxHeader, 0);
  out.set(body, BLOCK);
  out.set(main, BLOCK + padded(body.length));
  return out;
}

/** Zero bytes that pad `size` bytes of content to a whole block. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array(padded(size) - size);
}

/** Two zero blocks close an archive. */
export function tarEnd(): Uint8Array {
  return new Uint8Array(BLOCK * 2);
}

export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

/**
 * Refuses names that would land outside the extraction folder: empty, absolute, `.`/`..`/empty
 * components, NUL. Any other byte is a valid POSIX file name and is kept (backslashes, newlines, `C:`).
 */
function assertSafeName(bytes: Uint8Array): void {
  const path = Buffer.from(bytes).toString('latin1');
  if (
    path === '' ||
    path.startsWith('/') ||
    path.split('/').some((p) => p === '..' || p === '' || p === '.') ||
    path.includes('\0')
  ) {
    throw new Error(`unsafe archive path: ${JSON.stringify(path)}`);
  }
}

function isAsciiBytes(bytes: Uint8Array): boolean {
  return bytes.every((b) => b >= 0x20 && b <= 0x7e);
}

function truncateAscii(bytes: Uint8Array, max: number): string {
  let out = '';
  for (const b of bytes.subarray(0, max)) out += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '_';
  return out;
}

/** ustar keeps up to 155 bytes of prefix + 100 of name, split at a slash; printable ASCII only here. */
function splitUstarName(bytes: Uint8Array): { name: string; prefix: string } | undefined {
  if (!isAsciiBytes(bytes)) return undefined;
  const name = Buffer.from(bytes).toString('latin1');
  if (bytes.length <= 100) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { name: rest, prefix };
  }
  return undefined;
}

/** A pax record `<len> <key>=<value>\n`, the length counting its own digits; the value is raw bytes. */
function paxRecord(key: string, value: Uint8Array): Uint8Array {
  const bodyLen = encoder.encode(` ${key}=`).length + value.length + 1;
  let len = bodyLen + String(bodyLen).length;
  if (String(len).length !== String(bodyLen).length) len = bodyLen + String(len).length;
  return concat(encoder.encode(`${len} ${key}=`), value, encoder.encode('\n'));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Reads the pax records of an extended header: `key → bytes`. Records are length-delimited, so a
 * value may hold newlines or any byte.
 */
export function parsePaxRecords(body: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let at = 0;
  while (at < body.length) {
    let space = at;
    while (space < body.length && body[space] !== 0x20) space++;
    const len = Number(Buffer.from(body.subarray(at, space)).toString('latin1'));
    if (!Number.isInteger(len) || len <= 0 || at + len > body.length) break;
    const record = body.subarray(space + 1, at + len - 1); // without the final newline
    const eq = record.indexOf(0x3d);
    if (eq > 0) out.set(Buffer.from(record.subarray(0, eq)).toString('latin1'), record.subarray(eq + 1));
    at += len;
  }
  return out;
}

interface RawHeader {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  type: string;
  linkname: string;
}

function ustarHeader(h: RawHeader): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, length: number, value: string): void => {
    const bytes = encoder.encode(value);
    block.set(bytes.subarray(0, length), offset);
  };
  const octal = (offset: number, length: number, value: number): void => {
    put(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  };
  put(0, 100, h.name);
  octal(100, 8, h.mode);
  octal(108, 8, 0); // uid
  octal(116, 8, 0); // gid
  if (h.size >= 8 ** 11) throw new Error(`entry too large for ustar: ${h.size} bytes`);
  octal(124, 12, h.size);
  octal(136, 12, 0); // mtime
  put(148, 8, '        '); // checksum placeholder (spaces)
  put(156, 1, h.type);
  put(157, 100, h.linkname);
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  octal(329, 8, 0); // devmajor
  octal(337, 8, 0); // devminor
  put(345, 155, h.prefix);
  let sum = 0;
  for (const b of block) sum += b;
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}
