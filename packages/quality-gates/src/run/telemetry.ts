import { countJsonParse, type GateConfig, type TelemetryHandle } from '@st3/schemas';
import type { GateEvaluation } from '../parse/evaluate.js';
import type { GateResult } from './types.js';

/**
 * One gate's outcome as the metrics dashboard reads it: `gates.duration_ms{gate}` (histogram),
 * `gates.violations{gate}` (counter, by severity too), and `gates.runs{gate,status}`. A skipped gate
 * did not run: it is counted, not timed.
 */
export function reportGate(telemetry: TelemetryHandle, gate: GateResult): void {
  telemetry.count('gates.runs', 1, { gate: gate.id, status: gate.status });
  if (gate.skipped) return;
  telemetry.observe('gates.duration_ms', gate.duration_ms, { gate: gate.id });
  telemetry.count('gates.violations', gate.violations.length, { gate: gate.id });
  let errors = 0;
  for (const v of gate.violations) if (v.severity === 'error') errors++;
  if (errors > 0) telemetry.count('gates.violation_errors', errors, { gate: gate.id });
}

/**
 * A JSON gate's output read as one JSON document from `gates:<id>` (the `json_parse_failures` criterion):
 * failed when the output was not understood. A gate that errored before producing output (tool not
 * found, timeout) parsed nothing and is not counted.
 */
export function countGateJson(
  telemetry: TelemetryHandle | undefined,
  id: string,
  gate: GateConfig,
  evaluation: Pick<GateEvaluation, 'status' | 'errorCode'>,
): void {
  if (gate.capabilities.parsing_strategy !== 'json_violations') return;
  const notUnderstood = evaluation.errorCode === 'E_GATE_OUTPUT';
  if (evaluation.status === 'error' && !notUnderstood) return;
  countJsonParse(telemetry, `gates:${id}`, !notUnderstood);
}
