import { formatDiagnostic, type Diagnostic } from '@st3/schemas/errors';
import { colorsFor, type Colors } from './color.js';
import type { CommonFlags } from './common.js';
import type { CliIO } from './io.js';

/**
 * How a command writes: stdout carries the result (exactly one JSON document under --json),
 * stderr carries warnings and progress.
 */
export interface Output {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly color: Colors;
  readonly errColor: Colors;
  /** A line of the human result (suppressed under --json). */
  line(text?: string): void;
  /** A line of the human result that --quiet keeps hidden. */
  info(text?: string): void;
  /** The one JSON document of --json. */
  document(value: unknown): void;
  /** A warning or note on stderr (kept under --json; dropped by --quiet). */
  warn(text: string): void;
  diagnostic(d: Diagnostic): void;
}

export function createOutput(io: CliIO, flags: Pick<CommonFlags, 'json' | 'quiet' | 'noColor'>): Output {
  const color = colorsFor(io.stdout, io.env, flags.noColor);
  const errColor = colorsFor(io.stderr, io.env, flags.noColor);
  return {
    json: flags.json,
    quiet: flags.quiet,
    color,
    errColor,
    line(text = '') {
      if (!flags.json) io.stdout.write(`${text}\n`);
    },
    info(text = '') {
      if (!flags.json && !flags.quiet) io.stdout.write(`${text}\n`);
    },
    document(value) {
      writeInSlices(io.stdout, `${JSON.stringify(value, null, 2)}\n`);
    },
    warn(text) {
      if (!flags.quiet) io.stderr.write(`${errColor.yellow('warning')}: ${text}\n`);
    },
    diagnostic(d) {
      const text = formatDiagnostic(d);
      if (d.severity === 'warning') {
        if (!flags.quiet) io.stderr.write(`${errColor.yellow(text)}\n`);
      } else if (flags.json) {
        io.stderr.write(`${text}\n`);
      } else {
        io.stdout.write(`${color.red(text)}\n`);
      }
    },
  };
}

/** Characters per write of a large document. */
export const SLICE_CHARS = 1 << 20;

/**
 * Writes `text` a slice at a time: one write of a document of tens of MB would first encode it into
 * a buffer its size, and every page of a fresh buffer is faulted in; slices reuse the same memory.
 * A slice never ends between the two halves of a surrogate pair (each would be written as U+FFFD).
 */
export function writeInSlices(stream: CliIO['stdout'], text: string, slice = SLICE_CHARS): void {
  for (let at = 0; at < text.length;) {
    let end = Math.min(at + slice, text.length);
    const last = text.charCodeAt(end - 1);
    // Ending on a high surrogate: end before it, or after its pair when it is the slice's only character.
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += end - 1 > at ? -1 : 1;
    stream.write(at === 0 && end === text.length ? text : text.slice(at, end));
    at = end;
  }
}
