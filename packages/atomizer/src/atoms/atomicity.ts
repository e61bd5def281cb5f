import { isIoCall, isNondeterministic } from '../metrics.js';
import type { ParsedFile } from '../types.js';
import type { AtomContext } from './context.js';
import { unitOf, type Piece } from './decompose.js';
import type { ResolvedAtomOptions } from './options.js';

export type AtomicityViolation = {
  criterion: string;
  severity: 'critical' | 'warning' | 'info';
  message: string;
  suggestion?: string;
};

export type Atomicity = {
  score: number;
  atomic: boolean;
  passed: string[];
  violations: AtomicityViolation[];
};

export const CRITERIA = [
  'size',
  'complexity',
  'single_responsibility',
  'clear_boundaries',
  'independence',
  'context_completeness',
  'testable',
  'deterministic',
  'no_side_effects',
  'clear_io',
] as const;

export interface AtomFacts {
  calls: string[];
  writesModuleState: boolean;
  returnsValue: boolean;
  dependsOnFragments: number;
  dependsOn: number;
}

/** Ten criteria of 0.1 each, decided from the syntax tree (calls, writes, units), never from the text. */
export function validateAtomicity(
  file: ParsedFile,
  piece: Piece,
  context: AtomContext,
  facts: AtomFacts,
  o: ResolvedAtomOptions,
): Atomicity {
  const violations: AtomicityViolation[] = [];
  const passed: string[] = [];
  const check = (criterion: string, ok: boolean, v: Omit<AtomicityViolation, 'criterion'>) => {
    if (ok) passed.push(criterion);
    else violations.push({ criterion, ...v });
  };
  const unit = unitOf(piece);
  const units = piece.nodes.filter((n) => n.fn || n.kind === 'class').length;

  // Pieces over the limit are the ones no statement boundary could split: the reason says why.
  check('size', piece.loc <= o.maxLoc, {
    severity: piece.indivisible ? 'warning' : piece.loc > 2 * o.maxLoc ? 'critical' : 'warning',
    message: `${piece.loc} source lines (max ${o.maxLoc})${piece.indivisible ? `: ${piece.indivisible}` : ''}`,
    suggestion: piece.indivisible
      ? 'move the text or data to its own file, or accept this atom as a whole'
      : 'split it at a statement boundary into smaller functions',
  });
  check('complexity', piece.complexity < o.maxComplexity, {
    severity: piece.complexity > 2 * o.maxComplexity ? 'critical' : 'warning',
    message: `complexity ${piece.complexity} (must stay below ${o.maxComplexity})`,
    suggestion: 'extract branches into helper functions or use early returns',
  });
  const kinds = new Set(
    piece.nodes.map((n) => (n.kind === 'import' ? 'import' : n.fn || n.kind === 'class' ? 'unit' : 'code')),
  );
  check('single_responsibility', units <= 1 && !(kinds.has('import') && kinds.size > 1), {
    severity: 'warning',
    message: units > 1 ? `defines ${units} functions/classes` : 'mixes imports with code',
    suggestion: 'keep one function, class or statement group per atom',
  });
  check('clear_boundaries', !piece.fragment, {
    severity: 'warning',
    message: `a block of ${piece.parent?.fn?.name ?? piece.parent?.name ?? 'a larger statement'}, not a whole unit`,
    suggestion: 'extract the block into a named function with explicit parameters',
  });
  check('independence', facts.dependsOnFragments === 0 && facts.dependsOn <= 3, {
    severity: 'warning',
    message:
      facts.dependsOnFragments > 0
        ? `uses names defined by ${facts.dependsOnFragments} sibling block(s)`
        : `depends on ${facts.dependsOn} other atoms`,
    suggestion: 'pass what it needs as parameters',
  });
  check('context_completeness', context.completeness >= 0.95, {
    severity: 'warning',
    message: `context completeness ${context.completeness.toFixed(2)}: ${context.missing.map((m) => m.component).join(', ')} missing`,
    suggestion: context.missing[0]?.reason,
  });
  const io = facts.calls.filter(isIoCall);
  const random = facts.calls.filter(isNondeterministic);
  const declarative =
    piece.nodes.length > 0 &&
    piece.nodes.every((n) => ['import', 'interface', 'type', 'enum', 'export', 'class'].includes(n.kind));
  check('testable', (!!unit || declarative || piece.nodes.length === 0) && io.length === 0, {
    severity: 'info',
    message: unit ? 'performs I/O, so a test needs mocks' : 'not a callable unit',
    suggestion: 'wrap the statements in a function that takes its inputs as parameters',
  });
  check('deterministic', random.length === 0, {
    severity: 'warning',
    message: `calls ${random.slice(0, 3).join(', ')}`,
    suggestion: 'inject the clock or random source as a parameter',
  });
  check('no_side_effects', io.length === 0 && !facts.writesModuleState, {
    severity: 'warning',
    message: io.length > 0 ? `performs I/O (${io.slice(0, 3).join(', ')})` : 'writes module-level state',
    suggestion: 'return values instead and let the caller do the I/O or state change',
  });
  const fn = unit;
  const py = file.language === 'python';
  const typedParams = fn
    ? fn.params.every((p) => p.type || p.defaultValue !== undefined || p.name === 'self' || p.name === 'cls')
    : true;
  const returns = facts.returnsValue;
  const ioOk = fn
    ? typedParams && (!returns || !!fn.returnType || fn.kind === 'constructor')
    : piece.fragment
      ? context.unresolved.length === 0
      : true;
  check('clear_io', ioOk, {
    severity: 'info',
    message: fn ? `${typedParams ? 'return type' : 'parameter types'} not declared` : 'reads names it does not receive',
    suggestion: py ? 'add type annotations to parameters and the return value' : 'declare parameter and return types',
  });
  const score = Math.round(passed.length) / 10;
  return { score, atomic: score >= 0.8, passed, violations };
}
