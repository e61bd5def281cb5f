import { readFile, open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { lstatIfThere } from '@st3/fs';
import { isSt3Error, St3Error, type ScaffoldAnswer, type TemplateRegistry } from '@st3/schemas';
import type { Language } from '../registry.js';
import { matchesContentHash } from '../render/render-file.js';
import { resolveInside } from '../tree/paths.js';
import type { Scaffolder } from '../types.js';
import { collect, inScope, scopePaths, toRel } from './check-scope.js';
import { unfinishedUpdate } from './conflicts.js';
import { parseHeader, syntaxFor } from './header.js';
import { readRecords } from './records.js';
import { headerFindings, RECORDED, recordedType } from './recorded-header.js';

/**
 * `conflict`: conflict markers in the text, or a `<file>.rej` beside it; `error`: no verdict could be
 * established (the current version could not be worked out, a recorded path leads out of the workspace).
 */
export type CheckStatus = 'current' | 'outdated' | 'modified' | 'unknown' | 'malformed' | 'conflict' | 'error';

export interface CheckedFile {
  path: string;
  status: CheckStatus;
  artifactType?: string;
  version?: string;
  /** For outdated files: the template that made them, from the registry. */
  from?: { template_id?: string; version?: string; created?: string };
  /** The current hash for this file: its recorded request, else its type in the file's own language. */
  currentVersion?: string;
  /** Content differs from what its answers recorded (known only for files with recorded answers). */
  modified?: boolean;
  /** Lines holding conflict markers left by `scaffold update`. */
  conflictMarkers?: number[];
  /** The `<file>.rej` beside the file: template changes `scaffold update --reject` left unapplied. */
  reject?: string;
  /** Status error: the typed error that kept the check from a verdict. */
  error?: { code: string; message: string; hint?: string };
  problems?: string[];
}

export interface CheckReport {
  files: CheckedFile[];
  counts: Record<CheckStatus, number>;
  /** True when any file is other than current or modified, or holds conflict markers or a `.rej`. */
  failed: boolean;
}

/**
 * Finds generated files under `paths` (by header, and every file recorded in `.st3/scaffold/answers.json`)
 * and judges each: `current` (made by the template it would be made with now, and not edited since),
 * `outdated` (an older version: from -> to), `modified` (current, but its text differs from what was
 * recorded), `unknown` (a version nobody recorded), `malformed` (a broken header, a header naming another
 * path or another version than recorded, a recorded file whose header is gone or that is gone itself),
 * `conflict` (conflict markers, or a `.rej` beside it) or `error` (no verdict could be worked out, with the
 * typed reason). Invalid records are E_CONFIG_INVALID (located), never read as empty; a file or folder that
 * cannot be read is E_FILE_READ; a path outside the workspace is E_PATH_ESCAPE.
 */
export async function checkFiles(root: string, paths: string[], scaffolder: Scaffolder): Promise<CheckReport> {
  const { registry, answers: recorded } = await readRecords(root);
  const scope = scopePaths(root, paths);
  const answers = Object.fromEntries(
    Object.entries(recorded.files).filter(([rel]) => inScope(resolve(root, rel), scope)),
  );
  const config = scaffolder.metadataConfig;
  const found = (await collect(root, scope, Object.keys(answers), config)).map(
    (abs) => [abs, toRel(root, abs)] as const,
  );
  const seen = new Set(found.map(([, rel]) => rel));
  const candidates = [
    ...found,
    ...Object.keys(answers)
      .filter((rel) => !seen.has(rel))
      .map((rel) => [resolve(root, rel), rel] as const),
  ];
  const ctx: Context = { root, registry, scaffolder };
  const files: CheckedFile[] = [];
  for (const [file, rel] of candidates) {
    const checked = await checkOne(ctx, file, rel, answers[rel]);
    if (checked) files.push(checked);
  }
  // A check that judged no file is no verdict: never "0 generated file(s)" with ok true.
  if (files.length === 0) throw nothingToCheck(root, paths);
  files.sort((a, b) => a.path.localeCompare(b.path));
  const counts: Record<CheckStatus, number> = {
    current: 0,
    outdated: 0,
    modified: 0,
    unknown: 0,
    malformed: 0,
    conflict: 0,
    error: 0,
  };
  for (const f of files) counts[f.status]++;
  const failed = files.some(
    (f) => (f.status !== 'current' && f.status !== 'modified') || f.conflictMarkers || f.reject,
  );
  return { files, counts, failed };
}

const RECORDED_FILE = '.st3/scaffold/answers.json';

/** E_SCAFFOLD_NO_FILES: the paths given (or the workspace) hold no generated file and no recorded one. */
function nothingToCheck(root: string, paths: readonly string[]): St3Error {
  const where = paths.length > 0 ? paths.map((p) => toRel(root, resolve(root, p)) || '.').join(' ') : 'the workspace';
  return new St3Error(
    'E_SCAFFOLD_NO_FILES',
    `no generated file in ${where}: no file has a provenance header and ${RECORDED_FILE} records none there (nothing was checked)`,
    {
      hint: `give the files or folders holding generated files; files scaffolded by ST3 carry a provenance header and are recorded in ${RECORDED_FILE} (.gitignore is honoured)`,
    },
  );
}

type Registry = Pick<TemplateRegistry, 'version_hashes' | 'current_versions'>;

interface Context {
  root: string;
  registry: Registry;
  scaffolder: Scaffolder;
  /** The current companion test chains (hash -> language), worked out once when an unrecorded test needs them. */
  companions?: Map<string, Language>;
}

/** One file: undefined when it is neither generated (no header) nor recorded. */
async function checkOne(
  ctx: Context,
  file: string,
  rel: string,
  answer: ScaffoldAnswer | undefined,
): Promise<CheckedFile | undefined> {
  const config = ctx.scaffolder.metadataConfig;
  const recordedAs = { path: rel, ...(answer && recordedFields(answer)) };
  if (answer) {
    const escape = leadsOut(ctx.root, rel);
    if (escape) return { ...recordedAs, ...errorVerdict(escape, 'the recorded path leads out of the workspace') };
    // a folder in its place is there, and unreadable as a file (E_FILE_READ), never "missing"
    if (!lstatIfThere(file))
      return { ...recordedAs, status: 'malformed', problems: [`missing: ${RECORDED}, but not on disk`] };
  }
  const header = parseHeader(await readHead(file, rel), file, config);
  if (header.status === 'none') {
    if (!answer) return undefined;
    // an extension that takes no header is judged by its answers alone
    if (syntaxFor(rel, config))
      return { ...recordedAs, status: 'malformed', problems: [`provenance header missing (${RECORDED})`] };
    return judge(ctx, { file, rel, answer, version: answer.version_hash, base: recordedAs, findings: [] });
  }
  const base = { path: rel, artifactType: header.template, version: header.version };
  if (header.status === 'malformed')
    return judge(ctx, { file, rel, answer, base, findings: header.problems ?? ['malformed provenance header'] });
  // judged against what was recorded when there is a record: the header is the file's own claim
  const version = answer?.version_hash ?? header.version!;
  return judge(ctx, { file, rel, answer, version, base, findings: headerFindings(header, rel, answer) });
}

function recordedFields(answer: ScaffoldAnswer): Pick<CheckedFile, 'artifactType' | 'version'> {
  return { artifactType: recordedType(answer), version: answer.version_hash };
}

/** The E_PATH_ESCAPE of a recorded path that leads out of the workspace (`..`, a link out); such a file is not read. */
function leadsOut(root: string, rel: string): St3Error | undefined {
  try {
    resolveInside(root, rel);
    return undefined;
  } catch (error) {
    if (isSt3Error(error, 'E_PATH_ESCAPE')) return error;
    throw error;
  }
}

function errorVerdict(error: St3Error, why: string): Pick<CheckedFile, 'status' | 'error' | 'problems'> {
  return {
    status: 'error',
    error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
    problems: [`${why}: ${error.message}`],
  };
}

interface Judged {
  file: string;
  rel: string;
  answer: ScaffoldAnswer | undefined;
  /** The version to judge: the recorded one, else the header's; none for a malformed header. */
  version?: string;
  base: Pick<CheckedFile, 'path' | 'artifactType' | 'version'>;
  /** Why the file is malformed, whatever its version says. */
  findings: string[];
}

/** The verdict of one file: error, else malformed, else conflict, else what its version and text say. */
async function judge(ctx: Context, j: Judged): Promise<CheckedFile> {
  const text = await readText(j.file, j.rel);
  // line endings aside: a pristine CRLF checkout is not an edit
  const modified = j.answer ? !matchesContentHash(text, j.answer.content_sha256) : undefined;
  const conflict = conflictsOf(text, j.file, j.rel);
  const verdict: Verdict = j.version === undefined ? { status: 'malformed' } : versionVerdict(ctx, j, j.version);
  let status: CheckStatus = verdict.status === 'current' && modified ? 'modified' : verdict.status;
  const problems = [...j.findings, ...conflict.problems, ...(verdict.problems ?? [])];
  if (status !== 'error' && (j.findings.length > 0 || conflict.problems.length > 0)) {
    status = j.findings.length > 0 ? 'malformed' : 'conflict';
    // the version's verdict is not the status any more: kept as a problem, so nothing it said is lost
    if (verdict.status === 'outdated') problems.push(`outdated: ${j.version} -> ${verdict.currentVersion ?? '?'}`);
  }
  return {
    ...j.base,
    status,
    ...(verdict.from ? { from: verdict.from } : {}),
    ...(verdict.currentVersion ? { currentVersion: verdict.currentVersion } : {}),
    ...(modified !== undefined ? { modified } : {}),
    ...conflict.fields,
    ...(verdict.error ? { error: verdict.error } : {}),
    ...(problems.length > 0 ? { problems } : {}),
  };
}

type Verdict = Pick<CheckedFile, 'status' | 'from' | 'currentVersion' | 'error' | 'problems'>;

/** What the version alone says: current, outdated (from -> to), unknown, or error when the current one cannot be worked out. */
function versionVerdict(ctx: Context, j: Judged, version: string): Verdict {
  const type = j.base.artifactType ?? '';
  let current: string[];
  try {
    current = j.answer ? [ctx.scaffolder.currentVersion(j.answer)] : currentOfType(ctx, type, j.rel);
  } catch (error) {
    // e.g. a registry that no longer holds the recorded type: any verdict would be made up
    if (!isSt3Error(error)) throw error;
    return errorVerdict(error, 'cannot work out the current version');
  }
  const currentVersion = current[0] ?? ctx.registry.current_versions[type];
  if (current.includes(version)) return { status: 'current' };
  const recorded = ctx.registry.version_hashes[version] as
    { concrete?: { template_id?: string; version?: string }; created?: string } | undefined;
  if (recorded || j.answer?.version_hash === version)
    return {
      status: 'outdated',
      from: {
        template_id: recorded?.concrete?.template_id ?? j.answer?.template_id,
        version: recorded?.concrete?.version ?? j.answer?.template_version,
        created: recorded?.created ?? j.answer?.created,
      },
      currentVersion,
    };
  return {
    status: 'unknown',
    currentVersion,
    problems: [`version ${version} is in neither the current templates nor .st3/template_registry.json`],
  };
}

/**
 * Without a record, the current chains of the header's type in the file's language: the type's own templates,
 * and for `unit_test` the companion test templates too (`concrete/dto.test.ts` makes a `unit_test` file that
 * `versionsOf('unit_test')`, the standalone unit_test template, does not name).
 */
function currentOfType(ctx: Context, type: string, rel: string): string[] {
  const language = languageOfPath(rel);
  const out = ctx.scaffolder.versionsOf(type, language);
  if (type !== 'unit_test' || language === undefined) return out;
  ctx.companions ??= companionTestHashes(ctx.scaffolder);
  for (const [hash, lang] of ctx.companions) if (lang === language && !out.includes(hash)) out.push(hash);
  return out;
}

/** Hash -> language of every current companion test chain (`concrete/<type>.test.<ts|py>`). */
function companionTestHashes(scaffolder: Scaffolder): Map<string, Language> {
  const out = new Map<string, Language>();
  for (const id of scaffolder.store.ids()) {
    const lang = /^concrete\/.+\.test\.(ts|py)$/.exec(id)?.[1] as Language | undefined;
    if (!lang) continue;
    try {
      out.set(scaffolder.store.chain(id).hash, lang);
    } catch {
      // a broken template has no current hash
    }
  }
  return out;
}

/** ts for TypeScript/JavaScript files, py for Python: whose current hash a file is judged against. */
function languageOfPath(path: string): Language | undefined {
  if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(path)) return 'ts';
  if (/\.py$/.test(path)) return 'py';
  return undefined;
}

