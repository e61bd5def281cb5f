import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the atomize area; add new ones here (never rename or reuse one). */
export const ATOMIZE_CODES = {} as const satisfies Record<string, ErrorCodeInfo>;
