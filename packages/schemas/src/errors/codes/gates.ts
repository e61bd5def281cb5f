import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the gates area; add new ones here (never rename or reuse one). */
export const GATES_CODES = {} as const satisfies Record<string, ErrorCodeInfo>;
