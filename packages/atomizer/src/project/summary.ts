import type { Diagnostic } from '@st3/schemas';
import type { AtomizedFileRecord } from '../atomize.js';

/** How many of the most complex functions and least atomic atoms a summary keeps. */
export const SUMMARY_TOP = 5;

/** A function of a summary's "most complex" list. */
export type ComplexFunction = { path: string; line: number; name: string; complexity: number };

/** An atom of a summary's "least atomic" list: `violation` names the criteria it fails. */
export type NonAtomicAtom = {
  path: string;
  startLine: number;
  endLine: number;
  kind: string;
  name?: string;
  score: number;
  violation: string;
};

/**
 * What a report needs of one file's atomization: its counts and its few worst functions and atoms.
 * `atomizeProject(…, { detail: 'summary' })` yields these instead of whole records, so a run that only
 * reports totals neither copies every atom out of the worker threads nor keeps it in memory.
 */
export type AtomizedFileSummary = {
  path: string;
  language: string;
  loc: number;
  functions: number;
  atoms: number;
  nonAtomic: number;
  /** Its most complex functions, most complex first (ties in source order), at most SUMMARY_TOP. */
  topComplexity: ComplexFunction[];
  /** Its least atomic atoms, lowest score first (ties in source order), at most SUMMARY_TOP. */
  worstAtoms: NonAtomicAtom[];
  diagnostics: Diagnostic[];
};

/** The totals of a run: files, functions, atoms, source lines, and the worst functions and atoms of all. */
export type AtomizeSummary = {
  files: number;
  functions: number;
  atoms: number;
  nonAtomic: number;
  loc: number;
  topComplexity: ComplexFunction[];
  worstAtoms: NonAtomicAtom[];
};

// Array.prototype.sort is stable: ties keep their order (files by path, then source order).
const byComplexity = (a: ComplexFunction, b: ComplexFunction) => b.complexity - a.complexity;
const byScore = (a: NonAtomicAtom, b: NonAtomicAtom) => a.score - b.score;

/** One file's summary, from its full record. */
export function summarizeFile(record: AtomizedFileRecord): AtomizedFileSummary {
  const { path } = record;
  const functions = record.functions.map((fn) => ({
    path,
    line: fn.startLine,
    name: fn.qualifiedName,
    complexity: fn.complexity,
  }));
  const nonAtomic = record.atoms.filter((a) => !a.atomicity.atomic);
  const worst = nonAtomic.map((a): NonAtomicAtom => ({
    path: a.path,
    startLine: a.startLine,
    endLine: a.endLine,
    kind: a.kind,
    ...(a.name !== undefined ? { name: a.name } : {}),
    score: a.atomicity.score,
    violation: a.atomicity.violations.map((v) => v.criterion).join(', '),
  }));
  return {
    path,
    language: record.language,
    loc: record.loc,
    functions: record.functions.length,
    atoms: record.atoms.length,
    nonAtomic: nonAtomic.length,
    topComplexity: functions.sort(byComplexity).slice(0, SUMMARY_TOP),
    worstAtoms: worst.sort(byScore).slice(0, SUMMARY_TOP),
    diagnostics: record.diagnostics,
  };
}

/**
 * The run's totals from its files' summaries (or records), given in path order: the worst functions
 * and atoms of all are the worst of each file's worst, so summaries give what whole records give.
 */
export function summarizeProject(files: readonly (AtomizedFileSummary | AtomizedFileRecord)[]): AtomizeSummary {
  const summaries = files.map((f) =>
    typeof f.atoms === 'number' ? (f as AtomizedFileSummary) : summarizeFile(f as AtomizedFileRecord),
  );
  let functions = 0;
  let atoms = 0;
  let nonAtomic = 0;
  let loc = 0;
  for (const s of summaries) {
    functions += s.functions;
    atoms += s.atoms;
    nonAtomic += s.nonAtomic;
    loc += s.loc;
  }
  return {
    files: summaries.length,
    functions,
    atoms,
    nonAtomic,
    loc,
    topComplexity: summaries
      .flatMap((s) => s.topComplexity)
      .sort(byComplexity)
      .slice(0, SUMMARY_TOP),
    worstAtoms: summaries
      .flatMap((s) => s.worstAtoms)
      .sort(byScore)
      .slice(0, SUMMARY_TOP),
  };
}
