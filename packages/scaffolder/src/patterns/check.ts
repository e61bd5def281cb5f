import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { walkFiles } from '@st3/fs';
import { checkPatternRegistry, loadText, PatternRegistrySchema, St3Error, type Diagnostic } from '@st3/schemas';
import { isMap } from 'yaml';
import {
  DOC_ID_RE,
  LINK_FIELDS,
  lineOf,
  loadPatternWorkspace,
  locateIn,
  normalizeLink,
  parseYamlText,
  readPatternText,
  resolveLink,
  yamlErrors,
  type LinkField,
  type PatternWorkspace,
} from './workspace.js';
import { readDocLink } from './yaml-edit.js';

/** Every rule of the compliance check, with what it checks. */
export const PATTERN_RULES = {
  'required-folder': 'a folder the configuration requires exists beside the registry',
  'registry-parse': 'the registry is well-formed YAML',
  'registry-schema': 'the registry matches PatternRegistrySchema (ids, names, versions, status, counts)',
  'doc-id-format': 'every doc_id matches [A-Z0-9]+(-[A-Z0-9]+)*',
  'doc-id-missing': 'every registry entry has a doc_id',
  'doc-id-duplicate': 'no two entries share a doc_id',
  'link-missing': 'every file a registry entry links is a file that exists (example_dir: a folder)',
  'link-separator': 'links use forward slashes',
  'spec-parse': 'every linked spec is well-formed YAML',
  'spec-mismatch': 'a spec names the same pattern_id (and doc_id, when both have one) as its registry entry',
  'spec-unlinked': 'every spec in specs/ is linked by the spec_path of the registry entry it names',
  'sidecar-orphan': 'every *.id.yaml sidecar names a pattern of the registry',
  'sidecar-mismatch': "a sidecar records the registry entry's doc_id",
  'doc-link-mismatch': 'a DOC_LINK: header names the doc_id of the entry that links the file',
  'registry-empty': 'the registry lists at least one pattern (a registry with none checks nothing: always an error)',
  'path-shared':
    'no two entries name the same executor_path or test_path (`scaffold batch` generates that file for each and refuses the second)',
} as const;
export type PatternRule = keyof typeof PATTERN_RULES;
export type RuleLevel = 'error' | 'warning' | 'off';

export interface PatternCheckOptions {
  /** Folders (relative to the pattern tree: the registry's folder, or its parent for `patterns/registry/`) that must exist. Default: `specs`. */
  requiredFolders?: string[];
  /** Which link fields must resolve. Default: all of spec_path, schema_path, executor_path, test_path, example_dir. */
  linkFields?: LinkField[];
  /** Severity per rule; `doc-id-missing` and `link-separator` default to warning. */
  rules?: Partial<Record<PatternRule, RuleLevel>>;
  /** Where links resolve from (default: guessed from the registry folder). */
  linkBase?: string;
}

export interface PatternFinding extends Diagnostic {
  rule: PatternRule;
}

export interface PatternCheckReport {
  registry: string;
  linkBase: string;
  ok: boolean;
  patterns: number;
  findings: PatternFinding[];
  /** Findings per rule, errors and warnings together. */
  byRule: Partial<Record<PatternRule, number>>;
  errors: number;
  warnings: number;
}

const DEFAULT_LEVELS: Partial<Record<PatternRule, RuleLevel>> = {
  'doc-id-missing': 'warning',
  'link-separator': 'warning',
  'spec-unlinked': 'warning',
};

