import type { PlanFileIssue } from './plan-spec.js';
import type { PlanCheck, ValidationIssue } from './types.js';
import { checkBalance } from './syntax.js';
import { recordedSyntaxErrors } from './recorded-syntax.js';
import { importBindings } from '../build/atoms.js';

/** Atom level: line range sane, code balanced, parse errors the atomizer recorded. */
export const atomSyntax: PlanCheck<'atom'> = {
  id: 'atom.syntax',
  level: 'atom',
  description:
    'the atom is well-formed: a valid line range, balanced brackets and closed strings, no recorded parse errors',
  run({ atom, file }) {
    const issues: PlanFileIssue[] = [];
    const at = { file: atom.path, line: atom.startLine, atom: atom.id };
    if (atom.endLine < atom.startLine)
      issues.push({
        ...at,
        severity: 'error',
        message: `line range ${atom.startLine}-${atom.endLine} ends before it starts`,
      });
    if (atom.path !== file.path)
      issues.push({
        ...at,
        severity: 'error',
        message: `atom path "${atom.path}" differs from its file "${file.path}"`,
      });
    // What the atomizer's parser found: a file that does not parse is in the graph only as far as it parsed.
    const parsed = recordedSyntaxErrors(atom, file);
    for (const e of parsed)
      issues.push({
        ...at,
        line: e.line,
        ...(e.column !== undefined ? { column: e.column } : {}),
        severity: 'error',
        message: `syntax: ${e.message}`,
        hint: 'fix it: the file is in the graph only as far as it parsed',
      });
    // Atoms cut out of a class or a block (`strategy` by_class/by_block, kind block) hold part of the braces by design.
    const fragment = atom.kind === 'block' || atom.strategy === 'by_class' || atom.strategy === 'by_block';
    // The light bracket scan where the parser recorded nothing here (atoms from elsewhere): it would repeat it.
    if (typeof atom.code === 'string' && !fragment && parsed.length === 0) {
      const problem = checkBalance(atom.code, file.language);
      if (problem)
        issues.push({
          ...at,
          line: atom.startLine + problem.line - 1,
          severity: 'error',
          message: `syntax: ${problem.message}`,
        });
    }
    for (const key of ['syntaxErrors', 'parseErrors'] as const) {
      const recorded = atom.context[key];
      if (Array.isArray(recorded))
        for (const e of recorded)
          issues.push({
            ...at,
            severity: 'error',
            message: `syntax: ${typeof e === 'string' ? e : JSON.stringify(e)}`,
          });
    }
    return issues;
  },
};

/** Atom level: the atomizer's own atomicity verdict, scored by it. */
export const atomAtomicity: PlanCheck<'atom'> = {
  id: 'atom.atomicity',
  level: 'atom',
  description:
    "the atom is atomic by the atomizer's criteria (size, complexity, single responsibility); violations are warnings that lower the score",
  run({ atom }) {
    const issues: ValidationIssue[] = atom.atomicity.violations.map((v) => ({
      // A function that fits in one atom is never split, however complex: how atomic it is is a score, not a defect.
      severity: v.severity === 'critical' ? 'warning' : v.severity,
      message: `${v.criterion}: ${v.message}`,
      file: atom.path,
      line: atom.startLine,
      atom: atom.id,
      ...(v.suggestion ? { hint: v.suggestion } : {}),
    }));
    const score = Number.isFinite(atom.atomicity.score)
      ? Math.max(0, Math.min(1, atom.atomicity.score > 1 ? atom.atomicity.score / 100 : atom.atomicity.score))
      : undefined;
    return { issues, score };
  },
};

