import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readFileIfThere, writeFileAtomic } from '@st3/fs';
import { decodeUtf8, St3Error, type StandardsExcerpt, type TelemetryHandle } from '@st3/schemas';
import { displayPath, sha256, systemClock, type Clock } from './util.js';

export interface MarkdownHeading {
  level: number;
  text: string;
  /** GitHub-style anchor slug (duplicates get -1, -2 ...). */
  slug: string;
  /** 0-based line index of the heading. */
  line: number;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** The ATX headings of a markdown text, skipping fenced code blocks. */
export function listHeadings(text: string): MarkdownHeading[] {
  const lines = text.split(/\r?\n/);
  const out: MarkdownHeading[] = [];
  const slugCount = new Map<string, number>();
  let fence: string | undefined;
  lines.forEach((line, i) => {
    const f = FENCE.exec(line);
    if (f) {
      const marker = f[1]!;
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const m = ATX.exec(line);
    if (!m) return;
    const headingText = (m[2] ?? '').trim();
    const base = slugify(headingText);
    const n = slugCount.get(base) ?? 0;
    slugCount.set(base, n + 1);
    out.push({ level: m[1]!.length, text: headingText, slug: n === 0 ? base : `${base}-${n}`, line: i });
  });
  return out;
}

/** GitHub's anchor rule: lower case, punctuation dropped, spaces to hyphens. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

export interface Section {
  heading: MarkdownHeading;
  /** The section's text without its heading line, surrounding blank lines trimmed. */
  content: string;
  sha256: string;
}

/**
 * Extracts the section under a heading of level 2-6, named by its text or anchor slug (a leading
 * `#` is ignored). It ends at the next heading of the same or a higher level.
 */
export function extractSection(text: string, section: string): Section | undefined {
  const want = section.replace(/^#+\s*/, '').trim();
  const headings = listHeadings(text).filter((h) => h.level >= 2);
  const slug = want.toLowerCase();
  // Real citations drop a heading's numbering (`#analyzability` for `### 3) Analyzability`): last resort.
  const heading =
    headings.find((h) => h.text === want) ??
    headings.find((h) => h.slug === slug) ??
    headings.find((h) => h.text.toLowerCase() === slug) ??
    headings.find((h) => h.slug.replace(/^\d+-/, '') === slug);
  if (!heading) return undefined;
  const lines = text.split(/\r?\n/);
  const all = listHeadings(text);
  const next = all.find((h) => h.line > heading.line && h.level <= heading.level);
  const body = lines.slice(heading.line + 1, next ? next.line : lines.length);
  while (body.length > 0 && body[0]!.trim() === '') body.shift();
  while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
  const content = body.join('\n');
  return { heading, content, sha256: sha256(content) };
}

export interface AttachStandardOptions {
  root: string;
  /** The task's context folder; excerpts go to `<dir>/standards/<id>.md`. */
  contextDir: string;
  file: string;
  section: string;
  clock?: Clock;
  /** Told about the standards file read (`fileRead`). */
  telemetry?: TelemetryHandle;
}

/** Extracts a section and caches it under the task; returns its record. */
export async function cacheExcerpt(options: AttachStandardOptions): Promise<StandardsExcerpt> {
  const abs = resolve(options.root, options.file);
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new St3Error('E_FILE_NOT_FOUND', `standards file not found: ${options.file}`, { file: options.file });
    throw new St3Error('E_FILE_READ', `cannot read the standards file ${options.file}: ${(error as Error).message}`, {
      file: options.file,
      cause: error,
    });
  }
  options.telemetry?.fileRead?.(options.file, bytes.length);
  // Exact text: a lossy decoding turns different bytes into the same U+FFFD (E_FILE_ENCODING at its line:column).
  const text = decodeUtf8(bytes, options.file);
  const found = extractSection(text, options.section);
  if (!found) {
    const available = listHeadings(text)
      .filter((h) => h.level >= 2)
      .map((h) => h.slug);
    throw new St3Error(
      'E_SECTION_NOT_FOUND',
      `no section "${options.section}" (heading level 2-6) in ${options.file}`,
      {
        file: options.file,
        hint:
          available.length > 0
            ? `anchors: ${available.slice(0, 12).join(', ')}${available.length > 12 ? ' ...' : ''}`
            : 'the file has no level 2-6 headings',
      },
    );
  }
  const id = found.sha256.slice(0, 8);
  const cached = join('standards', `${id}.md`);
  await mkdir(join(options.contextDir, 'standards'), { recursive: true });
  await writeFileAtomic(join(options.contextDir, cached), `${found.content}\n`);
  return {
    id,
    file: displayPath(options.root, abs),
    section: found.heading.slug,
    heading_level: found.heading.level,
    sha256: found.sha256,
    cached,
    extracted_at: (options.clock ?? systemClock)().toISOString(),
  };
}

export interface ExcerptCheck {
  excerpt: StandardsExcerpt;
  status: 'fresh' | 'stale' | 'missing_section' | 'missing_file' | 'cache_changed';
  current_sha256?: string;
}

/** Re-extracts every cached excerpt from its standard: stale when the standard changed, missing when it is gone; E_FILE_READ when it cannot be read. */
export async function checkExcerpts(
  root: string,
  contextDir: string,
  excerpts: readonly StandardsExcerpt[],
): Promise<ExcerptCheck[]> {
  const out: ExcerptCheck[] = [];
  for (const excerpt of excerpts) {
    // Missing is missing_file; a standard that is there but cannot be read is E_FILE_READ, not "gone".
    const bytes = await readFileIfThere(resolve(root, excerpt.file));
    if (!bytes) {
      out.push({ excerpt, status: 'missing_file' });
      continue;
    }
    // A standard that is not UTF-8 is E_FILE_ENCODING at its line:column: decoded lossily, a changed byte
    // could read the same as before and the excerpt would pass for fresh.
    const text = decodeUtf8(bytes, excerpt.file);
    const found = extractSection(text, excerpt.section);
    if (!found) {
      out.push({ excerpt, status: 'missing_section' });
      continue;
    }
    if (found.sha256 !== excerpt.sha256) {
      out.push({ excerpt, status: 'stale', current_sha256: found.sha256 });
      continue;
    }
    // The cached copy is exactly what `cacheExcerpt` wrote: the section's text and one final newline.
    const cached = await readFileIfThere(join(contextDir, excerpt.cached));
    out.push({
      excerpt,
      status: cached !== undefined && cached.equals(Buffer.from(`${found.content}\n`)) ? 'fresh' : 'cache_changed',
    });
  }
  return out;
}

/** The verdict of `checkExcerpts` (`st3 tasks standards verify`, the MCP `standards_verify` tool). */
export interface ExcerptsVerdict {
  /** Excerpts were checked and every one is fresh. */
  ok: boolean;
  /** The task has no cached excerpt: nothing was verified, which is no pass (as `no_evidence` for evidence). */
  no_excerpts: boolean;
  /** Excerpts not fresh (stale, missing_section, missing_file, cache_changed). */
  stale: number;
}

/** ok only when something was verified and all of it is fresh: verifying no excerpt is no pass. */
export function excerptsVerdict(checks: readonly ExcerptCheck[]): ExcerptsVerdict {
  const stale = checks.filter((c) => c.status !== 'fresh').length;
  return { ok: checks.length > 0 && stale === 0, no_excerpts: checks.length === 0, stale };
}

/** Removes the cached copy of an excerpt that went stale. */
export async function dropCachedExcerpt(contextDir: string, excerpt: StandardsExcerpt): Promise<void> {
  await rm(join(contextDir, excerpt.cached), { force: true });
}

/** `standards/<file>.md#anchor` citations anywhere in a task (plan details, definition of done, docs lists...). */
export function citedSections(task: unknown): { file: string; anchor: string }[] {
  const found = new Map<string, { file: string; anchor: string }>();
  const re = /\b(standards\/[\w./-]+\.md)#([\w-]+)/g;
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(re)) found.set(`${m[1]}#${m[2]}`, { file: m[1]!, anchor: m[2]! });
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(task);
  return [...found.values()].sort((a, b) => (`${a.file}#${a.anchor}` < `${b.file}#${b.anchor}` ? -1 : 1));
}
