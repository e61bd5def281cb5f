import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, realpath, rm } from 'node:fs/promises';
import { St3Error, type ArchiveIndex, type Diagnostic } from '@st3/schemas';
import { isUtf8, parsePaxRecords, tarEnd, tarHeader, tarPadding } from './tar.js';
import { openZstdOutput, TarBatcher } from './zstd-output.js';

export interface ArchiveEntry {
  /** The name inside the archive as text (`\xNN` escapes for bytes that are not UTF-8). */
  path: string;
  /** The exact bytes of the name. */
  pathBytes: Buffer;
  kind: 'file' | 'directory' | 'symlink';
  absolute: Buffer;
  size: number;
  executable: boolean;
  linkname?: Buffer;
}

/** An entry not stored: a symlink whose target leaves the folder (or cannot be resolved), or a special file. */
export type LeftOutEntry = NonNullable<ArchiveIndex['left_out']>[number];

export interface ArchiveResult {
  /** SHA-256 of the compressed archive bytes. */
  sha256: string;
  /** Compressed size in bytes. */
  size: number;
  /** Uncompressed tar size. */
  tarSize: number;
  index: ArchiveIndex;
  /** What was left out (also in `index.left_out`). */
  leftOut: LeftOutEntry[];
  warnings: Diagnostic[];
}

export interface ArchiveOptions {
  /** zstd level (default 3, as `zstd -3`). */
  level?: number;
  signal?: AbortSignal;
  /** zstd worker threads (default: cores - 1, 1 to 4). The bytes do not depend on it (tested). */
  threads?: number;
}

const SYNC_READ_BYTES = 1 << 20;
const YIELD_BYTES = 8 << 20;
/** Symlinks followed while resolving one link inside the folder before it counts as a loop (as Linux's ELOOP). */
const MAX_LINK_HOPS = 40;

const SLASH = Buffer.from('/');
const join2 = (a: Buffer, b: Buffer): Buffer => Buffer.concat([a, SLASH, b]);

/** A name as text for people and JSON: UTF-8 when it is, else with `\xNN` for every byte that is not. */
export function displayName(bytes: Uint8Array): string {
  if (isUtf8(bytes)) return Buffer.from(bytes).toString('utf8');
  let out = '';
  for (const b of bytes)
    out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return out;
}

/** The index fields of a name: `path`, plus `path_base64` when the bytes are not UTF-8. */
export function indexPath(bytes: Uint8Array): { path: string; path_base64?: string } {
  return isUtf8(bytes)
    ? { path: Buffer.from(bytes).toString('utf8') }
    : { path: displayName(bytes), path_base64: Buffer.from(bytes).toString('base64') };
}

/** The bytes of an index name (inverse of {@link indexPath}). */
export function indexPathBytes(entry: { path: string; path_base64?: string }): Buffer {
  return entry.path_base64 !== undefined ? Buffer.from(entry.path_base64, 'base64') : Buffer.from(entry.path, 'utf8');
}

/**
 * Where a symlink at `linkDir` (components inside the folder) pointing at `target` ends up, resolved
 * inside the folder as if it were the root of the file system: `inside` (every step, and every symlink
 * met on the way, stays in the folder), `outside`, or `loop`. A target that does not exist (yet) is
 * judged by its path.
 */
async function resolveInside(
  root: Buffer,
  linkDir: Buffer[],
  target: Buffer,
  hops = 0,
): Promise<'inside' | 'outside' | 'loop'> {
  if (hops > MAX_LINK_HOPS) return 'loop';
  if (target[0] === 0x2f) return 'outside';
  const stack = [...linkDir];
  const parts = target.toString('latin1').split('/');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return 'outside';
      stack.pop();
      continue;
    }
    stack.push(Buffer.from(part, 'latin1'));
    const abs = stack.reduce(join2, root);
    let info;
    try {
      info = await lstat(abs);
    } catch {
      continue; // not there: the rest is judged by its path
    }
    if (!info.isSymbolicLink()) continue;
    const next = await readlink(abs, { encoding: 'buffer' });
    const rest = parts.slice(i + 1).join('/');
    const joined = rest === '' ? next : Buffer.concat([next, SLASH, Buffer.from(rest, 'latin1')]);
    return resolveInside(root, stack.slice(0, -1), joined, hops + 1);
  }
  return 'inside';
}

