// The write side of archiveDirectory: the zstd stream to the archive file and the batching of tar bytes into it.
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
// Types only (erased): zstd-napi itself is loaded on first use.
import type { CompressStream } from 'zstd-napi';

const BATCH_BYTES = 1 << 20;

/** A zstd stream piped to the archive file; the compressed bytes are hashed and counted as they pass. */
export interface ZstdOutput {
  zstd: CompressStream;
  out: WriteStream;
  /** Settles when the file is fully written, or on the first error of either stream. */
  finished: Promise<void>;
  hash: Hash;
  compressedSize: number;
}

export async function openZstdOutput(
  outPath: string,
  options: { level?: number; threads?: number },
): Promise<ZstdOutput> {
  const { CompressStream } = await import('zstd-napi');
  // Fixed level, checksum on, no content size, and zstd's own worker threads: with nbWorkers ≥ 1 the
  // frame depends on the bytes only (not on the thread count), and compression leaves the JS thread free.
  const zstd = new CompressStream({
    compressionLevel: options.level ?? 3,
    checksumFlag: true,
    nbWorkers: Math.max(1, options.threads ?? Math.min(4, availableParallelism() - 1)),
  });
  const out = createWriteStream(outPath);
  const output = { zstd, out, hash: createHash('sha256'), compressedSize: 0 };
  zstd.on('data', (chunk: Buffer) => {
    output.hash.update(chunk);
    output.compressedSize += chunk.length;
  });
  zstd.pipe(out);
  const finished = new Promise<void>((resolvePromise, reject) => {
    out.on('finish', resolvePromise);
    out.on('error', reject);
    zstd.on('error', reject);
  });
  return Object.assign(output, { finished });
}

/** Tar bytes are batched into ~1 MiB writes: one native call per batch, not per 512-byte header. */
export class TarBatcher {
  /** Uncompressed tar bytes written so far. */
  size = 0;
  private batch: Uint8Array[] = [];
  private batchLen = 0;
  private readonly zstd: CompressStream;

  constructor(zstd: CompressStream) {
    this.zstd = zstd;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.size += chunk.length;
    this.batch.push(chunk);
    this.batchLen += chunk.length;
    if (this.batchLen >= BATCH_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.batchLen === 0) return;
    const chunk = Buffer.concat(this.batch, this.batchLen);
    this.batch = [];
    this.batchLen = 0;
    if (!this.zstd.write(chunk)) await new Promise<void>((r) => this.zstd.once('drain', () => r()));
  }
}