/** Task level: atoms belong to the task's files, ids are unique, ranges do not overlap. */
export const taskConsistency: PlanCheck<'task'> = {
  id: 'task.consistency',
  level: 'task',
  description:
    "the atoms of a task are consistent: unique ids, inside the task's files, non-overlapping line ranges, one language per file",
  run(task) {
    const issues: ValidationIssue[] = [];
    const seen = new Set<string>();
    const paths = new Set(task.files.map((f) => f.path));
    for (const atom of task.atoms) {
      if (seen.has(atom.id))
        issues.push({
          severity: 'error',
          message: `duplicate atom id "${atom.id}"`,
          file: atom.path,
          line: atom.startLine,
          atom: atom.id,
        });
      seen.add(atom.id);
      if (!paths.has(atom.path))
        issues.push({
          severity: 'error',
          message: `atom "${atom.id}" belongs to ${atom.path}, outside the task`,
          atom: atom.id,
        });
    }
    for (const file of task.files) {
      const sorted = [...file.atoms].sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
      let open: (typeof sorted)[number] | undefined;
      for (const atom of sorted) {
        // Nested atoms (a method inside a class atom) are fine; partial overlaps are not.
        if (open && atom.startLine <= open.endLine && atom.endLine > open.endLine) {
          issues.push({
            severity: 'warning',
            message: `atom lines ${atom.startLine}-${atom.endLine} overlap ${open.startLine}-${open.endLine}`,
            file: file.path,
            line: atom.startLine,
            atom: atom.id,
            hint: 're-run the atomizer; atoms should partition the file',
          });
        }
        if (!open || atom.endLine > open.endLine) open = atom;
      }
    }
    return issues;
  },
};

/** Task level: every used name is defined in the task, imported, or a known global. */
export const taskSymbolResolution: PlanCheck<'task'> = {
  id: 'task.symbol-resolution',
  level: 'task',
  description: 'every symbol an atom uses is defined in the task, imported, or a known global',
  run(task, ctx) {
    const issues: ValidationIssue[] = [];
    let used = 0;
    for (const file of task.files) {
      const table = ctx.built.symbols.get(file.path);
      const globals = ctx.globals(file.language);
      const definedInTask = new Set(task.atoms.flatMap((a) => a.symbols.defined));
      for (const atom of file.atoms) {
        const own = new Set(atom.symbols.defined);
        // When the atomizer says which names it could not resolve (it knows the file's own bindings and its globals), trust it as a filter.
        const unresolved = Array.isArray(atom.context.unresolved)
          ? new Set(atom.context.unresolved as unknown[])
          : undefined;
        for (const name of atom.symbols.used) {
          used++;
          const head = name.split('.')[0]!;
          if (own.has(head) || definedInTask.has(head) || table?.imports.has(head) || globals.has(head)) continue;
          if (unresolved && !unresolved.has(head) && !unresolved.has(name)) continue;
          issues.push({
            severity: 'error',
            message: `"${head}" is used but not defined, imported or a known global`,
            file: file.path,
            line: atom.startLine,
            atom: atom.id,
            hint: 'import it, define it, or pass it with --global if the runtime provides it',
          });
        }
      }
    }
    return { issues, score: used === 0 ? 1 : Math.max(0, 1 - issues.length / used) };
  },
};

/** Task level: one import per module, one binding per local name. */
export const taskDuplicateImports: PlanCheck<'task'> = {
  id: 'task.duplicate-imports',
  level: 'task',
  description: 'a module is imported once per file and no local name is bound twice',
  run(task) {
    const issues: ValidationIssue[] = [];
    for (const file of task.files) {
      const modules = new Map<string, number>();
      const locals = new Map<string, { module: string; object: string }>();
      for (const imp of file.imports) {
        // An import inside a function (Python) binds a local name of that function only.
        if ((imp as { local?: boolean }).local === true) continue;
        // `import type {…}` beside a value import of the same module is the usual TS style, not a duplicate.
        const key = `${imp.typeOnly === true ? 'type ' : ''}${imp.module}`;
        const count = (modules.get(key) ?? 0) + 1;
        modules.set(key, count);
        if (count === 2)
          issues.push({
            severity: 'warning',
            message: `"${imp.module}" is imported more than once`,
            file: file.path,
            line: imp.line,
            hint: 'merge the imports',
          });
        for (const b of importBindings(imp)) {
          // What the name is bound to: `import a.b` and `import a.c` both bind the package `a` (no conflict).
          const object =
            b.imported === '*' && imp.namespace === b.local && imp.module.startsWith(`${b.local}.`)
              ? b.local
              : `${imp.module}:${b.imported}`;
          const before = locals.get(b.local);
          if (before !== undefined && before.object !== object)
            issues.push({
              severity: 'error',
              message: `"${b.local}" is bound by two imports (${before.module} and ${imp.module})`,
              file: file.path,
              line: imp.line,
            });
          locals.set(b.local, { module: imp.module, object });
        }
      }
    }
    return issues;
  },
};