/**
 * Lists a folder for archiving, sorted by path bytes, names as bytes (any byte-valid name is kept as
 * it is). Symlinks are never followed: one whose target, resolved inside the folder, stays inside it
 * is kept as a link; one that leaves it (or loops) is left out and listed, as are special files.
 */
export async function listTree(
  root: string,
): Promise<{ entries: ArchiveEntry[]; leftOut: LeftOutEntry[]; warnings: Diagnostic[] }> {
  const rootBytes = Buffer.from(await realpath(root));
  const entries: ArchiveEntry[] = [];
  const leftOut: LeftOutEntry[] = [];
  const warnings: Diagnostic[] = [];
  const walk = async (abs: Buffer, rel: Buffer[]): Promise<void> => {
    const names = await readdir(abs, { encoding: 'buffer' });
    for (const name of names) {
      const childAbs = join2(abs, name);
      const childRel = [...rel, name];
      const pathBytes = Buffer.concat(childRel.flatMap((c, k) => (k === 0 ? [c] : [SLASH, c])));
      const path = displayName(pathBytes);
      const info = await lstat(childAbs);
      if (info.isSymbolicLink()) {
        const link = await readlink(childAbs, { encoding: 'buffer' });
        const verdict = await resolveInside(rootBytes, rel, link);
        if (verdict !== 'inside') {
          const reason =
            verdict === 'loop'
              ? 'its target cannot be resolved (a symlink loop)'
              : 'its target, resolved from its place in the folder, is outside the archived folder';
          leftOut.push({ ...indexPath(pathBytes), kind: 'symlink', target: displayName(link), reason });
          warnings.push({
            code: 'W_SYMLINK_OUT',
            severity: 'warning',
            file: path,
            message: `symlink ${path} -> ${displayName(link)} left out: ${reason} (symlinks are not followed)`,
          });
          continue;
        }
        entries.push({
          path,
          pathBytes,
          kind: 'symlink',
          absolute: childAbs,
          size: 0,
          executable: false,
          linkname: link,
        });
      } else if (info.isDirectory()) {
        entries.push({ path, pathBytes, kind: 'directory', absolute: childAbs, size: 0, executable: false });
        await walk(childAbs, childRel);
      } else if (info.isFile()) {
        entries.push({
          path,
          pathBytes,
          kind: 'file',
          absolute: childAbs,
          size: info.size,
          executable: (info.mode & 0o111) !== 0,
        });
      } else {
        leftOut.push({ ...indexPath(pathBytes), kind: 'special', reason: 'not a regular file, folder or symlink' });
        warnings.push({
          code: 'W_SPECIAL_FILE',
          severity: 'warning',
          file: path,
          message: `${path} is not a regular file, folder or symlink; left out`,
        });
      }
    }
  };
  await walk(rootBytes, []);
  entries.sort((a, b) => Buffer.compare(a.pathBytes, b.pathBytes));
  leftOut.sort((a, b) => Buffer.compare(indexPathBytes(a), indexPathBytes(b)));
  return { entries, leftOut, warnings };
}

/**
 * Archives a folder as a deterministic `tar.zst` at `outPath` plus a per-file index (path, size,
 * SHA-256 of every regular file). The same tree gives the same bytes, on any machine.
 */
export async function archiveDirectory(
  root: string,
  outPath: string,
  options: ArchiveOptions = {},
): Promise<ArchiveResult> {
  const { entries, leftOut, warnings } = await listTree(root);
  const output = await openZstdOutput(outPath, options);
  const tar = new TarBatcher(output.zstd);
  let files: ArchiveIndex['files'];
  try {
    files = await writeTarEntries(tar, entries, options.signal);
    await tar.write(tarEnd());
    await tar.flush();
    output.zstd.end();
    await output.finished;
  } catch (error) {
    // No partial archive is left behind.
    output.zstd.destroy();
    output.out.destroy();
    await rm(outPath, { force: true });
    throw error;
  }
  const digest = output.hash.digest('hex');
  return {
    sha256: digest,
    size: output.compressedSize,
    tarSize: tar.size,
    index: {
      version: 1,
      root: '.',
      archive_sha256: digest,
      files,
      ...(leftOut.length > 0 ? { left_out: leftOut } : {}),
    },
    leftOut,
    warnings,
  };
}

