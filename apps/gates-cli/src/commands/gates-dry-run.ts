import { createOutput, EXIT } from '@st3/cli-kit';
import { gatePlanDocument, planGateRun, type RunPlan } from '@st3/quality-gates/plan';
import type { GatesCommandInput } from './gates-run-body.js';

type Output = ReturnType<typeof createOutput>;

/**
 * `st3 gates --dry-run`: what each gate would check and why. Loads only the planner (no gate runners,
 * and no schema library while quality.yaml is unchanged since it was last validated).
 */
export async function dryRunGates({ values, scope, files, filesBase, ws, common, io }: GatesCommandInput) {
  const format = common.json ? 'json' : (values.format ?? 'text');
  const out = createOutput(io, { ...common, json: format !== 'text' });
  const scopeRequest = { kind: scope, files, filesBase, parentBranch: values.parent };
  // A dry run changes nothing: it answers from the config cache but never writes it.
  const plan = await planGateRun({
    cwd: ws.root,
    config: ws.configPath,
    scope: scopeRequest,
    gates: values.gate,
    cacheConfig: 'read-only',
  });
  // On stderr, as a run prints them: the --json document stays the plan alone.
  for (const d of plan.configWarnings) out.diagnostic(d);
  printPlan(plan, format === 'json', out);
  return EXIT.ok;
}

/** `--dry-run`: the scope, then per gate its mode, files and why; `--json` gives them as one document. */
function printPlan(plan: RunPlan, asJson: boolean, out: Output): void {
  const document = gatePlanDocument(plan);
  if (asJson) {
    out.document(document);
    return;
  }
  out.line(`scope: ${document.scope.description}`);
  for (const g of document.gates) {
    const what = g.mode === 'skip' ? 'skipped' : `${g.mode}, ${g.files.length} file${g.files.length === 1 ? '' : 's'}`;
    out.line(`${g.mode === 'skip' ? out.color.dim('○') : '●'} ${g.id}: ${what} — ${g.reason}`);
  }
  out.info(out.color.dim('dry run: nothing was run and state.json is unchanged'));
}
