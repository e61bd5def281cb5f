import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a lock, written into the lock file before anyone can read it. `startTime` (clock ticks
 * after boot, from /proc/<pid>/stat) and `bootId` make a reused pid recognisable; both are absent
 * where /proc is not available, and only the pid and the refresh age are then trusted.
 */
export interface OwnerRecord {
  version: 1;
  /** Random, unique per acquisition: a lock is "the same lock" exactly when its token is unchanged. */
  token: string;
  pid: number;
  host: string;
  startTime?: string;
  bootId?: string;
  /** The pid namespace (`/proc/self/ns/pid`): two containers on one kernel share the boot id, not this. */
  pidNs?: string;
  /** Epoch milliseconds (the owner's clock). */
  acquiredAt: number;
  refreshedAt: number;
}

export function newToken(): string {
  return randomBytes(16).toString('hex');
}

type Owner = Pick<OwnerRecord, 'pid' | 'host' | 'startTime' | 'bootId' | 'pidNs'>;
let self: Owner | undefined;

/** This process as an owner (pid, host, start time, boot id, pid namespace), computed once. */
export function currentOwner(): Owner {
  self ??= {
    pid: process.pid,
    host: hostname(),
    ...optional('startTime', processStartTime(process.pid)),
    ...optional('bootId', bootId()),
    ...optional('pidNs', pidNamespace()),
  };
  return self;
}

export function ownerRecord(token: string, now: number, acquiredAt = now): OwnerRecord {
  return { version: 1, token, ...currentOwner(), acquiredAt, refreshedAt: now };
}

/** Parses a lock file's content; undefined for anything that is not a complete owner record. */
export function parseOwner(text: string): OwnerRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  if (
    r.version !== 1 ||
    typeof r.token !== 'string' ||
    typeof r.pid !== 'number' ||
    typeof r.host !== 'string' ||
    typeof r.acquiredAt !== 'number' ||
    typeof r.refreshedAt !== 'number'
  )
    return undefined;
  return r as unknown as OwnerRecord;
}

export type OwnerVerdict = { stale: false } | { stale: true; reason: string };

/**
 * Is the owner of a lock gone? On this host (same host name and boot): its pid is not running, is a
 * zombie, or now belongs to a process started at another time (pid reuse). Anywhere: its last
 * refresh is older than `staleMs` (a holder stopped or on another machine).
 */
export function judgeOwner(owner: OwnerRecord, now: number, staleMs: number): OwnerVerdict {
  const me = currentOwner();
  // Its pid means something here only on this host, this boot and in this pid namespace.
  const sameMachine =
    owner.host === me.host &&
    (owner.bootId === undefined || owner.bootId === me.bootId) &&
    (owner.pidNs === undefined || me.pidNs === undefined || owner.pidNs === me.pidNs);
  if (owner.host === me.host && owner.bootId !== undefined && me.bootId !== undefined && owner.bootId !== me.bootId)
    return { stale: true, reason: 'its owner ran before the last reboot' };
  if (sameMachine) {
    if (!processAlive(owner.pid)) return { stale: true, reason: `its owner (pid ${owner.pid}) is gone` };
    if (owner.startTime !== undefined) {
      const start = processStartTime(owner.pid);
      if (start !== undefined && start !== owner.startTime)
        return { stale: true, reason: `pid ${owner.pid} now belongs to another process` };
    }
  }
  const age = now - owner.refreshedAt;
  if (age > staleMs) return { stale: true, reason: `it was last refreshed ${Math.round(age / 1000)} s ago` };
  return { stale: false };
}

/** Is a process with this pid running? A zombie (exited, not yet reaped) is not. EPERM means it exists. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = procStat(pid)?.state;
  return state !== 'Z' && state !== 'X';
}

/** The process's start time in clock ticks after boot (field 22 of /proc/<pid>/stat); undefined off Linux. */
export function processStartTime(pid: number): string | undefined {
  return procStat(pid)?.startTime;
}

function procStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  return state !== undefined && startTime !== undefined ? { state, startTime } : undefined;
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
