import { St3Error } from '@st3/schemas/errors';

/** Keeps the first `max` bytes of a stream and counts the rest. */
export class Collector {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept >= this.max) {
      this.truncated = true;
      return;
    }
    const room = this.max - this.kept;
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.kept = this.max;
      this.truncated = true;
    } else {
      this.chunks.push(chunk);
      this.kept += chunk.length;
    }
  }
  text(): string {
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }
}

export function interrupted(program: string): St3Error {
  return new St3Error('E_INTERRUPTED', `${program} was cancelled`);
}

export function timedOutError(program: string, timeoutMs: number): St3Error {
  return new St3Error('E_TIMEOUT', `${program} ran past its ${timeoutMs} ms timeout and was stopped`, {
    hint: 'raise timeout_seconds or narrow the scope',
  });
}

export function spawnFailure(program: string, error: NodeJS.ErrnoException): St3Error {
  if (error.code === 'ENOENT') {
    return new St3Error('E_TOOL_NOT_FOUND', `tool not found: "${program}" is not installed or not on PATH`, {
      hint: `install ${program} or correct the command in configuration`,
      cause: error,
    });
  }
  return new St3Error('E_TOOL_SPAWN', `cannot start "${program}": ${error.message}`, {
    hint: error.code === 'EACCES' ? `make ${program} executable` : 'check the command in configuration',
    cause: error,
  });
}
