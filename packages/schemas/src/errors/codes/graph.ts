import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the graph area; add new ones here (never rename or reuse one). */
export const GRAPH_CODES = {} as const satisfies Record<string, ErrorCodeInfo>;