/** Writes every entry's tar header (and a file's bytes); returns the index records of the regular files. */
async function writeTarEntries(
  tar: TarBatcher,
  entries: ArchiveEntry[],
  signal: AbortSignal | undefined,
): Promise<ArchiveIndex['files']> {
  const files: ArchiveIndex['files'] = [];
  let sinceYield = 0;
  for (const entry of entries) {
    if (signal?.aborted) throw new St3Error('E_INTERRUPTED', 'archiving interrupted');
    if (entry.kind !== 'file') {
      await tar.write(tarHeader({ path: entry.pathBytes, kind: entry.kind, size: 0, linkname: entry.linkname }));
      continue;
    }
    // Small files are read synchronously (an async read costs four thread-pool round trips, more
    // than the read itself); the loop yields to the event loop every few MiB so aborts still land.
    const data = entry.size < SYNC_READ_BYTES ? readFileSync(entry.absolute) : await readFile(entry.absolute);
    sinceYield += data.length;
    if (sinceYield > YIELD_BYTES) {
      sinceYield = 0;
      await new Promise<void>((r) => setImmediate(r));
    }
    files.push(await writeTarFile(tar, entry, data));
  }
  return files;
}

/** Writes one regular file (header, bytes, padding) and returns its index record. */
async function writeTarFile(
  tar: TarBatcher,
  entry: ArchiveEntry,
  data: Buffer,
): Promise<ArchiveIndex['files'][number]> {
  if (data.length !== entry.size) {
    throw new St3Error('E_FILE_READ', `${entry.path} changed while it was being archived`, {
      file: entry.path,
      hint: 'archive a folder nothing is writing to',
    });
  }
  await tar.write(tarHeader({ path: entry.pathBytes, kind: 'file', size: data.length, executable: entry.executable }));
  await tar.write(data);
  const pad = tarPadding(data.length);
  if (pad.length > 0) await tar.write(pad);
  return { ...indexPath(entry.pathBytes), size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

export interface ArchiveMember {
  /** The name as text (see {@link displayName}). */
  path: string;
  /** The exact bytes of the name. */
  pathBytes: Buffer;
  type: string;
  size: number;
  mode: number;
  mtime: number;
  uid: number;
  linkname: Buffer;
  data: Buffer;
}

/** Reads a tar.zst back to a list of entries (for verification and tests; archives are small). */
export async function readArchive(path: string): Promise<ArchiveMember[]> {
  const { decompress } = await import('zstd-napi');
  const tar = decompress(await readFile(path));
  const out: ArchiveMember[] = [];
  let offset = 0;
  let pax = new Map<string, Uint8Array>();
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const raw = (a: number, l: number): Buffer => {
      const field = header.subarray(a, a + l);
      const nul = field.indexOf(0);
      return Buffer.from(nul === -1 ? field : field.subarray(0, nul));
    };
    const num = (a: number, l: number): number => Number.parseInt(raw(a, l).toString('latin1').trim() || '0', 8);
    const size = num(124, 12);
    const type = raw(156, 1).toString('latin1') || '0';
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      pax = parsePaxRecords(data);
      continue;
    }
    const prefix = raw(345, 155);
    const ustarName = prefix.length > 0 ? Buffer.concat([prefix, SLASH, raw(0, 100)]) : raw(0, 100);
    const pathBytes = Buffer.from(pax.get('path') ?? ustarName);
    out.push({
      path: displayName(pathBytes),
      pathBytes,
      type,
      size,
      mode: num(100, 8),
      mtime: num(136, 12),
      uid: num(108, 8),
      linkname: Buffer.from(pax.get('linkpath') ?? raw(157, 100)),
      data: Buffer.from(data),
    });
    pax = new Map();
  }
  return out;
}
