import type { AtomizedFile, GraphEdge } from '@st3/schemas';
import { listCycles } from '../cycles.js';
import { indexGraph } from '../indexed.js';
import type { BuiltGraph } from '../build/atoms.js';
import type { PlanCheck, PlanContext, ValidationIssue } from './types.js';

/** File-level dependency edges lifted to groups (task or milestone ids), without self-edges. */
function groupEdges(
  ctx: PlanContext,
  groupOf: (file: string) => string | undefined,
  restrict?: ReadonlySet<string>,
): GraphEdge[] {
  const seen = new Map<string, GraphEdge>();
  for (const e of ctx.built.files.edges) {
    // Type-only imports vanish at run time and imports inside functions run when called: neither orders
    // the loading of modules, so neither makes a cycle between groups.
    if (e.type === 'type' || (e as { lazy?: boolean }).lazy === true) continue;
    const from = groupOf(e.from);
    const to = groupOf(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    if (restrict && (!restrict.has(from) || !restrict.has(to))) continue;
    const key = `${from}\u0000${to}`;
    if (!seen.has(key)) seen.set(key, { from, to, type: e.type, symbols: [`${e.from} → ${e.to}`] });
    else seen.get(key)!.symbols!.push(`${e.from} → ${e.to}`);
  }
  return [...seen.values()];
}

function cycleIssues(
  edges: GraphEdge[],
  what: string,
  severity: 'error' | 'warning' = 'error',
  maxCycles = 10,
): ValidationIssue[] {
  if (edges.length === 0) return [];
  const g = indexGraph({ nodes: [], edges });
  const { cycles, truncated } = listCycles(g, maxCycles);
  const issues: ValidationIssue[] = cycles.map((c) => {
    const ids = c.map((v) => g.ids[v]!);
    const via = g.edges.find((e) => e.from === ids[ids.length - 1] && e.to === ids[0]);
    return {
      severity,
      message: `circular dependency between ${what}: ${[...ids, ids[0]].join(' → ')}`,
      hint: via?.symbols?.length ? `closing edge via ${via.symbols[0]}` : undefined,
    };
  });
  if (truncated)
    issues.push({ severity: 'info', message: `more cycles between ${what} exist; the first ${maxCycles} are listed` });
  return issues;
}

/** Milestone level: imports between the milestone's tasks resolve to real definitions. */
export const milestoneInterfaces: PlanCheck<'milestone'> = {
  id: 'milestone.interfaces',
  level: 'milestone',
  description:
    'the interfaces between the tasks of a milestone hold: every cross-task import names something the other task defines',
  run(milestone, ctx) {
    const issues: ValidationIssue[] = [];
    let links = 0;
    const files = new Set(milestone.tasks.flatMap((t) => t.files.map((f) => f.path)));
    for (const path of files) {
      const table = ctx.built.symbols.get(path);
      if (!table) continue;
      for (const b of table.imports.values()) {
        if (!b.target || !files.has(b.target) || ctx.plan.taskOfFile.get(b.target) === ctx.plan.taskOfFile.get(path))
          continue;
        links++;
        if (b.imported === '*' || b.imported === 'default') continue;
        const target = ctx.built.symbols.get(b.target);
        if (target && !target.provides.has(b.imported) && !target.reexportsAll) {
          issues.push({
            severity: 'error',
            message: `${path} imports "${b.imported}" from ${b.target}, which does not define it`,
            file: path,
            line: b.line,
          });
        }
      }
    }
    return { issues, score: links === 0 ? 1 : Math.max(0, 1 - issues.length / links) };
  },
};

/** Milestone level: no cycle between its tasks. */
export const milestoneCycles: PlanCheck<'milestone'> = {
  id: 'milestone.circular-dependencies',
  level: 'milestone',
  description: 'the tasks of a milestone do not depend on each other in a cycle',
  run(milestone, ctx) {
    const tasks = new Set(milestone.tasks.map((t) => t.id));
    return cycleIssues(
      groupEdges(ctx, (f) => ctx.plan.taskOfFile.get(f), tasks),
      'tasks',
    );
  },
};

/** Plan level: no cycle between milestones, and the user's forbidden dependencies are absent. */
export const planArchitecture: PlanCheck<'plan'> = {
  id: 'plan.architecture',
  level: 'plan',
  description: 'milestones depend on each other without cycles, and no file depends on one the layer rules forbid',
  run(plan, ctx) {
    const milestoneOfFile = (f: string): string | undefined => {
      const task = plan.taskOfFile.get(f);
      return task === undefined ? undefined : plan.tasks.find((t) => t.id === task)?.milestone;
    };
    // Without a plan, milestones are folders: a cycle between a folder and its subfolder is ordinary
    // layering inside one package, so it is worth a warning, not an error.
    const issues = cycleIssues(groupEdges(ctx, milestoneOfFile), 'milestones', ctx.options.group ? 'error' : 'warning');
    // One issue per forbidden file edge: graph-sized, so never spread into push (the call stack would overflow).
    for (const rule of ctx.options.forbidden ?? [])
      for (const issue of forbiddenDependencies(rule, ctx.built.files)) issues.push(issue);
    return issues;
  },
};

/** A `--forbid` folder as atom paths write it: forward slashes, no leading `./`, no trailing `/`. */
function rulePath(path: string): string {
  let p = path.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p.replace(/\/+$/, '');
}

/** Is `file` the path `dir` or inside it (`src/core` holds `src/core/a.ts`, not `src/core2/a.ts`)? */
const isUnder = (file: string, dir: string): boolean => dir === '' || file === dir || file.startsWith(`${dir}/`);

/**
 * The edges a forbidden-dependency rule catches. A rule whose folder holds no file is an error too:
 * a misspelt or mis-rooted path would otherwise pass while checking nothing.
 */
function forbiddenDependencies(
  rule: { from: string; to: string; reason?: string },
  files: BuiltGraph['files'],
): ValidationIssue[] {
  const from = rulePath(rule.from);
  const to = rulePath(rule.to);
  const said = `the rule "${rule.from} must not depend on ${rule.to}"`;
  const unmatched = [from, to].filter((dir) => !files.nodes.some((n) => isUnder(n.id, dir)));
  if (unmatched.length > 0)
    return [
      {
        severity: 'error',
        message: `${said} checks nothing: no file is under ${unmatched.map((d) => `"${d}"`).join(' or ')}`,
        hint: 'paths are relative to the folder the command runs in, as atom paths are: e.g. src/core',
      },
    ];
  const issues: ValidationIssue[] = [];
  for (const e of files.edges) {
    // Edge from → to: "to" imports "from"; the rule speaks of the importer depending on the imported.
    if (isUnder(e.to, from) && isUnder(e.from, to))
      issues.push({
        severity: 'error',
        message: `${e.to} depends on ${e.from}, which ${said} forbids`,
        file: e.to,
        ...(rule.reason ? { hint: rule.reason } : {}),
      });
  }
  return issues;
}

/** Plan level: cycles that had to be cut, hubs and atoms depending on too much. */
export const planDependencyHealth: PlanCheck<'plan'> = {
  id: 'plan.dependency-health',
  level: 'plan',
  description:
    'the dependency graph is healthy: no cycles needing cuts, no hub with a huge fan-in, no atom with a huge fan-out',
  run(_plan, ctx) {
    const issues: ValidationIssue[] = [];
    const { analysis } = ctx;
    const maxIn = ctx.options.maxFanIn ?? 25;
    const maxOut = ctx.options.maxFanOut ?? 15;
    const fanIn = new Map<string, number>();
    const fanOut = new Map<string, number>();
    // `{from, to}`: `to` depends on `from`. So an edge is one more atom depending on `from` (its fan-in) and
    // one more atom `to` depends on (its fan-out).
    for (const e of analysis.edges) {
      fanIn.set(e.from, (fanIn.get(e.from) ?? 0) + 1);
      fanOut.set(e.to, (fanOut.get(e.to) ?? 0) + 1);
    }
    const where = new Map(analysis.nodes.map((n) => [n.id, n]));
    const loc = (id: string): Pick<ValidationIssue, 'file' | 'line' | 'atom'> => {
      const node = where.get(id);
      return {
        atom: id,
        ...(typeof node?.path === 'string' ? { file: node.path } : {}),
        ...(typeof node?.startLine === 'number' ? { line: node.startLine } : {}),
      };
    };
    for (const e of analysis.removedEdges) {
      issues.push({
        severity: 'warning',
        message: `cycle cut: ${e.to} depends on ${e.from}${e.symbols?.length ? ` (${e.symbols.join(', ')})` : ''}, which also depends on it`,
        ...loc(e.to),
        hint: 'break the cycle by moving the shared part into its own atom',
      });
    }
    for (const [id, n] of fanIn)
      if (n > maxIn)
        issues.push({ severity: 'warning', message: `${n} atoms depend on this one (hub above ${maxIn})`, ...loc(id) });
    for (const [id, n] of fanOut)
      if (n > maxOut)
        issues.push({ severity: 'warning', message: `depends on ${n} atoms (above ${maxOut})`, ...loc(id) });
    const edges = Math.max(1, analysis.edges.length);
    return {
      issues,
      score: Math.max(
        0,
        1 - analysis.removedEdges.length / edges - 0.02 * (issues.length - analysis.removedEdges.length),
      ),
    };
  },
};

interface SecurityPattern {
  id: string;
  languages: 'js' | 'py' | 'any';
  pattern: RegExp;
  severity: 'error' | 'warning';
  message: string;
  hint: string;
  /** A match counts only when this holds (e.g. the callee really is the shell runner the file imports). */
  applies?: (match: RegExpExecArray, file: AtomizedFile) => boolean;
}

const CHILD_PROCESS = /^(node:)?child_process$/;

/** `exec(…)` / `cp.exec(…)` is a shell command only when `exec` or `cp` comes from child_process (not `re.exec`). */
function isShellExec(match: RegExpExecArray, file: AtomizedFile): boolean {
  const receiver = match[1];
  const fn = match[2]!;
  for (const imp of file.imports) {
    if (!CHILD_PROCESS.test(imp.module)) continue;
    if (receiver === undefined && imp.named?.some((n) => (n.alias ?? n.name) === fn && n.name === fn)) return true;
    if (receiver !== undefined && (imp.default === receiver || imp.namespace === receiver)) return true;
  }
  return false;
}

const SECURITY_PATTERNS: SecurityPattern[] = [
  {
    id: 'eval',
    languages: 'any',
    pattern: /(?<![\w.])eval\s*\(/,
    severity: 'warning',
    message: 'eval() runs arbitrary code',
    hint: 'parse the data instead (JSON.parse, ast.literal_eval)',
  },
  {
    id: 'new-function',
    languages: 'js',
    pattern: /\bnew\s+Function\s*\(/,
    severity: 'warning',
    message: 'new Function() compiles code from a string',
    hint: 'use a closure or a lookup table',
  },
  {
    id: 'exec-interpolated',
    languages: 'js',
    pattern: /(?<![\w$.])(?:([A-Za-z_$][\w$]*)\.)?(exec(?:Sync)?)\s*\(\s*`[^`]*\$\{/,
    severity: 'error',
    message: 'a shell command built by string interpolation (command injection)',
    hint: 'use execFile/spawn with an argument array',
    applies: isShellExec,
  },
  {
    id: 'inner-html',
    languages: 'js',
    pattern: /\.innerHTML\s*=(?!=)/,
    severity: 'warning',
    message: 'assigning innerHTML can inject markup (XSS)',
    hint: 'use textContent or a sanitiser',
  },
  {
    id: 'os-system',
    languages: 'py',
    pattern: /\bos\.system\s*\(/,
    severity: 'warning',
    message: 'os.system runs a shell command',
    hint: 'use subprocess.run([...]) without shell=True',
  },
  {
    id: 'shell-true',
    languages: 'py',
    pattern: /\bshell\s*=\s*True\b/,
    severity: 'warning',
    message: 'subprocess with shell=True (command injection risk)',
    hint: 'pass an argument list and drop shell=True',
  },
  {
    id: 'pickle-load',
    languages: 'py',
    pattern: /\bpickle\.loads?\s*\(/,
    severity: 'warning',
    message: 'unpickling data can run arbitrary code',
    hint: 'use json, or only unpickle trusted data',
  },
  {
    id: 'yaml-load',
    languages: 'py',
    pattern: /\byaml\.load\s*\((?![^)]*Loader\s*=\s*yaml\.SafeLoader)(?![^)]*SafeLoader)/,
    severity: 'warning',
    message: 'yaml.load without SafeLoader can construct arbitrary objects',
    hint: 'use yaml.safe_load',
  },
  {
    id: 'aws-key',
    languages: 'any',
    pattern: /\bAKIA[0-9A-Z]{16}\b/,
    severity: 'error',
    message: 'an AWS access key id is hard-coded',
    hint: 'read it from the environment or a secret store',
  },
  {
    id: 'private-key',
    languages: 'any',
    pattern: /-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----/,
    severity: 'error',
    message: 'a private key is embedded in the code',
    hint: 'load it from a file outside the repository',
  },
  {
    id: 'hardcoded-secret',
    languages: 'any',
    pattern: /\b(?:password|passwd|secret|api_?key|token)\s*[:=]\s*["'][^"'\s]{8,}["']/i,
    severity: 'error',
    message: 'a secret seems hard-coded',
    hint: 'read it from the environment or a secret store',
  },
];

/** Plan level: known dangerous patterns in atom code. */
export const planSecurity: PlanCheck<'plan'> = {
  id: 'plan.security',
  level: 'plan',
  description:
    'no known dangerous pattern in atom code: eval, shell injection, unsafe deserialisation, hard-coded secrets and keys',
  run(plan) {
    const issues: ValidationIssue[] = [];
    let scanned = 0;
    for (const task of plan.tasks) {
      for (const file of task.files) {
        const family = file.language === 'python' ? 'py' : 'js';
        for (const atom of file.atoms) {
          if (typeof atom.code !== 'string') continue;
          scanned++;
          const lines = atom.code.split('\n');
          for (const p of SECURITY_PATTERNS) {
            if (p.languages !== 'any' && p.languages !== family) continue;
            const i = lines.findIndex((l) => {
              const m = p.pattern.exec(l);
              return m !== null && (!p.applies || p.applies(m, file));
            });
            if (i >= 0)
              issues.push({
                severity: p.severity,
                message: `${p.id}: ${p.message}`,
                file: file.path,
                line: atom.startLine + i,
                atom: atom.id,
                hint: p.hint,
              });
          }
        }
      }
    }
    return {
      issues,
      score:
        scanned === 0
          ? 1
          : Math.max(0, 1 - issues.filter((i) => i.severity === 'error').length * 0.25 - issues.length * 0.02),
    };
  },
};
