import { readdirSync, readFileSync } from 'node:fs';

/**
 * Finding and ending every process a run started. A process group is not enough: a descendant
 * that calls `setsid` leaves it, and once its parent exits it is re-parented out of the tree. So
 * on Linux the runner (1) walks /proc by parent pid from the child while the child still lives,
 * and (2) tags the child's environment with a unique token, which every descendant inherits unless
 * it clears its environment, and finds survivors by /proc/<pid>/environ. Before the final SIGKILL
 * the whole set is frozen with SIGSTOP and rescanned until no new process appears, so a tree that
 * forks while being killed cannot outrun it. Elsewhere only the process group is signalled.
 */
/** The environment variable that tags a run: `ST3_RUN_<token>=1` (one per nesting level, so nested runs keep both). */
export function runTagVar(token: string): string {
  return `ST3_RUN_${token}`;
}

const LINUX = process.platform === 'linux';

export interface TreeHandle {
  /** The direct child's pid, also its process group id (it is started detached). */
  pid: number;
  /** The token of the `ST3_RUN_<token>=1` variable in the child's environment. */
  token: string;
}

/** Every pid of the tree we can find: the group, descendants by parent pid, and tagged processes. */
export function findTree(handle: TreeHandle): Set<number> {
  const found = new Set<number>();
  if (!LINUX) return found;
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const p of table) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const stack = [handle.pid];
  for (const p of table) if (p.pgid === handle.pid) stack.push(p.pid);
  const tag = Buffer.from(`${runTagVar(handle.token)}=1\0`);
  const inner = Buffer.concat([Buffer.from([0]), tag]);
  for (const p of table) if (p.pid !== process.pid && hasTag(p.pid, tag, inner)) stack.push(p.pid);
  const live = new Set(table.map((p) => p.pid));
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (found.has(pid) || pid === process.pid) continue;
    if (live.has(pid)) found.add(pid);
    for (const c of children.get(pid) ?? []) stack.push(c);
  }
  return found;
}

/** Sends `signal` to the group and to every process of the tree found now. */
export function signalTree(handle: TreeHandle, signal: NodeJS.Signals): void {
  send(-handle.pid, signal);
  for (const pid of findTree(handle)) send(pid, signal);
}

/**
 * SIGKILLs the whole tree: freeze what is found with SIGSTOP, rescan until nothing new appears
 * (at most `rounds` times), then SIGKILL everything frozen and the group.
 */
export function killTree(handle: TreeHandle, rounds = 8): number {
  send(-handle.pid, 'SIGKILL');
  if (!LINUX) return 0;
  const frozen = new Set<number>();
  for (let round = 0; round < rounds; round++) {
    let added = 0;
    for (const pid of findTree(handle)) {
      if (frozen.has(pid)) continue;
      send(pid, 'SIGSTOP');
      frozen.add(pid);
      added++;
    }
    if (added === 0) break;
  }
  for (const pid of frozen) send(pid, 'SIGKILL');
  send(-handle.pid, 'SIGKILL');
  return frozen.size;
}

function send(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: gone already; EPERM: not ours to signal.
  }
}

interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
}

/** pid, parent pid and group of every live (non-zombie) process, from /proc/<pid>/stat. */
function processTable(): ProcEntry[] {
  const out: ProcEntry[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue;
    }
    // Field 2 (the command) is in parentheses and may hold anything: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') continue;
    out.push({ pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]) });
  }
  return out;
}

/** Does the process's initial environment hold the tag (as its first entry, or after a NUL)? */
function hasTag(pid: number, tag: Buffer, inner: Buffer): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`);
    return env.indexOf(tag) === 0 || env.indexOf(inner) !== -1;
  } catch {
    return false;
  }
}
