import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { St3Error } from '@st3/schemas/errors';
import type { IndexedGraph } from '../indexed.js';
import { ByteWindow } from './byte-window.js';
import { indexScanned } from './indexed-scan.js';
import { scanGraph, scanWindow } from './scan.js';

/**
 * A `{nodes, edges}` JSON document straight to the compact graph, without an object per edge;
 * undefined when the document is anything else or has a problem (then use `loadGraphDocument`,
 * which reports it with line and column). The result equals `indexGraph(JSON.parse(text))`.
 */
export function indexGraphBytes(bytes: Uint8Array): IndexedGraph | undefined {
  const scanned = scanGraph(bytes);
  return scanned ? indexScanned(scanned, (a, b) => bytes.subarray(a, b)) : undefined;
}

export interface IndexGraphFileOptions {
  /** Bytes of the window (default 4 MiB). */
  windowBytes?: number;
  /**
   * The window slides on when fewer bytes than this are left ahead of an item (default 1 MiB): an
   * item larger than that may not fit, and the file is then scanned whole instead.
   */
  aheadBytes?: number;
}

/**
 * `indexGraphBytes` of a file, read through a window of a few MB instead of into one buffer (on a
 * large graph, faulting in a buffer the size of the file costs more than a tenth of the whole
 * command). An edge or node object that someone reads later is rebuilt from the file, read whole
 * then, once; if the file changed meanwhile that is an `E_GRAPH_INPUT_CHANGED` error.
 */
export function indexGraphFile(path: string, options: IndexGraphFileOptions = {}): IndexedGraph | undefined {
  const fd = openSync(path, 'r');
  let scanned;
  let seen: { size: number; mtimeMs: number };
  try {
    seen = fstatSync(fd);
    scanned = scanWindow(ByteWindow.file(fd, seen.size, options.windowBytes, options.aheadBytes));
  } finally {
    closeSync(fd);
  }
  // The scan gave up inside the window (an item larger than it, say): only the whole input can tell.
  if (scanned === 'window') return indexGraphBytes(readFileSync(path));
  if (!scanned) return undefined;
  let whole: Buffer | undefined;
  return indexScanned(scanned, (a, b) => {
    whole ??= readUnchanged(path, seen);
    return whole.subarray(a, b);
  });
}

/** The file's bytes, provided its size and modification time are still those it had when it was scanned. */
function readUnchanged(path: string, seen: { size: number; mtimeMs: number }): Buffer {
  const fd = openSync(path, 'r');
  try {
    const now = fstatSync(fd);
    const bytes = now.size === seen.size && now.mtimeMs === seen.mtimeMs ? readFileSync(fd) : undefined;
    if (!bytes || bytes.length !== seen.size)
      throw new St3Error('E_GRAPH_INPUT_CHANGED', `${path} changed while it was being read`, {
        file: path,
        hint: 'run the command again once the file is no longer being written',
      });
    return bytes;
  } finally {
    closeSync(fd);
  }
}
