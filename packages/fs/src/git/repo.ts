import * as fs from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import type * as IsomorphicGit from 'isomorphic-git';

/** Where a work tree keeps its git data: its own folder (HEAD, index) and the shared one (objects, refs). */
export interface GitDirs {
  workTree: string;
  /** `.git`, or the folder a `.git` file points at (linked worktrees, submodules). */
  gitDir: string;
  /** Objects and refs: `gitDir`, or what its `commondir` names. */
  commonDir: string;
}

export function gitDirs(workTree: string): GitDirs | undefined {
  const dotGit = join(workTree, '.git');
  let gitDir: string;
  try {
    const st = fs.statSync(dotGit);
    if (st.isDirectory()) gitDir = dotGit;
    else {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'));
      if (!m) return undefined;
      gitDir = isAbsolute(m[1]!) ? m[1]! : resolve(workTree, m[1]!);
    }
  } catch {
    return undefined;
  }
  let commonDir = gitDir;
  try {
    const common = fs.readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
    if (common) commonDir = isAbsolute(common) ? common : resolve(gitDir, common);
  } catch {
    // not a linked worktree
  }
  return { workTree, gitDir, commonDir };
}

export interface HeadInfo {
  /** The commit HEAD points at; undefined in a repository without commits. */
  head?: string;
  /** The checked-out branch; undefined for a detached HEAD. */
  branch?: string;
}

/** Reads HEAD (a symbolic ref or a detached commit id) through loose refs and packed-refs. */
export function readHead(dirs: GitDirs): HeadInfo {
  let text: string;
  try {
    text = fs.readFileSync(join(dirs.gitDir, 'HEAD'), 'utf8').trim();
  } catch {
    return {};
  }
  if (/^[0-9a-f]{40}$/.test(text)) return { head: text };
  const m = /^ref:\s*(\S+)$/.exec(text);
  if (!m) return {};
  const ref = m[1]!;
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
  return { head: resolveRef(dirs, ref), branch };
}

function resolveRef(dirs: GitDirs, ref: string, depth = 0): string | undefined {
  if (depth > 5) return undefined;
  for (const base of dirs.gitDir === dirs.commonDir ? [dirs.gitDir] : [dirs.gitDir, dirs.commonDir]) {
    try {
      const text = fs.readFileSync(join(base, ref), 'utf8').trim();
      if (/^[0-9a-f]{40}$/.test(text)) return text;
      const sym = /^ref:\s*(\S+)$/.exec(text);
      if (sym) return resolveRef(dirs, sym[1]!, depth + 1);
    } catch {
      // not a loose ref here
    }
  }
  try {
    for (const line of fs.readFileSync(join(dirs.commonDir, 'packed-refs'), 'utf8').split('\n')) {
      if (line.endsWith(` ${ref}`) && /^[0-9a-f]{40} /.test(line)) return line.slice(0, 40);
    }
  } catch {
    // no packed refs
  }
  return undefined;
}

export interface TreeEntry {
  path: string;
  oid: string;
  mode: number;
}

type Git = typeof IsomorphicGit;
let gitModule: Promise<Git> | undefined;
/** isomorphic-git, loaded on first need (packed objects only): `st3 --help` must not pay for it. */
export function isomorphicGit(): Promise<Git> {
  gitModule ??= import('isomorphic-git').then((m) => ((m as unknown as { default?: Git }).default ?? m) as Git);
  return gitModule;
}

/** Reads objects, loose ones directly (several times faster), packed ones through isomorphic-git. */
export class ObjectReader {
  private readonly cache = {};
  constructor(private readonly dirs: GitDirs) {}

  private loose(oid: string, type: string): Buffer | undefined {
    let raw: Buffer;
    try {
      raw = inflateSync(fs.readFileSync(join(this.dirs.commonDir, 'objects', oid.slice(0, 2), oid.slice(2))));
    } catch {
      return undefined;
    }
    const headerEnd = raw.indexOf(0);
    if (headerEnd === -1 || raw.toString('latin1', 0, type.length + 1) !== `${type} `) return undefined;
    return raw.subarray(headerEnd + 1);
  }

  async commitTree(oid: string): Promise<string> {
    const body = this.loose(oid, 'commit');
    if (body) {
      const m = /^tree ([0-9a-f]{40})/.exec(body.toString('latin1', 0, 50));
      if (m) return m[1]!;
    }
    const g = await isomorphicGit();
    const c = await g.readCommit({ fs, gitdir: this.dirs.commonDir, oid, cache: this.cache });
    return c.commit.tree;
  }

  async tree(oid: string): Promise<TreeEntry[]> {
    const body = this.loose(oid, 'tree');
    if (body) return parseTree(body);
    const g = await isomorphicGit();
    const t = await g.readTree({ fs, gitdir: this.dirs.commonDir, oid, cache: this.cache });
    return t.tree.map((e) => ({ path: e.path, oid: e.oid, mode: Number.parseInt(e.mode, 8) }));
  }
}

function parseTree(raw: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let off = 0;
  while (off < raw.length) {
    const space = raw.indexOf(0x20, off);
    const nul = raw.indexOf(0, space);
    if (space === -1 || nul === -1 || nul + 21 > raw.length) throw new Error('malformed tree object');
    const mode = Number.parseInt(raw.toString('latin1', off, space), 8);
    entries.push({ path: raw.toString('utf8', space + 1, nul), oid: raw.toString('hex', nul + 1, nul + 21), mode });
    off = nul + 21;
  }
  return entries;
}
