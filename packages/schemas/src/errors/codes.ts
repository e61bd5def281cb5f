/**
 * Every stable error code ST3 emits, with the exit code a CLI maps it to, what causes it and how
 * to fix it. `docs/error-codes.md` is generated from this table (a test checks it is current).
 * Codes are a contract: add new ones, never rename or reuse one.
 */
export interface ErrorCodeInfo {
  /** DESIGN.md exit codes: 1 the check found problems, 2 usage or configuration, 3 tool or runtime failure. */
  exit: 1 | 2 | 3 | 130;
  area: 'core' | 'scaffold' | 'parity' | 'gates' | 'atomize' | 'graph' | 'executor' | 'evidence' | 'telemetry';
  cause: string;
  fix: string;
}

import { CORE_CODES } from './codes/core.js';
import { SCAFFOLD_CODES } from './codes/scaffold.js';
import { GATES_CODES } from './codes/gates.js';
import { ATOMIZE_CODES } from './codes/atomize.js';
import { GRAPH_CODES } from './codes/graph.js';
import { EXECUTOR_CODES } from './codes/executor.js';
import { EVIDENCE_CODES } from './codes/evidence.js';
import { TELEMETRY_CODES } from './codes/telemetry.js';
import { PLUMBING_CODES } from './codes/plumbing.js';
import { WORKERS_CODES } from './codes/workers.js';

export const ERROR_CODES = {
  ...CORE_CODES,
  ...SCAFFOLD_CODES,
  ...GATES_CODES,
  ...ATOMIZE_CODES,
  ...GRAPH_CODES,
  ...EXECUTOR_CODES,
  ...EVIDENCE_CODES,
  ...TELEMETRY_CODES,
  ...PLUMBING_CODES,
  ...WORKERS_CODES,
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The exit code for an error code; unknown codes are runtime failures (3). */
export function exitCodeFor(code: string): number {
  const info = (ERROR_CODES as Record<string, ErrorCodeInfo>)[code];
  return info ? info.exit : 3;
}
