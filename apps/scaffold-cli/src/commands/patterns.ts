import { relative, resolve } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import { checkPatterns, PATTERN_RULES, resolvePatternCheck } from '@st3/scaffolder';
import { formatPath } from '@st3/schemas/errors';

const check = defineCommand({
  name: 'check',
  summary: 'compliance check of a pattern registry: schema, doc ids, links, sidecars, DOC_LINK headers',
  description: [
    'Findings are printed as file:line:col [rule] message; exit 1 on any error. A registry that lists no pattern ' +
      'checks nothing: that is the registry-empty error, never a pass. --config FILE names the rules ' +
      'file (default .st3/config/patterns.yaml when present).',
    `Rules: ${Object.entries(PATTERN_RULES)
      .map(([rule, what]) => `${rule} (${what})`)
      .join('; ')}.`,
  ],
  args: [
    {
      name: 'registry',
      description: 'the folder holding PATTERN_INDEX.yaml, or the file (default: patterns/ of the workspace)',
    },
  ],
  options: {
    rule: {
      type: 'string',
      multiple: true,
      valueName: 'RULE=LEVEL',
      description: 'set a rule to error, warning or off (rules listed above)',
    },
    'require-folder': {
      type: 'string',
      multiple: true,
      valueName: 'DIR',
      description: 'a folder that must exist beside the registry (default specs)',
    },
    'link-base': {
      type: 'string',
      valueName: 'DIR',
      description: 'resolve registry links from DIR (default: guessed from the registry folder)',
    },
  },
  examples: [
    'st3 patterns check',
    'st3 patterns check patterns/ --json',
    'st3 patterns check --rule link-separator=off --rule doc-id-missing=error',
  ],
  async run({ values, args, common, io }) {
    const out = createOutput(io, common);
    const ws = resolveWorkspace(io, common);
    const start = resolve(io.cwd, common.cwd ?? '.');
    const { registry, options } = await resolvePatternCheck({
      root: ws.root,
      start,
      ...(ws.configPath !== undefined ? { configFile: ws.configPath } : {}),
      ...(args.registry ? { registry: args.registry } : {}),
      rules: parseRules(values.rule),
      ...(values['require-folder'] ? { requiredFolders: values['require-folder'] } : {}),
      ...(values['link-base'] ? { linkBase: values['link-base'] } : {}),
    });
    const report = await checkPatterns(registry, options);
    if (out.json) {
      out.document(report);
      return report.ok ? EXIT.ok : EXIT.problems;
    }
    const shown = (file: string | undefined) => (file ? relative(start, file) || file : '');
    for (const f of report.findings) {
      if (f.severity === 'warning' && out.quiet) continue;
      const where = `${shown(f.file)}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : ''}`;
      // A schema finding names its field as `st3 validate` does: a required field left out is located at its
      // parent (1:1 at the top), and the message alone does not say which. Other rules' messages name theirs.
      const at = f.rule === 'registry-schema' && f.path && f.path.length > 0 ? ` at ${formatPath(f.path)}` : '';
      const text = `${where}: ${f.severity === 'warning' ? 'warning ' : ''}[${f.rule}] ${f.message}${at}${f.hint ? ` (${f.hint})` : ''}`;
      out.line(f.severity === 'error' ? out.color.red(text) : out.color.yellow(text));
    }
    const rules = Object.entries(report.byRule)
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => `${r} ${n}`)
      .join(', ');
    // No pattern: the per-pattern rules had nothing to check, which the summary says (the finding above has the hint).
    const counted = report.patterns === 0 ? '0 patterns (nothing checked)' : `${report.patterns} patterns`;
    out.line(
      `${shown(report.registry)}: ${counted}, ${report.errors} error(s), ${report.warnings} warning(s)${rules ? ` (${rules})` : ''}`,
    );
    return report.ok ? EXIT.ok : EXIT.problems;
  },
});

/** `--rule RULE=LEVEL` pairs as a record; the rules and levels are checked by resolvePatternCheck. */
function parseRules(pairs: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf('=');
    out[at < 0 ? pair : pair.slice(0, at)] = at < 0 ? '' : pair.slice(at + 1);
  }
  return out;
}

export const command = defineCommand({
  name: 'patterns',
  summary: 'pattern registries: compliance check (batch generation is `st3 scaffold batch`)',
  subcommands: { check },
  defaultSubcommand: 'check',
  examples: [...check.examples, 'st3 scaffold batch patterns --dry-run'],
});
