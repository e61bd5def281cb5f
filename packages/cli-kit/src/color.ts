import type { CliIO } from './io.js';

export interface Colors {
  enabled: boolean;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/** Colours on a TTY unless NO_COLOR is set (https://no-color.org) or FORCE_COLOR asks for them. */
export function colorsFor(stream: { isTTY?: boolean }, env: CliIO['env'], noColorFlag = false): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const enabled =
    !noColorFlag && (env.NO_COLOR === undefined || env.NO_COLOR === '') && (forced || stream.isTTY === true);
  const wrap = (open: number, close: number) => (s: string) => (enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s);
  return {
    enabled,
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}
