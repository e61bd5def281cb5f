import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the evidence area; add new ones here (never rename or reuse one). */
export const EVIDENCE_CODES = {} as const satisfies Record<string, ErrorCodeInfo>;
