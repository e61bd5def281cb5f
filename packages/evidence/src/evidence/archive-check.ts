import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ArchiveIndexSchema, type ArchiveIndex, type EvidenceEntry } from '@st3/schemas';
import { readJsonFile } from '../util.js';
import { displayName, indexPathBytes, readArchive } from './archive.js';

type IndexProblem = { id: string; problem: string };

/**
 * A directory archive's per-file index against the entry, and (when the archive is intact) against the
 * regular files inside it, both ways: a file listed twice, listed with another size or SHA-256, listed
 * but not archived, or archived but not listed is a problem (an index that lies is not "all intact").
 */
export async function archiveIndexProblems(dir: string, entry: EvidenceEntry, actual: string): Promise<IndexProblem[]> {
  const raw = await readJsonFile<unknown>(join(dir, entry.archive_index!)).catch(() => undefined);
  const parsed = ArchiveIndexSchema.safeParse(raw);
  if (!parsed.success) return [{ id: entry.id, problem: `${entry.archive_index} is missing or invalid` }];
  if (parsed.data.archive_sha256 !== entry.sha256 || parsed.data.files.length !== entry.file_count)
    return [{ id: entry.id, problem: `${entry.archive_index} does not match the archive` }];
  // A changed archive is reported as changed; its files cannot be held against the index.
  if (actual !== entry.sha256) return [];
  // Names are compared as bytes: any byte-valid file name (newlines, non-UTF-8) round-trips.
  const inside = new Map(
    (await readArchive(join(dir, entry.stored)))
      .filter((e) => e.type === '0')
      .map((e) => [e.pathBytes.toString('latin1'), { path: displayName(e.pathBytes), data: e.data }]),
  );
  return filesAgainstArchive(parsed.data.files, inside).map((problem) => ({ id: entry.id, problem }));
}

function filesAgainstArchive(
  files: ArchiveIndex['files'],
  inside: Map<string, { path: string; data: Buffer }>,
): string[] {
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const f of files) {
    const key = indexPathBytes(f).toString('latin1');
    const found = inside.get(key);
    if (listed.has(key)) problems.push(`${f.path} is listed more than once in the index`);
    else if (!found) problems.push(`${f.path} is in the index but not in the archive`);
    else if (found.data.length !== f.size)
      problems.push(`${f.path} is ${found.data.length} bytes in the archive, ${f.size} in the index`);
    else if (createHash('sha256').update(found.data).digest('hex') !== f.sha256)
      problems.push(`${f.path} does not match its SHA-256 in the index`);
    listed.add(key);
  }
  for (const [key, { path }] of inside)
    if (!listed.has(key)) problems.push(`${path} is in the archive but not in the index`);
  return problems;
}
