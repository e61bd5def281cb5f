import type { QualityConfig, Violation } from '@st3/schemas';
import type { GateRunResult } from '../run/types.js';

export interface SarifOptions {
  /** The config the run used: gives each run its tool name and command line. */
  config?: QualityConfig;
  /**
   * Files that failed before this run (state `failed_files`, every gate's) when a baseline exists: a result in
   * one of them may or may not have been there, so it has no `baselineState`; a result elsewhere is `new`.
   * Absent (and no `baselineGates`) = no baseline, so no `baselineState`.
   */
  baselineFailedFiles?: readonly string[];
  /**
   * Per gate (state `gates`): what that gate failed on before, used instead of `baselineFailedFiles` for the
   * gates it names, so a file another gate failed on does not make this gate's new result look old.
   */
  baselineGates?: Readonly<Record<string, { failed_files?: readonly string[]; project_failed?: boolean }>>;
  /** Version written in `tool.driver.version` (default: the ST3 engine's). */
  version?: string;
}

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * SARIF 2.1.0: one run per gate that ran (skipped gates have no run), rules listed per run. With
 * `--new-only` results, the pre-existing violations are included with `baselineState: unchanged` and the
 * reported ones are `new`.
 */
export function toSarif(result: GateRunResult, options: SarifOptions = {}): Record<string, unknown> {
  const runs = result.gates
    .filter((g) => !g.skipped)
    .map((gate) => {
      const pre = gate.preexisting_violations;
      const all = pre ? [...gate.violations, ...pre] : gate.violations;
      const ruleIds = [...new Set(all.map((v) => v.rule ?? gate.id))].sort();
      const ruleIndex = new Map(ruleIds.map((r, i) => [r, i]));
      const command = options.config?.gates[gate.id]?.execution.command;
      const failedBefore = failedBeforeFor(gate.id, options);
      const state = (v: Violation, old: boolean): BaselineState =>
        pre ? (old ? 'unchanged' : 'new') : failedBefore ? failedBefore(v.file) : undefined;
      const run: Record<string, unknown> = {
        tool: {
          driver: {
            name: gate.name,
            ...(options.version ? { version: options.version } : {}),
            informationUri: 'https://github.com/st3/st3',
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: id } })),
          },
        },
        automationDetails: { id: `st3/gates/${gate.id}/` },
        originalUriBaseIds: { SRCROOT: { description: { text: 'The workspace root' } } },
        invocations: [
          {
            executionSuccessful: gate.status !== 'error',
            ...(command ? { commandLine: command.join(' ') } : {}),
            ...(gate.status === 'error' && gate.reason
              ? { toolExecutionNotifications: [{ level: 'error', message: { text: gate.reason } }] }
              : {}),
          },
        ],
        results: [
          ...gate.violations.map((v) => sarifResult(v, gate.id, ruleIndex, state(v, false))),
          ...(pre ?? []).map((v) => sarifResult(v, gate.id, ruleIndex, state(v, true))),
        ],
      };
      return run;
    });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs,
  };
}

type BaselineState = 'new' | 'unchanged' | undefined;

/**
 * Without `--new-only`, what the state says of a result's file: the gate passed it at the baseline and has
 * not failed it since, so the result is `new`; or the gate failed it before (or failed without naming files),
 * and a failing file says nothing about which results it had — `unchanged` there would hide a new one from
 * every viewer that shows only new results, so it has none. Undefined: no baseline to compare with.
 */
function failedBeforeFor(gateId: string, options: SarifOptions): ((file: string | null) => BaselineState) | undefined {
  const gate = options.baselineGates?.[gateId];
  const list = gate?.failed_files ?? options.baselineFailedFiles;
  if (!list) return undefined;
  const failed = new Set(list);
  return (file) => (gate?.project_failed || (file !== null && failed.has(file)) ? undefined : 'new');
}

function sarifResult(
  v: Violation,
  gateId: string,
  ruleIndex: Map<string, number>,
  baselineState: BaselineState,
): Record<string, unknown> {
  const ruleId = v.rule ?? gateId;
  // A region needs a line (1-based); a column only means something with its line.
  const region: Record<string, number> | undefined =
    v.line !== null ? { startLine: v.line, ...(v.col !== null ? { startColumn: v.col } : {}) } : undefined;
  const location = v.file
    ? [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeUri(v.file), ...(v.file.startsWith('/') ? {} : { uriBaseId: 'SRCROOT' }) },
            ...(region ? { region } : {}),
          },
        },
      ]
    : [];
  return {
    ruleId,
    ruleIndex: ruleIndex.get(ruleId) ?? 0,
    level: LEVEL[v.severity],
    message: { text: v.message || ruleId },
    locations: location,
    ...(v.fixable ? { properties: { fixable: true } } : {}),
    ...(baselineState ? { baselineState } : {}),
  };
}

function encodeUri(file: string): string {
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return file.startsWith('/') ? `file://${encoded}` : encoded;
}
