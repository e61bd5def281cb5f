import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, realpath, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { St3Error, type ArchiveIndex, type Diagnostic } from '@st3/schemas';
import { isInside } from '../util.js';
import { tarEnd, tarHeader, tarPadding } from './tar.js';

export interface ArchiveEntry {
  path: string;
  kind: 'file' | 'directory' | 'symlink';
  absolute: string;
  size: number;
  executable: boolean;
  linkname?: string;
}

export interface ArchiveResult {
  /** SHA-256 of the compressed archive bytes. */
  sha256: string;
  /** Compressed size in bytes. */
  size: number;
  /** Uncompressed tar size. */
  tarSize: number;
  index: ArchiveIndex;
  warnings: Diagnostic[];
}

export interface ArchiveOptions {
  /** zstd level (default 3, as `zstd -3`). */
  level?: number;
  signal?: AbortSignal;
  /** zstd worker threads (default: cores - 1, 1 to 4). The bytes do not depend on it (tested). */
  threads?: number;
}

const BATCH_BYTES = 1 << 20;
const SYNC_READ_BYTES = 1 << 20;
const YIELD_BYTES = 8 << 20;

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Lists a folder for archiving, sorted by path bytes. Symlinks are never followed: one that
 * stays inside the folder is kept as a link, one that points out is left out with a warning.
 */
export async function listTree(root: string): Promise<{ entries: ArchiveEntry[]; warnings: Diagnostic[] }> {
  const realRoot = await realpath(root);
  const entries: ArchiveEntry[] = [];
  const warnings: Diagnostic[] = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const names = await readdir(abs);
    for (const name of names) {
      const childAbs = join(abs, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const info = await lstat(childAbs);
      if (info.isSymbolicLink()) {
        const link = await readlink(childAbs);
        const target = resolve(dirname(childAbs), link);
        let realTarget: string | undefined;
        try {
          realTarget = await realpath(target);
        } catch {
          realTarget = undefined;
        }
        if (
          posix.isAbsolute(link) ||
          !isInside(resolve(root), target) ||
          (realTarget !== undefined && !isInside(realRoot, realTarget))
        ) {
          warnings.push({
            code: 'W_SYMLINK_OUT',
            severity: 'warning',
            file: childRel,
            message: `symlink ${childRel} -> ${link} points outside the archived folder; left out (symlinks are not followed)`,
          });
          continue;
        }
        entries.push({
          path: childRel,
          kind: 'symlink',
          absolute: childAbs,
          size: 0,
          executable: false,
          linkname: link,
        });
      } else if (info.isDirectory()) {
        entries.push({ path: childRel, kind: 'directory', absolute: childAbs, size: 0, executable: false });
        await walk(childAbs, childRel);
      } else if (info.isFile()) {
        entries.push({
          path: childRel,
          kind: 'file',
          absolute: childAbs,
          size: info.size,
          executable: (info.mode & 0o111) !== 0,
        });
      } else {
        warnings.push({
          code: 'W_SPECIAL_FILE',
          severity: 'warning',
          file: childRel,
          message: `${childRel} is not a regular file, folder or symlink; left out`,
        });
      }
    }
  };
  await walk(root, '');
  entries.sort((a, b) => byteOrder(a.path, b.path));
  return { entries, warnings };
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
  const { entries, warnings } = await listTree(root);
  const { CompressStream } = await import('zstd-napi');
  // Fixed level, checksum on, no content size, and zstd's own worker threads: with nbWorkers ≥ 1 the
  // frame depends on the bytes only (not on the thread count), and compression leaves the JS thread free.
  const zstd = new CompressStream({
    compressionLevel: options.level ?? 3,
    checksumFlag: true,
    nbWorkers: Math.max(1, options.threads ?? Math.min(4, availableParallelism() - 1)),
  });
  const out = createWriteStream(outPath);
  const archiveHash = createHash('sha256');
  let compressedSize = 0;
  zstd.on('data', (chunk: Buffer) => {
    archiveHash.update(chunk);
    compressedSize += chunk.length;
  });
  zstd.pipe(out);
  const finished = new Promise<void>((resolvePromise, reject) => {
    out.on('finish', resolvePromise);
    out.on('error', reject);
    zstd.on('error', reject);
  });
  const files: ArchiveIndex['files'] = [];
  let tarSize = 0;
  // Tar bytes are batched into ~1 MiB writes: one native call per batch, not per 512-byte header.
  let batch: Uint8Array[] = [];
  let batchLen = 0;
  const flush = async (): Promise<void> => {
    if (batchLen === 0) return;
    const chunk = Buffer.concat(batch, batchLen);
    batch = [];
    batchLen = 0;
    if (!zstd.write(chunk)) await new Promise<void>((r) => zstd.once('drain', () => r()));
  };
  const write = async (chunk: Uint8Array): Promise<void> => {
    tarSize += chunk.length;
    batch.push(chunk);
    batchLen += chunk.length;
    if (batchLen >= BATCH_BYTES) await flush();
  };
  try {
    let sinceYield = 0;
    for (let i = 0; i < entries.length; i++) {
      if (options.signal?.aborted) throw new St3Error('E_INTERRUPTED', 'archiving interrupted');
      const entry = entries[i]!;
      if (entry.kind !== 'file') {
        await write(tarHeader({ path: entry.path, kind: entry.kind, size: 0, linkname: entry.linkname }));
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
      if (data.length !== entry.size) {
        throw new St3Error('E_FILE_READ', `${entry.path} changed while it was being archived`, {
          file: entry.absolute,
          hint: 'archive a folder nothing is writing to',
        });
      }
      await write(tarHeader({ path: entry.path, kind: 'file', size: data.length, executable: entry.executable }));
      await write(data);
      const pad = tarPadding(data.length);
      if (pad.length > 0) await write(pad);
      files.push({ path: entry.path, size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    }
    await write(tarEnd());
    await flush();
    zstd.end();
    await finished;
  } catch (error) {
    zstd.destroy();
    out.destroy();
    await rm(outPath, { force: true });
    throw error;
  }
  const digest = archiveHash.digest('hex');
  return {
    sha256: digest,
    size: compressedSize,
    tarSize,
    index: { version: 1, root: '.', archive_sha256: digest, files },
    warnings,
  };
}

/** Reads a tar.zst back to a list of entries (for verification and tests; archives are small). */
export async function readArchive(
  path: string,
): Promise<{ path: string; type: string; size: number; mode: number; mtime: number; uid: number; data: Buffer }[]> {
  const { decompress } = await import('zstd-napi');
  const tar = decompress(await readFile(path));
  const out: { path: string; type: string; size: number; mode: number; mtime: number; uid: number; data: Buffer }[] =
    [];
  let offset = 0;
  let paxPath: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const str = (a: number, l: number): string =>
      header
        .subarray(a, a + l)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const num = (a: number, l: number): number => Number.parseInt(str(a, l).trim() || '0', 8);
    const size = num(124, 12);
    const type = str(156, 1) || '0';
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      paxPath = m?.[1];
      continue;
    }
    const prefix = str(345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
    paxPath = undefined;
    out.push({
      path: name,
      type,
      size,
      mode: num(100, 8),
      mtime: num(136, 12),
      uid: num(108, 8),
      data: Buffer.from(data),
    });
  }
  return out;
}
