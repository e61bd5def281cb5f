import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createOutput, defineCommand, EXIT, resolveWorkspace } from '@st3/cli-kit';
import {
  checkPatterns,
  PATTERN_RULES,
  type PatternCheckOptions,
  type PatternRule,
  type RuleLevel,
} from '@st3/scaffolder';
import {
  errorFromDiagnostics,
  loadFile,
  PatternCheckConfigSchema,
  St3Error,
  type PatternCheckConfig,
} from '@st3/schemas';

const check = defineCommand({
  name: 'check',
  summary: 'compliance check of a pattern registry: schema, doc ids, links, sidecars, DOC_LINK headers',
  description: [
    'Findings are printed as file:line:col [rule] message; exit 1 on any error. --config FILE names the rules ' +
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
    const config = await loadConfig(
      ws.configPath ?? join(ws.st3Dir, 'config', 'patterns.yaml'),
      ws.configPath !== undefined,
    );
    const start = resolve(io.cwd, common.cwd ?? '.');
    const target = args.registry
      ? resolve(start, args.registry)
      : config.registry
        ? resolve(ws.root, config.registry)
        : defaultRegistryDir(ws.root, start);
    const options: PatternCheckOptions = {
      requiredFolders: values['require-folder'] ?? config.required_folders,
      linkFields: config.link_fields,
      linkBase: values['link-base']
        ? resolve(start, values['link-base'])
        : config.link_base
          ? resolve(ws.root, config.link_base)
          : undefined,
      rules: { ...(config.rules as Partial<Record<PatternRule, RuleLevel>> | undefined), ...parseRules(values.rule) },
    };
    const report = await checkPatterns(target, options);
    if (out.json) {
      out.document(report);
      return report.ok ? EXIT.ok : EXIT.problems;
    }
    const shown = (file: string | undefined) => (file ? relative(start, file) || file : '');
    for (const f of report.findings) {
      if (f.severity === 'warning' && out.quiet) continue;
      const where = `${shown(f.file)}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : ''}`;
      const text = `${where}: ${f.severity === 'warning' ? 'warning ' : ''}[${f.rule}] ${f.message}${f.hint ? ` (${f.hint})` : ''}`;
      out.line(f.severity === 'error' ? out.color.red(text) : out.color.yellow(text));
    }
    const rules = Object.entries(report.byRule)
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => `${r} ${n}`)
      .join(', ');
    out.line(
      `${shown(report.registry)}: ${report.patterns} patterns, ${report.errors} error(s), ${report.warnings} warning(s)${rules ? ` (${rules})` : ''}`,
    );
    return report.ok ? EXIT.ok : EXIT.problems;
  },
});

function parseRules(pairs: string[] | undefined): Partial<Record<PatternRule, RuleLevel>> {
  const out: Partial<Record<PatternRule, RuleLevel>> = {};
  for (const pair of pairs ?? []) {
    const [rule, level] = pair.split('=');
    if (!rule || !(rule in PATTERN_RULES))
      throw new St3Error('E_USAGE', `unknown rule "${rule}"`, {
        hint: `one of: ${Object.keys(PATTERN_RULES).join(', ')}`,
      });
    if (level !== 'error' && level !== 'warning' && level !== 'off')
      throw new St3Error('E_USAGE', `--rule ${pair}: level must be error, warning or off`);
    out[rule as PatternRule] = level;
  }
  return out;
}

async function loadConfig(path: string, required: boolean): Promise<PatternCheckConfig> {
  if (!existsSync(path)) {
    if (required) throw new St3Error('E_FILE_NOT_FOUND', `config file not found: ${path}`);
    return {};
  }
  const loaded = await loadFile(path, { schema: PatternCheckConfigSchema });
  if (!loaded.value)
    throw errorFromDiagnostics('E_CONFIG_INVALID', `invalid pattern check config ${path}`, loaded.errors);
  return loaded.value;
}

function defaultRegistryDir(root: string, start: string): string {
  for (const dir of [start, join(start, 'patterns'), join(root, 'patterns'), root]) {
    if (existsSync(join(dir, 'PATTERN_INDEX.yaml')) || existsSync(join(dir, 'registry', 'PATTERN_INDEX.yaml')))
      return dir;
  }
  return join(root, 'patterns');
}

export const command = defineCommand({
  name: 'patterns',
  summary: 'pattern registries: compliance check (batch generation is `st3 scaffold batch`)',
  subcommands: { check },
  defaultSubcommand: 'check',
  examples: [...check.examples, 'st3 scaffold batch patterns --dry-run'],
});
