import type { GateState, QualityGatesState } from './state.js';

// `QualityGatesStateSchema` read without zod, for a command's start-up (`st3 gates --dry-run` reads
// state.json before anything else). Only a section that is plainly valid is read here; anything else
// returns undefined and the schema judges it. A property test holds this to the schema's own output.

type Plain = Record<string, unknown>;

// An own "__proto__" key (JSON.parse makes one) is copied by a spread but not by the schema: left to it.
const isPlain = (v: unknown): v is Plain =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  Object.getPrototypeOf(v) === Object.prototype &&
  !Object.hasOwn(v, '__proto__');
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const optional = (v: unknown, test: (v: unknown) => boolean) => v === undefined || test(v);

function fastGateState(value: unknown): GateState | undefined {
  if (!isPlain(value)) return undefined;
  if (!optional(value.failed_files, isStrings)) return undefined;
  if (!optional(value.config_hash, (v) => v === null || typeof v === 'string')) return undefined;
  if (!optional(value.project_failed, (v) => typeof v === 'boolean')) return undefined;
  return { ...value, failed_files: value.failed_files === undefined ? [] : [...(value.failed_files as string[])] };
}

/**
 * The `quality_gates` section of state.json as `QualityGatesStateSchema.safeParse` returns it (defaults
 * filled, unknown keys kept), when it is plainly valid; undefined when only the schema can say.
 */
export function fastQualityGatesState(value: unknown): QualityGatesState | undefined {
  if (!isPlain(value)) return undefined;
  if (!optional(value.baseline_sha, (v) => v === null || typeof v === 'string')) return undefined;
  if (!optional(value.failed_files, isStrings) || !optional(value.unverified_files, isStrings)) return undefined;
  let gates: Record<string, GateState> | undefined;
  if (value.gates !== undefined) {
    if (!isPlain(value.gates)) return undefined;
    gates = {};
    for (const [id, g] of Object.entries(value.gates)) {
      const gate = fastGateState(g);
      if (!gate) return undefined;
      gates[id] = gate;
    }
  }
  return {
    ...value,
    failed_files: value.failed_files === undefined ? [] : [...(value.failed_files as string[])],
    ...(value.unverified_files !== undefined ? { unverified_files: [...(value.unverified_files as string[])] } : {}),
    ...(gates ? { gates } : {}),
  };
}
