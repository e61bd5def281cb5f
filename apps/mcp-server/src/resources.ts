import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type ReadResourceResult,
  type Resource,
  type ResourceTemplate,
} from '@modelcontextprotocol/sdk/types.js';
import { readFileIfThere } from '@st3/fs';
import { isSt3Error } from '@st3/schemas';
import { resolveInside } from './paths.js';
import { tasksWorkspace } from './tools/tasks.js';
import { reviewQueue } from './tools/review.js';

/** The JSON-RPC code of "resource not found" (MCP specification). */
export const RESOURCE_NOT_FOUND = -32002;
const MAX_LISTED_SECTIONS = 500;

export const RESOURCE_TEMPLATES: ResourceTemplate[] = [
  {
    uriTemplate: 'st3://tasks/{id}',
    name: 'task',
    title: 'Task file',
    description:
      'A task file (*.task.yaml) of the configured task folders, by id (e.g. st3://tasks/TASK-0123), or by the URL-encoded path of its file (st3://tasks/tasks%2FTASK-0123-x.task.yaml): the only way to read a task whose id two files carry.',
    mimeType: 'application/yaml',
  },
  {
    uriTemplate: 'st3://standards/{+file}{#section}',
    name: 'standards-section',
    title: 'Standards section',
    description:
      'A section of a standards Markdown file, by heading text or anchor (st3://standards/backend-tier.md#domain-service-layer); the file is looked up under <standards_root>/standards/, then <standards_root>/. Without #section: the whole file.',
    mimeType: 'text/markdown',
  },
  {
    uriTemplate: 'st3://review/items/{id}',
    name: 'review-item',
    title: 'Review item',
    description: 'One item of the review queue with its code, confidence, issues and history.',
    mimeType: 'application/json',
  },
];

const notFound = (uri: string, why: string) =>
  new McpError(RESOURCE_NOT_FOUND, `resource not found: ${uri} (${why})`, { uri });

/** `<standards_root>/standards/` when it exists, else `<standards_root>` (where `standards/x.md#a` citations point). */
async function standardsDirs(root: string): Promise<string[]> {
  const ws = await tasksWorkspace(root);
  const base = resolveInside(root, ws.config.standards_root);
  return [join(base, 'standards'), base];
}

async function markdownFiles(dir: string, out: string[] = []): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) await markdownFiles(path, out);
    else if (e.isFile() && e.name.endsWith('.md')) out.push(path);
  }
  return out;
}

async function listResources(root: string): Promise<Resource[]> {
  const { listTasks, listHeadings } = await import('@st3/evidence');
  const ws = await tasksWorkspace(root);
  const { tasks, duplicates } = await listTasks(ws.root, ws.config.task_dirs);
  // An id two files carry cannot be read by id (E_TASK_AMBIGUOUS): each of those files is listed by its path.
  const shared = new Set(duplicates.map((d) => d.id));
  const out: Resource[] = tasks.map((t) => ({
    uri: `st3://tasks/${shared.has(t.id) ? encodeURIComponent(t.file) : t.id}`,
    name: shared.has(t.id) ? t.file : t.id,
    title: t.title ?? t.id,
    description: `${t.file} (status ${t.status ?? '?'})${shared.has(t.id) ? `; ${t.id} is carried by more than one file` : ''}`,
    mimeType: 'application/yaml',
  }));
  const [dir] = await standardsDirs(root);
  if (dir && existsSync(dir)) {
    let sections = 0;
    for (const file of await markdownFiles(dir)) {
      const rel = relative(dir, file).split(sep).join('/');
      for (const h of listHeadings(await readFile(file, 'utf8')).filter((x) => x.level >= 2)) {
        if (++sections > MAX_LISTED_SECTIONS) break;
        out.push({
          uri: `st3://standards/${rel}#${h.slug}`,
          name: `${rel}#${h.slug}`,
          title: h.text,
          mimeType: 'text/markdown',
        });
      }
    }
  }
  out.push({
    uri: 'st3://review/queue',
    name: 'review-queue',
    title: 'Review queue',
    description: 'Every item of the review queue (.st3/review/queue.json), most urgent first.',
    mimeType: 'application/json',
  });
  return out;
}

async function readStandard(root: string, uri: string, rest: string): Promise<ReadResourceResult> {
  const hash = rest.indexOf('#');
  const file = decodeURIComponent(hash === -1 ? rest : rest.slice(0, hash));
  const section = hash === -1 ? undefined : decodeURIComponent(rest.slice(hash + 1));
  const dirs = await standardsDirs(root);
  const path = dirs.map((d) => resolveInside(d, file)).find((p) => existsSync(p));
  if (!path) throw notFound(uri, `no standards file ${file}`);
  resolveInside(root, path);
  const text = await readFile(path, 'utf8');
  if (!section) return { contents: [{ uri, mimeType: 'text/markdown', text }] };
  const { extractSection } = await import('@st3/evidence');
  const found = extractSection(text, section);
  if (!found) throw notFound(uri, `no section "${section}" in ${file}`);
  const heading = `${'#'.repeat(found.heading.level)} ${found.heading.text}`;
  return {
    contents: [
      { uri, mimeType: 'text/markdown', text: `${heading}\n\n${found.content}\n`, _meta: { sha256: found.sha256 } },
    ],
  };
}

async function readResource(root: string, uri: string): Promise<ReadResourceResult> {
  const match = /^st3:\/\/([a-z]+)\/(.+)$/.exec(uri);
  if (!match) throw notFound(uri, 'not an st3:// resource');
  const kind = match[1]!;
  const rest = match[2]!;
  if (kind === 'tasks') {
    const ws = await tasksWorkspace(root);
    const { findTask } = await import('@st3/evidence');
    const location = await findTask(ws.root, ws.config.task_dirs, decodeURIComponent(rest));
    // A task file named by its path may not be there: not found, as an id with no file is.
    const bytes = await readFileIfThere(resolveInside(root, location.path));
    if (!bytes) throw notFound(uri, `no task file ${location.file}`);
    return { contents: [{ uri, mimeType: 'application/yaml', text: bytes.toString('utf8') }] };
  }
  if (kind === 'standards') return readStandard(root, uri, rest);
  if (kind === 'review') {
    const queue = await reviewQueue(root);
    const doc =
      rest === 'queue'
        ? { items: await queue.list() }
        : rest.startsWith('items/')
          ? await queue.get(decodeURIComponent(rest.slice(6)))
          : undefined;
    if (!doc) throw notFound(uri, 'use st3://review/queue or st3://review/items/<id>');
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(doc, null, 2) }] };
  }
  throw notFound(uri, `unknown kind "${kind}"`);
}

/**
 * Task files, standards sections and the review queue as resources. ST3 errors become protocol
 * errors carrying their code and hint (`data`), "not found" ones with the MCP code -32002.
 */
export function installResources(server: Server, root: string): void {
  server.registerCapabilities({ resources: { listChanged: false } });
  const guard = async <T>(uri: string | undefined, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof McpError) throw error;
      if (isSt3Error(error)) {
        const code = /NOT_FOUND|E_TASK_UNKNOWN/.test(error.code) ? RESOURCE_NOT_FOUND : ErrorCode.InvalidParams;
        throw new McpError(code, `${error.code}: ${error.message}`, { uri, code: error.code, hint: error.hint });
      }
      throw error;
    }
  };
  server.setRequestHandler(ListResourcesRequestSchema, () =>
    guard(undefined, async () => ({ resources: await listResources(root) })),
  );
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: RESOURCE_TEMPLATES }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) =>
    guard(request.params.uri, () => readResource(root, request.params.uri)),
  );
}
