import { readdirSync, readFileSync, statSync } from 'node:fs';

// Small synchronous probes for the config hash's scans (tool fingerprints, config references): each is a
// yes/no or a text, and a path that cannot be read is simply absent — the hash records that as such.

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The names in `dir`, sorted; none when it cannot be read. */
export function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** A file's text when it is at most `maxBytes` long; undefined when larger or unreadable. */
export function readTextUpTo(path: string, maxBytes: number): string | undefined {
  try {
    return statSync(path).size <= maxBytes ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