/** The configurable compliance check of a pattern registry and the files it links. Never writes. */
export async function checkPatterns(path: string, options: PatternCheckOptions = {}): Promise<PatternCheckReport> {
  const ws = await loadPatternWorkspace(path, { linkBase: options.linkBase });
  const findings: PatternFinding[] = [];
  const level = (rule: PatternRule): RuleLevel =>
    FIXED_LEVELS[rule] ?? options.rules?.[rule] ?? DEFAULT_LEVELS[rule] ?? 'error';
  const add = (rule: PatternRule, d: Omit<Diagnostic, 'code' | 'severity'>) => {
    const l = level(rule);
    if (l !== 'off')
      findings.push({ ...d, rule, code: `PATTERN_${rule.toUpperCase().replace(/-/g, '_')}`, severity: l });
  };

  for (const folder of options.requiredFolders ?? ['specs']) {
    const abs = join(ws.patternsRoot, folder);
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      add('required-folder', {
        file: ws.patternsRoot,
        message: `required folder "${folder}" is missing`,
        hint: `create ${folder}/ in ${ws.patternsRoot} or change requiredFolders`,
      });
  }
  for (const e of ws.parseErrors)
    add('registry-parse', { file: e.file, line: e.line, column: e.column, message: e.message });
  if (ws.parseErrors.length === 0) {
    const loaded = loadText(ws.registry.text, {
      file: ws.registryFile,
      schema: PatternRegistrySchema,
      check: checkPatternRegistry,
    });
    for (const d of [...loaded.errors, ...loaded.warnings])
      add('registry-schema', {
        file: d.file,
        line: d.line,
        column: d.column,
        path: d.path,
        message: d.message,
        hint: d.hint,
      });
  }
  if (ws.parseErrors.length === 0) checkNotEmpty(ws, add);
  checkDocIds(ws, add);
  checkSharedPaths(ws, add);
  const linkedSpecs = await checkLinks(ws, options.linkFields ?? [...LINK_FIELDS], add);
  await checkUnlinkedSpecs(ws, linkedSpecs, add);
  await checkSidecars(ws, add);

  findings.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
  const byRule: Partial<Record<PatternRule, number>> = {};
  for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    registry: ws.registryFile,
    linkBase: ws.linkBase,
    ok: errors === 0,
    patterns: ws.records.length,
    findings,
    byRule,
    errors,
    warnings: findings.length - errors,
  };
}

type Add = (rule: PatternRule, d: Omit<Diagnostic, 'code' | 'severity'>) => void;

/** Rules no level can change: checking nothing is never a pass, whatever the configuration says. */
export const FIXED_LEVELS: Partial<Record<PatternRule, RuleLevel>> = { 'registry-empty': 'error' };

/**
 * A registry with no entry leaves every per-pattern rule (doc ids, links, specs, sidecars) with nothing
 * to check: "0 patterns, 0 errors" would be a pass established by nothing, as `st3 test` with no test is.
 */
function checkNotEmpty(ws: PatternWorkspace, add: Add): void {
  if (ws.records.length > 0) return;
  add('registry-empty', {
    file: ws.registryFile,
    ...(locateIn(ws.registry, ['patterns']) ?? { line: 1, column: 1 }),
    path: ['patterns'],
    message: 'the registry lists no pattern: nothing was checked',
    hint: 'add the registry entries under `patterns:` (pattern_id, name, version, status, spec_path, ...), or check the registry that has them',
  });
}

function checkDocIds(ws: PatternWorkspace, add: Add): void {
  const seen = new Map<string, number>();
  for (const r of ws.records) {
    const at = locateIn(ws.registry, ['patterns', r.index, 'doc_id']);
    if (r.docId === undefined) {
      add('doc-id-missing', {
        file: ws.registryFile,
        line: r.line,
        path: ['patterns', r.index],
        message: `${r.patternId ?? `patterns[${r.index}]`} has no doc_id`,
        hint: 'run `st3 scaffold batch <registry> --phase 1` to assign one',
      });
      continue;
    }
    if (!DOC_ID_RE.test(r.docId))
      add('doc-id-format', {
        file: ws.registryFile,
        ...at,
        path: ['patterns', r.index, 'doc_id'],
        message: `doc_id "${r.docId}" does not match [A-Z0-9]+(-[A-Z0-9]+)*`,
      });
    const first = seen.get(r.docId);
    if (first !== undefined)
      add('doc-id-duplicate', {
        file: ws.registryFile,
        ...at,
        path: ['patterns', r.index, 'doc_id'],
        message: `doc_id "${r.docId}" is also used by patterns[${first}]`,
      });
    else seen.set(r.docId, r.index);
  }
}

/**
 * Generated files two entries claim: each entry's executor (and test) is rendered for its own pattern, so
 * `scaffold batch` writes the file for the first and refuses it to the others (PathClaims). A schema or an
 * example folder may be shared on purpose (a common hand-written schema), so those are not checked.
 */
