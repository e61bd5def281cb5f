import { readSync } from 'node:fs';

/**
 * The bytes the scanner reads: a whole buffer, or a window sliding over a file. Reading a large
 * file into one buffer costs more than scanning it (every page of a fresh buffer is faulted in,
 * ~3 ms per MB on a VM); a window of a few MB is faulted in once and refilled in place.
 */
export class ByteWindow {
  /** The bytes in the window (a view of exactly the valid ones: past it reads are undefined). */
  buf: Uint8Array;
  /** Offset in the input of `buf[0]`. */
  base = 0;
  /** Past this position the scanner slides the window on (at an item boundary); Infinity once it holds the end. */
  refillAt = Infinity;

  private constructor(
    private readonly memory: Uint8Array,
    valid: number,
    private readonly fd: number | undefined,
    /** Bytes in the input. */
    readonly size: number,
    /** The window keeps at least this many bytes ahead of an item's start, or the end of the input. */
    private readonly ahead: number,
  ) {
    this.buf = memory.subarray(0, valid);
    this.setRefillAt();
  }

  /** The whole input in memory. */
  static of(buf: Uint8Array): ByteWindow {
    return new ByteWindow(buf, buf.length, undefined, buf.length, 0);
  }

  /** A window of `windowBytes` over the open file `fd` of `size` bytes, read from its start. */
  static file(fd: number, size: number, windowBytes = 4 << 20, ahead = 1 << 20): ByteWindow {
    const memory = Buffer.allocUnsafeSlow(Math.max(1, Math.min(size, windowBytes)));
    return new ByteWindow(memory, fill(fd, memory, 0, 0), fd, size, Math.min(ahead, windowBytes >> 1));
  }

  /** The window holds the end of the input: a problem seen now is a problem of the input. */
  get atEnd(): boolean {
    return this.base + this.buf.length >= this.size;
  }

  /** Moves the window so that position `p` comes first; returns its new position (0). */
  slide(p: number): number {
    const keep = this.buf.length - p;
    this.memory.copyWithin(0, p, this.buf.length);
    this.base += p;
    const valid = keep + fill(this.fd!, this.memory, keep, this.base + keep);
    this.buf = this.memory.subarray(0, valid);
    this.setRefillAt();
    return 0;
  }

  private setRefillAt(): void {
    this.refillAt = this.atEnd ? Infinity : this.buf.length - this.ahead;
  }
}

/** Reads from file offset `position` into `memory` from `at` until it is full or the file ends; the count read. */
function fill(fd: number, memory: Uint8Array, at: number, position: number): number {
  let read = 0;
  while (at + read < memory.length) {
    const n = readSync(fd, memory, at + read, memory.length - at - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return read;
}
