import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the scaffold area; add new ones here (never rename or reuse one). */
export const SCAFFOLD_CODES = {} as const satisfies Record<string, ErrorCodeInfo>;
