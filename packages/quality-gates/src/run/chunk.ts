/**
 * The longest command line to build, in bytes of arguments. POSIX limits one argument to 128 KiB and
 * the whole argv + environment to ARG_MAX (≥ 256 KiB on Linux and macOS); Windows' CreateProcess
 * takes 32,767 characters. We stay well below, leaving room for the environment.
 */
export function commandLineBudget(platform: NodeJS.Platform = process.platform): number {
  if (platform === 'win32') return 30_000;
  if (platform === 'darwin') return 200_000;
  return 120_000;
}

function argBytes(arg: string): number {
  return Buffer.byteLength(arg) + 1;
}

/**
 * Splits `files` into groups so that `base argv + group` stays under `budget` bytes. A file longer
 * than the budget on its own still gets a chunk (the OS will say if it is too long).
 */
export function chunkFiles(
  base: readonly string[],
  files: readonly string[],
  budget = commandLineBudget(),
): string[][] {
  if (files.length === 0) return [];
  const baseSize = base.reduce((n, a) => n + argBytes(a), 0);
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = baseSize;
  for (const f of files) {
    const s = argBytes(f);
    if (current.length > 0 && size + s > budget) {
      chunks.push(current);
      current = [];
      size = baseSize;
    }
    current.push(f);
    size += s;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
