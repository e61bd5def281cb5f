import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJsonSchemas, jsonSchemaText, type GateConfig } from '@st3/schemas';
import { Document, isScalar, visit } from 'yaml';
import { findPreset, type GatePreset } from './presets.js';

export interface WorkspaceDetection {
  typescript: boolean;
  javascript: boolean;
  python: boolean;
  /** Preset ids chosen, in the order they will run. */
  presets: string[];
  /** Why each preset was chosen. */
  reasons: Record<string, string>;
}

const ESLINT_CONFIGS = [
  'eslint.config.js',
  'eslint.config.mjs',
  'eslint.config.cjs',
  'eslint.config.ts',
  '.eslintrc',
  '.eslintrc.js',
  '.eslintrc.cjs',
  '.eslintrc.json',
  '.eslintrc.yml',
  '.eslintrc.yaml',
];

/** Looks at a workspace's files to choose gate presets (`st3 gates init`). */
export function detectWorkspace(root: string): WorkspaceDetection {
  const has = (f: string): boolean => existsSync(join(root, f));
  const pkg = readJson(join(root, 'package.json')) as
    | { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; eslintConfig?: unknown }
    | undefined;
  const deps = { ...pkg?.dependencies, ...pkg?.devDependencies };
  const topFiles = safeList(root);
  const typescript = has('tsconfig.json') || 'typescript' in deps;
  const javascript = pkg !== undefined || topFiles.some((f) => /\.(m|c)?[jt]sx?$/.test(f));
  const pyproject = has('pyproject.toml') ? readFileSync(join(root, 'pyproject.toml'), 'utf8') : '';
  const python =
    pyproject !== '' ||
    has('setup.py') ||
    has('setup.cfg') ||
    has('requirements.txt') ||
    topFiles.some((f) => f.endsWith('.py'));
  const presets: string[] = [];
  const reasons: Record<string, string> = {};
  const add = (id: string, why: string): void => {
    presets.push(id);
    reasons[id] = why;
  };
  if (javascript || typescript) {
    const biome = has('biome.json') || has('biome.jsonc') || '@biomejs/biome' in deps;
    const oxlint = has('.oxlintrc.json') || has('oxlintrc.json') || 'oxlint' in deps;
    const eslint = ESLINT_CONFIGS.some(has) || pkg?.eslintConfig !== undefined || 'eslint' in deps;
    if (eslint || (!biome && !oxlint))
      add(
        'eslint',
        eslint
          ? 'an ESLint config or dependency was found'
          : 'JavaScript/TypeScript project without another linter configured',
      );
    if (biome) add('biome', 'a Biome config or dependency was found');
    if (oxlint) add('oxlint', 'an oxlint config or dependency was found');
    if (has('tsconfig.json')) add('tsc', 'tsconfig.json was found');
  }
  if (python) {
    const ruff = has('ruff.toml') || has('.ruff.toml') || /^\[tool\.ruff/m.test(pyproject);
    if (ruff) add('ruff', 'ruff is configured (ruff.toml or [tool.ruff])');
    else add('flake8', 'Python project without ruff configuration');
    add('mypy', 'Python project');
    add('pyright', 'Python project');
  }
  return { typescript, javascript, python, presets, reasons };
}

/** The schema file written beside quality.yaml so editors validate it offline. */
export const QUALITY_SCHEMA_FILE = 'quality.schema.json';

/** quality.yaml text for the chosen presets, starting with the `$schema` line for editor validation. */
export function renderQualityConfig(
  presetIds: readonly string[],
  options: { schemaRef?: string; logDir?: string } = {},
): string {
  const gates: Record<string, GateConfig> = {};
  for (const id of presetIds) {
    const preset: GatePreset | undefined = findPreset(id);
    if (!preset) throw new Error(`unknown preset "${id}"`);
    gates[id] = preset.gate;
  }
  const doc = {
    version: '1.1',
    active_gates: [...presetIds],
    artifact_logging: { enabled: true, output_dir: options.logDir ?? '.st3/logs/gates', max_files: 200 },
    project_scope: { include_globs: ['**/*'] },
    gates,
  };
  const header = [
    `# yaml-language-server: $schema=${options.schemaRef ?? `./${QUALITY_SCHEMA_FILE}`}`,
    '# Quality gates (written by `st3 gates init`). Run them with `st3 gates`; list them with `st3 gates list`.',
  ].join('\n');
  const yamlDoc = new Document(doc);
  // Short lists of scalars (commands, file types, exit codes) read best on one line.
  visit(yamlDoc, {
    Seq: (_key, node) => {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  return `${header}\n${yamlDoc.toString({ lineWidth: 0 })}`;
}

/** The JSON Schema of quality.yaml, as text. */
export function qualitySchemaText(): string {
  const entry = exportJsonSchemas().find((s) => s.fileName === 'quality.schema.json');
  if (!entry) throw new Error('@st3/schemas exports no quality schema');
  return jsonSchemaText(entry.schema);
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function safeList(root: string): string[] {
  try {
    return readdirSync(root);
  } catch {
    return [];
  }
}

/** What `st3 gates init` keeps out of git: the raw gate logs and the run state (they change on every run). */
export const GITIGNORE_ENTRIES = ['.st3/logs/', '.st3/state.json'] as const;

/**
 * Adds `entries` to the workspace's `.gitignore` (created when missing), skipping those already there
 * (written with or without a leading `/`). Returns the entries added and whether the file was created.
 */
export function addToGitignore(
  root: string,
  entries: readonly string[] = GITIGNORE_ENTRIES,
): { path: string; added: string[]; created: boolean } {
  const path = join(root, '.gitignore');
  const created = !existsSync(path);
  const text = created ? '' : readFileSync(path, 'utf8');
  const present = new Set(
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.replace(/^\//, '')),
  );
  const added = entries.filter((e) => !present.has(e.replace(/^\//, '')));
  if (added.length > 0) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const sep = text === '' || text.endsWith('\n') ? '' : eol;
    writeFileSync(path, `${text}${sep}${['# st3: gate logs and run state', ...added].join(eol)}${eol}`);
  }
  return { path, added, created };
}
