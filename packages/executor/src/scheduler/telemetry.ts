import type { TelemetryHandle } from '@st3/schemas';
import type { ExecuteEvent } from './types.js';

/**
 * Feeds the run's event stream to a telemetry handle (the series the metrics dashboard reads):
 * `executor.nodes` (nodes that ran to an outcome), `executor.attempts`, `executor.retries`,
 * `executor.failed` (nodes failed after their retries), `executor.skipped`, and the histograms
 * `executor.node_duration_ms` (per succeeded node) and `executor.run_duration_ms`.
 * Counting from events keeps the scheduler free of telemetry code paths.
 */
export function telemetryEmitter(
  telemetry: TelemetryHandle | undefined,
  next: (event: ExecuteEvent) => void,
): (event: ExecuteEvent) => void {
  if (!telemetry) return next;
  return (event) => {
    switch (event.type) {
      case 'node:start':
        telemetry.count('executor.attempts', 1);
        break;
      case 'node:retry':
        telemetry.count('executor.retries', 1, { category: event.category });
        break;
      case 'node:success':
        telemetry.count('executor.nodes', 1, { status: 'succeeded' });
        telemetry.observe('executor.node_duration_ms', event.durationMs);
        break;
      case 'node:failure':
        telemetry.count('executor.nodes', 1, { status: 'failed' });
        telemetry.count('executor.failed', 1, { category: event.category });
        break;
      case 'node:skip':
        telemetry.count('executor.skipped', 1);
        break;
      case 'run:end':
        telemetry.observe('executor.run_duration_ms', event.stats.durationMs, { status: event.status });
        break;
      default:
        break;
    }
    next(event);
  };
}
