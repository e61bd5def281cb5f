/**
 * A deterministic tar writer (POSIX ustar, with a pax `path`/`linkpath` record when a name does
 * not fit ustar or is not ASCII). Every header is normalised: mtime 0, uid/gid 0, no user or
 * group names, mode 0644/0755 for files, 0755 for folders, so the same tree gives the same bytes
 * on any machine. GNU tar and bsdtar read it (`tar --zstd -xf`).
 */
const BLOCK = 512;

export type TarEntryKind = 'file' | 'directory' | 'symlink';

export interface TarHeaderInput {
  /** POSIX relative path, no `..`, no leading `/`; folders end without a slash (added here). */
  path: string;
  kind: TarEntryKind;
  size: number;
  executable?: boolean;
  linkname?: string;
}

const encoder = new TextEncoder();

/** The header block(s) for one entry: a pax record first when needed, then the ustar header. */
export function tarHeader(entry: TarHeaderInput): Uint8Array {
  assertSafeName(entry.path);
  const name = entry.kind === 'directory' ? `${entry.path}/` : entry.path;
  const nameBytes = encoder.encode(name);
  const linkBytes = encoder.encode(entry.linkname ?? '');
  const split = splitUstarName(name, nameBytes);
  const pax: [string, string][] = [];
  if (!split) pax.push(['path', name]);
  if (linkBytes.length > 100 || !isAscii(entry.linkname ?? '')) pax.push(['linkpath', entry.linkname ?? '']);
  const main = ustarHeader({
    name: split ? split.name : truncateAscii(name, 100),
    prefix: split ? split.prefix : '',
    mode: entry.kind === 'directory' || entry.executable ? 0o755 : 0o644,
    size: entry.kind === 'file' ? entry.size : 0,
    type: entry.kind === 'file' ? '0' : entry.kind === 'directory' ? '5' : '2',
    linkname: pax.some(([k]) => k === 'linkpath') ? '' : (entry.linkname ?? ''),
  });
  if (pax.length === 0) return main;
  const body = encoder.encode(pax.map(([k, v]) => paxRecord(k, v)).join(''));
  const paxHeader = ustarHeader({
    name: truncateAscii(`PaxHeaders/${name}`, 100),
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

function assertSafeName(path: string): void {
  if (
    path === '' ||
    path.startsWith('/') ||
    /^[A-Za-z]:/.test(path) ||
    path.split('/').some((p) => p === '..' || p === '' || p === '.') ||
    path.includes('\\') ||
    path.includes('\0')
  ) {
    throw new Error(`unsafe archive path: ${JSON.stringify(path)}`);
  }
}

function isAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

function truncateAscii(s: string, max: number): string {
  return s.replace(/[^\x20-\x7e]/g, '_').slice(0, max);
}

/** ustar keeps up to 155 bytes of prefix + 100 of name, split at a slash; ASCII only here. */
function splitUstarName(name: string, bytes: Uint8Array): { name: string; prefix: string } | undefined {
  if (!isAscii(name)) return undefined;
  if (bytes.length <= 100) return { name, prefix: '' };
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { name: rest, prefix };
  }
  return undefined;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = encoder.encode(body).length;
  let len = bodyLen + String(bodyLen).length;
  if (String(len).length !== String(bodyLen).length) len = bodyLen + String(len).length;
  return `${len}${body}`;
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
