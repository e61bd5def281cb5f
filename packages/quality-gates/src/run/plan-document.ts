import { formatDiagnostic } from '@st3/schemas/errors';
import type { RunPlan } from './plan-run.js';

/** `st3 gates run --dry-run --json`'s document: the scope, then per gate its mode, files and why. */
export interface GatePlanDocument {
  scope: {
    kind: string;
    mode: string;
    description: string;
    base?: string;
    head?: string;
    changed?: string[];
    deleted?: string[];
    unverified?: string[];
  };
  gates: {
    id: string;
    name: string;
    mode: 'project' | 'files' | 'skip';
    files: string[];
    reason: string;
    sound: boolean;
  }[];
}

/** The plan as the dry run reports it (CLI `--json` and the MCP `plan_quality_gates` tool alike). */
export function gatePlanDocument(plan: RunPlan): GatePlanDocument {
  const { scope } = plan;
  return {
    scope: {
      kind: scope.kind,
      mode: scope.mode,
      description: scope.description,
      ...(scope.base ? { base: scope.base } : {}),
      ...(scope.head ? { head: scope.head } : {}),
      ...(scope.changed ? { changed: scope.changed } : {}),
      ...(scope.deleted ? { deleted: scope.deleted } : {}),
      ...(scope.unverified ? { unverified: scope.unverified } : {}),
    },
    gates: plan.plans.map((p) => ({
      id: p.id,
      name: p.gate.name,
      mode: p.mode,
      files: p.files,
      reason: p.reason,
      sound: p.sound,
    })),
  };
}

/**
 * The plan's warnings as a run reports them (`warning` events): quality.yaml's own (a field_map key that is
 * no field...) and the scope's. Each is a warning already, so the text drops the diagnostic's `warning:` label.
 */
export function planWarnings(plan: RunPlan): string[] {
  return [...plan.configWarnings.map((d) => formatDiagnostic({ ...d, severity: 'error' })), ...plan.scope.warnings];
}