function checkSharedPaths(ws: PatternWorkspace, add: Add): void {
  for (const field of ['executor_path', 'test_path'] as const) {
    const first = new Map<string, PatternWorkspace['records'][number]>();
    for (const r of ws.records) {
      const link = r.raw[field];
      if (typeof link !== 'string') continue;
      // `a\b.ps1` and `a/b.ps1` name one file: compared resolved.
      const abs = resolveLink(ws, link);
      const owner = first.get(abs);
      if (!owner) {
        first.set(abs, r);
        continue;
      }
      add('path-shared', {
        file: ws.registryFile,
        ...locateIn(ws.registry, ['patterns', r.index, field]),
        path: ['patterns', r.index, field],
        message: `${r.patternId ?? `patterns[${r.index}]`}: ${field} ${link} is also the ${field} of ${owner.patternId ?? `patterns[${owner.index}]`}`,
        hint: `give each entry its own ${field}: \`st3 scaffold batch\` writes the file for the first entry only`,
      });
    }
  }
}

async function checkLinks(ws: PatternWorkspace, fields: readonly LinkField[], add: Add): Promise<Set<string>> {
  const linkedSpecs = new Set<string>();
  for (const r of ws.records) {
    for (const field of fields) {
      const link = r.raw[field];
      if (typeof link !== 'string') continue;
      const at = locateIn(ws.registry, ['patterns', r.index, field]);
      const where = { file: ws.registryFile, ...at, path: ['patterns', r.index, field] };
      if (link.includes('\\'))
        add('link-separator', {
          ...where,
          message: `${field} "${link}" uses backslashes`,
          hint: `write ${normalizeLink(link)}`,
        });
      const abs = resolveLink(ws, link);
      if (!existsSync(abs)) {
        add('link-missing', {
          ...where,
          message: `${r.patternId ?? `patterns[${r.index}]`}: ${field} ${link} does not exist`,
          hint: `resolved against ${ws.linkBase}`,
        });
        continue;
      }
      // a folder where a file is named (or the reverse) links nothing that could be checked
      const isFolder = statSync(abs).isDirectory();
      if (isFolder !== (field === 'example_dir')) {
        add('link-missing', {
          ...where,
          message: `${r.patternId ?? `patterns[${r.index}]`}: ${field} ${link} is a ${isFolder ? 'folder, not a file' : 'file, not a folder'}`,
          hint: `resolved against ${ws.linkBase}`,
        });
        continue;
      }
      if (field === 'spec_path' && statSync(abs).isFile()) {
        linkedSpecs.add(abs);
        await checkSpec(ws, r.index, abs, add);
      }
      if (r.docId && field !== 'example_dir' && statSync(abs).isFile() && !abs.endsWith('.json')) {
        const docLink = readDocLink(
          await readPatternText(abs, `the ${field} of ${r.patternId ?? `patterns[${r.index}]`}`),
        );
        if (docLink && docLink.value !== r.docId)
          add('doc-link-mismatch', {
            file: abs,
            line: docLink.line,
            message: `DOC_LINK: ${docLink.value} but the registry gives ${r.patternId} doc_id ${r.docId}`,
          });
      }
    }
  }
  return linkedSpecs;
}

/** Specs in `specs/` that no entry links: unparseable ones are errors, the rest name their entry. */
async function checkUnlinkedSpecs(ws: PatternWorkspace, linked: ReadonlySet<string>, add: Add): Promise<void> {
  const dir = join(ws.patternsRoot, 'specs');
  if (!existsSync(dir)) return;
  const byPattern = new Map(ws.records.filter((r) => r.patternId).map((r) => [r.patternId!, r]));
  for (const name of (await listSpecs(dir)).filter((n) => /\.pattern\.ya?ml$/.test(n)).sort()) {
    const file = join(dir, name);
    // a folder named like a spec holds no spec (one a spec_path names is reported by link-missing)
    if (linked.has(file) || isFolder(file)) continue;
    const spec = parseYamlText(file, await readPatternText(file, 'the spec'));
    const errors = yamlErrors(spec);
    for (const e of errors) add('spec-parse', { file, line: e.line, column: e.column, message: e.message });
    if (errors.length > 0 || !isMap(spec.doc.contents)) continue;
    const id = spec.doc.get('pattern_id');
    const record = typeof id === 'string' ? byPattern.get(id) : undefined;
    const link = `${normalizeLink(relative(ws.linkBase, file))}`;
    if (!record)
      add('spec-unlinked', {
        file,
        ...locateIn(spec, ['pattern_id']),
        message: `spec names ${typeof id === 'string' ? id : 'no pattern_id'}, which the registry does not list`,
      });
    else
      add('spec-unlinked', {
        file,
        ...locateIn(spec, ['pattern_id']),
        message: `no registry entry links this spec; ${record.patternId} (registry line ${record.line}) has ${typeof record.raw.spec_path === 'string' ? `spec_path ${record.raw.spec_path}` : 'no spec_path'}`,
        hint: `set spec_path: ${link}`,
      });
  }
}

