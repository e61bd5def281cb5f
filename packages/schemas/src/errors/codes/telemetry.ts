import type { ErrorCodeInfo } from '../codes.js';

/** Codes owned by the telemetry area; add new ones here (never rename or reuse one). */
export const TELEMETRY_CODES = {} as const satisfies Record<string, ErrorCodeInfo>;
