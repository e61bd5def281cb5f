/** One stage-0 (or conflict) entry of the git index. */
export interface IndexEntry {
  path: string;
  oid: string;
  /** 0o100644, 0o100755, 0o120000 (symlink) or 0o160000 (submodule). */
  mode: number;
  mtimeSeconds: number;
  /** When the file's inode last changed as the index saw it: git trusts stat data only if this still holds (core.trustctime). */
  ctimeSeconds: number;
  size: number;
  ino: number;
  stage: number;
  /** "assume unchanged": git does not look at the work tree file. */
  assumeValid: boolean;
  /** sparse checkout: the file is deliberately absent from the work tree. */
  skipWorktree: boolean;
  /** `git add -N`: tracked, but no content staged yet. */
  intentToAdd: boolean;
}

export interface ParsedIndex {
  entries: IndexEntry[];
  /** The cache-tree extension: folder → the tree id its staged content has (valid folders only). */
  cacheTree: Map<string, string>;
}

/**
 * Git index versions 2 and 3 (https://git-scm.com/docs/index-format); undefined for what is not
 * read here (version 4's prefix-compressed paths, a split index), so the caller can fall back.
 */
export function parseIndex(buf: Buffer): ParsedIndex | undefined {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = buf.readUInt32BE(4);
  if (version !== 2 && version !== 3) return undefined;
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = new Array(count);
  let off = 12;
  for (let i = 0; i < count; i++) {
    if (off + 62 > buf.length) return undefined;
    const flags = buf.readUInt16BE(off + 60);
    const extended = (flags & 0x4000) !== 0;
    const flags2 = extended ? buf.readUInt16BE(off + 62) : 0;
    const pathStart = off + 62 + (extended ? 2 : 0);
    const end = buf.indexOf(0, pathStart);
    if (end === -1) return undefined;
    entries[i] = {
      path: buf.toString('utf8', pathStart, end),
      oid: buf.toString('hex', off + 40, off + 60),
      mode: buf.readUInt32BE(off + 24),
      mtimeSeconds: buf.readUInt32BE(off + 8),
      ctimeSeconds: buf.readUInt32BE(off),
      ino: buf.readUInt32BE(off + 28),
      size: buf.readUInt32BE(off + 36),
      stage: (flags >> 12) & 0x3,
      assumeValid: (flags & 0x8000) !== 0,
      skipWorktree: (flags2 & 0x4000) !== 0,
      intentToAdd: (flags2 & 0x2000) !== 0,
    };
    off += Math.ceil((end - off + 1) / 8) * 8;
  }
  let cacheTree = new Map<string, string>();
  for (let ext = off; ext + 8 <= buf.length - 20;) {
    const sig = buf.toString('latin1', ext, ext + 4);
    const size = buf.readUInt32BE(ext + 4);
    // A split index ("link") keeps entries elsewhere; sparse index entries are folders: not read here.
    if (sig === 'link' || sig === 'sdir') return undefined;
    if (sig === 'TREE') cacheTree = parseCacheTree(buf, ext + 8, ext + 8 + size);
    ext += 8 + size;
  }
  return { entries, cacheTree };
}

/**
 * The cache-tree extension: for each folder whose staged content is unchanged since the last
 * `git write-tree` (every commit writes one), the tree id it has. Invalidated folders are left out.
 * A malformed extension yields an empty map (everything is then compared the slow way).
 */
function parseCacheTree(buf: Buffer, start: number, end: number): Map<string, string> {
  const out = new Map<string, string>();
  let off = start;
  const readNode = (prefix: string): boolean => {
    const nul = buf.indexOf(0, off);
    if (nul === -1 || nul >= end) return false;
    const name = buf.toString('utf8', off, nul);
    const newline = buf.indexOf(0x0a, nul);
    if (newline === -1 || newline >= end) return false;
    const [countText, subtreesText] = buf.toString('latin1', nul + 1, newline).split(' ');
    const count = Number(countText);
    const subtrees = Number(subtreesText);
    if (!Number.isInteger(count) || !Number.isInteger(subtrees) || subtrees < 0) return false;
    off = newline + 1;
    const path = name === '' ? prefix : prefix === '' ? name : `${prefix}/${name}`;
    if (count >= 0) {
      if (off + 20 > end) return false;
      out.set(path, buf.toString('hex', off, off + 20));
      off += 20;
    }
    for (let i = 0; i < subtrees; i++) if (!readNode(path)) return false;
    return true;
  };
  return readNode('') ? out : new Map();
}