/** A folder (followed through links); a dangling link is not one, so reading it reports it. */
function isFolder(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The names in `specs/`; a folder it cannot list is `E_FILE_READ` (an unlisted spec would never be checked). */
async function listSpecs(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    throw new St3Error('E_FILE_READ', `cannot list ${dir} (${(error as NodeJS.ErrnoException).code ?? error})`, {
      file: dir,
      hint: 'fix its permissions',
      cause: error,
    });
  }
}

async function checkSpec(ws: PatternWorkspace, index: number, file: string, add: Add): Promise<void> {
  const record = ws.records[index]!;
  const spec = parseYamlText(file, await readPatternText(file, 'the spec'));
  const errors = yamlErrors(spec);
  for (const e of errors) add('spec-parse', { file, line: e.line, column: e.column, message: e.message });
  if (errors.length > 0 || !isMap(spec.doc.contents)) return;
  const data = spec.doc.toJS() as Record<string, unknown>;
  if (typeof data.pattern_id === 'string' && record.patternId && data.pattern_id !== record.patternId) {
    add('spec-mismatch', {
      file,
      ...locateIn(spec, ['pattern_id']),
      message: `spec pattern_id ${data.pattern_id} but the registry entry is ${record.patternId}`,
    });
  }
  if (typeof data.doc_id === 'string' && record.docId && data.doc_id !== record.docId) {
    add('spec-mismatch', {
      file,
      ...locateIn(spec, ['doc_id']),
      message: `spec doc_id ${data.doc_id} but the registry gives ${record.patternId} doc_id ${record.docId}`,
    });
  }
}

async function checkSidecars(ws: PatternWorkspace, add: Add): Promise<void> {
  const byPattern = new Map(ws.records.filter((r) => r.patternId).map((r) => [r.patternId!, r]));
  for (const file of await findSidecars(ws.patternsRoot)) {
    const y = parseYamlText(file, await readPatternText(file, 'the sidecar'));
    if (y.doc.errors.length > 0 || !isMap(y.doc.contents)) {
      add('sidecar-mismatch', { file, line: lineOf(y, null), message: 'sidecar is not a YAML mapping' });
      continue;
    }
    const data = y.doc.toJS() as { pattern_id?: unknown; doc_id?: unknown };
    const record = typeof data.pattern_id === 'string' ? byPattern.get(data.pattern_id) : undefined;
    if (!record) {
      add('sidecar-orphan', {
        file,
        ...locateIn(y, ['pattern_id']),
        message: `sidecar names ${String(data.pattern_id ?? 'no pattern_id')}, which the registry does not list`,
      });
      continue;
    }
    if (data.doc_id !== record.docId) {
      add('sidecar-mismatch', {
        file,
        ...locateIn(y, ['doc_id']),
        message: `sidecar doc_id ${String(data.doc_id)} but the registry gives ${record.patternId} doc_id ${record.docId ?? '(none)'}`,
      });
    }
  }
}

const SKIP_DIRS = ['node_modules', '.git', 'dist'];

/**
 * Every `*.id.yaml` under the pattern tree, at any depth, with the workspace's one folder walk: a
 * folder it cannot list is `E_FILE_READ` (a partial list would pass as complete). `.gitignore` is not
 * applied (an ignored sidecar is still a sidecar), and every symbolic link named `*.id.yaml` is listed
 * whatever its target, so a dangling or unreadable one is reported when read, never left out.
 * Links to folders are not followed (as everywhere `walkFiles` walks).
 */
async function findSidecars(dir: string): Promise<string[]> {
  const found = await walkFiles(dir, {
    gitignore: false,
    skipNames: SKIP_DIRS,
    symlinks: 'all',
    filter: (rel) => rel.endsWith('.id.yaml'),
  });
  return found.map((rel) => join(dir, rel));
}

/** The sidecar file of a spec: `specs/x.pattern.yaml` → `specs/x.id.yaml`. */
export function sidecarPathFor(specFile: string): string {
  return join(dirname(specFile), `${basename(specFile).replace(/(\.pattern)?\.ya?ml$/i, '')}.id.yaml`);
}