const CAMEL = /^_{0,2}[a-z][A-Za-z0-9]*$|^[A-Z][A-Z0-9_]*$/;
const PASCAL = /^_?[A-Z][A-Za-z0-9]*$/;
const SNAKE = /^_{0,2}[a-z][a-z0-9_]*_{0,2}$|^[A-Z][A-Z0-9_]*$/;

/** Task level: names follow the language's convention (camelCase/PascalCase in TS and JS, snake_case/PascalCase in Python). */
export const taskNaming: PlanCheck<'task'> = {
  id: 'task.naming',
  level: 'task',
  description:
    'defined names follow one convention: camelCase values and PascalCase types/classes (TS/JS), snake_case functions and PascalCase classes (Python)',
  run(task) {
    const issues: ValidationIssue[] = [];
    let named = 0;
    for (const file of task.files) {
      const python = file.language === 'python';
      for (const atom of file.atoms) {
        const name = atom.name;
        if (!name || name.includes('.') || name.startsWith('<') || name === 'default' || name === 'constructor')
          continue;
        named++;
        const typeLike = /^(class|interface|types?|enum|type[-_ ]?alias)$/i.test(atom.kind);
        // PascalCase functions are accepted in TS/JS: components and factories of classes use them.
        const ok = typeLike
          ? PASCAL.test(name)
          : python
            ? SNAKE.test(name) || /^__\w+__$/.test(name)
            : CAMEL.test(name) || (PASCAL.test(name) && /function|arrow|component/i.test(atom.kind));
        if (!ok) {
          const want = typeLike ? 'PascalCase' : python ? 'snake_case' : 'camelCase';
          issues.push({
            severity: 'warning',
            message: `${atom.kind} "${name}" is not ${want}`,
            file: file.path,
            line: atom.startLine,
            atom: atom.id,
          });
        }
      }
    }
    return { issues, score: named === 0 ? 1 : 1 - issues.length / named };
  },
};

/** Task level: what other tasks import from this task exists at module level here. */
export const taskPublicContracts: PlanCheck<'task'> = {
  id: 'task.public-contracts',
  level: 'task',
  description: 'every name other tasks import from this task is defined (or re-exported) at module level in it',
  run(task, ctx) {
    const issues: ValidationIssue[] = [];
    const mine = new Set(task.files.map((f) => f.path));
    for (const [path, table] of ctx.built.symbols) {
      if (mine.has(path)) continue;
      for (const b of table.imports.values()) {
        if (!b.target || !mine.has(b.target) || b.imported === '*' || b.imported === 'default') continue;
        const target = ctx.built.symbols.get(b.target);
        if (!target) continue;
        if (!target.provides.has(b.imported) && !target.reexportsAll) {
          issues.push({
            severity: 'error',
            message: `"${b.imported}" is imported by ${path} but not defined in ${b.target}`,
            file: path,
            line: b.line,
            hint: `define and export "${b.imported}" in ${b.target}, or fix the import`,
          });
          continue;
        }
        // Older output knows module level only from scopes: a definer nested in a function is not importable.
        const definers = target.definitions.get(b.imported) ?? [];
        if (target.legacy && definers.length > 0 && !definers.some((a) => isModuleLevel(a, b.imported)))
          issues.push({
            severity: 'error',
            message: `"${b.imported}" is imported by ${path} but is not at module level in ${b.target}`,
            file: path,
            line: b.line,
          });
      }
    }
    return issues;
  },
};

function isModuleLevel(a: { scope?: string[] }, name: string): boolean {
  return (a.scope ?? []).length <= 1 || a.scope?.[1] === `class ${name}` || a.scope?.[1] === `function ${name}`;
}
