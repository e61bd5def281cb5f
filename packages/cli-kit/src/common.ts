import type { OptionsSpec } from './spec.js';

/** Flags every verb accepts (DESIGN.md "Command line conventions"); help lists them under "Common options". */
export const COMMON_OPTIONS = {
  json: { type: 'boolean', description: 'print exactly one JSON document on stdout' },
  cwd: { type: 'string', valueName: 'DIR', description: 'run as if started in DIR' },
  config: { type: 'string', valueName: 'FILE', description: 'use this configuration file' },
  quiet: { type: 'boolean', short: 'q', description: 'print only problems' },
  'no-color': { type: 'boolean', description: 'no colours (NO_COLOR is honoured too)' },
  help: { type: 'boolean', short: 'h', description: 'this help' },
} as const satisfies OptionsSpec;

export interface CommonFlags {
  json: boolean;
  cwd?: string;
  config?: string;
  quiet: boolean;
  help: boolean;
  noColor: boolean;
}

/** Was `--json` asked for? Read before parsing so even a usage error can be reported as JSON. */
export function wantsJson(argv: readonly string[]): boolean {
  return beforeDashDash(argv).includes('--json');
}

/** Was `--no-color` given? Read before parsing so error lines honour it too. */
export function wantsNoColor(argv: readonly string[]): boolean {
  return beforeDashDash(argv).includes('--no-color');
}

/** Is help asked for (`--help` or `-h` before any `--`)? */
export function wantsHelp(argv: readonly string[]): boolean {
  const own = beforeDashDash(argv);
  return own.includes('--help') || own.includes('-h');
}

function beforeDashDash(argv: readonly string[]): readonly string[] {
  const dash = argv.indexOf('--');
  return dash === -1 ? argv : argv.slice(0, dash);
}
