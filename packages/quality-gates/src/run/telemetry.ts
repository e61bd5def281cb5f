import type { TelemetryHandle } from '@st3/schemas';
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