/** Conflict markers in the text, and a `.rej` beside the file: an update that is not finished. */
function conflictsOf(
  text: string,
  file: string,
  rel: string,
): { fields: Pick<CheckedFile, 'conflictMarkers' | 'reject'>; problems: string[] } {
  const { markers, reject, problems } = unfinishedUpdate(text, file, rel);
  return {
    fields: { ...(markers.length > 0 ? { conflictMarkers: markers } : {}), ...(reject ? { reject } : {}) },
    problems,
  };
}

/** The first 4 KiB is enough for a two-line header; a file without one is never read whole. */
async function readHead(file: string, rel: string): Promise<string> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw unreadable(file, rel, error);
  }
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } catch (error) {
    throw unreadable(file, rel, error);
  } finally {
    await handle.close();
  }
}

/** The whole text of a generated or recorded file: its edits and conflict markers are judged on it. */
async function readText(file: string, rel: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(file, rel, error);
  }
}

/** A file check cannot read: its verdict cannot be established, so the check stops (E_FILE_READ, exit 3). */
function unreadable(file: string, rel: string, error: unknown): St3Error {
  return new St3Error('E_FILE_READ', `cannot read ${rel}: ${(error as Error).message}`, {
    file,
    cause: error,
    hint: 'check its permissions, or leave it out of the paths checked',
  });
}
