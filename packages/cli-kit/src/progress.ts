import type { CliIO } from './io.js';

export interface Progress {
  update(done: number, total?: number, label?: string): void;
  done(): void;
}

/** A one-line progress bar on stderr, only when stderr is a TTY and --quiet is off. */
export function createProgress(io: CliIO, options: { quiet?: boolean; label?: string } = {}): Progress {
  const active = io.stderr.isTTY === true && !options.quiet && !io.env.CI;
  let last = 0;
  let drawn = false;
  return {
    update(done, total, label = options.label ?? '') {
      if (!active) return;
      const now = Date.now();
      if (now - last < 80 && total !== undefined && done < total) return;
      last = now;
      const width = 24;
      const bar = total ? '█'.repeat(Math.round((done / total) * width)).padEnd(width, '░') : '';
      const count = total ? `${done}/${total}` : `${done}`;
      io.stderr.write(`\r\u001b[2K${label} ${bar} ${count}`);
      drawn = true;
    },
    done() {
      if (active && drawn) io.stderr.write('\r\u001b[2K');
      drawn = false;
    },
  };
}
