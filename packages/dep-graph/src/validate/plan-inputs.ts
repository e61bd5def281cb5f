import { St3Error, type AtomizeOutput } from '@st3/schemas';
import type { BuildOptions } from '../build/atoms.js';
import type { GraphInputs } from '../inputs.js';
import { validatePlan, type CheckRegistry, type PlanValidation } from './registry.js';
import type { ValidationOptions } from './types.js';

/**
 * `validatePlan` of what `loadGraphInputs` read, as `st3 validate-plan` and the validate_plan MCP tool run
 * it: imports resolved with the inputs' tsconfig `paths`, and every source file the atomizer skipped an
 * error of the plan (a file not validated never passes). `given` names the inputs in errors. Nothing to
 * validate is no verdict: a `{nodes, edges}` graph alone, or atoms of no code, is E_GRAPH_INPUT.
 */
export function validatePlanInputs(
  inputs: Pick<GraphInputs, 'atoms' | 'resolve' | 'skipped'>,
  given: readonly string[],
  options: Omit<ValidationOptions, 'skipped'> & BuildOptions & { registry?: CheckRegistry } = {},
): PlanValidation {
  const atoms = atomsToValidate(inputs.atoms, given);
  return validatePlan(atoms, { ...inputs.resolve, ...options, skipped: inputs.skipped });
}

function atomsToValidate(atoms: AtomizeOutput | undefined, given: readonly string[]): AtomizeOutput {
  if (!atoms)
    throw new St3Error(
      'E_GRAPH_INPUT',
      'validating a plan needs atoms (atomizer output or source paths), not only a {nodes, edges} graph',
      { hint: 'st3 atomize src --json > atoms.json && st3 validate-plan atoms.json' },
    );
  // Nothing to check is no verdict: a plan of zero atoms never passes.
  if (!atoms.files.some((f) => f.atoms.length > 0))
    throw new St3Error(
      'E_GRAPH_INPUT',
      `no atoms to validate in ${given.join(' ')} (${atoms.files.length} file${atoms.files.length === 1 ? '' : 's'}, no code)`,
      { hint: 'name the folders or files with the code to validate, or `st3 atomize --json` output of them' },
    );
  return atoms;
}
